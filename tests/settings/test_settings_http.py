"""GET/PUT /api/me/settings: defaults that let every wave reach a new user, validation."""

from __future__ import annotations

from tests.fixtures.clients import Api, connect
from tests.fixtures.people import make_person


async def test_defaults_then_a_full_replacement(api: Api) -> None:
    account = await api.register()
    headers = api.auth(account)
    defaults = (await api.http.get("/api/me/settings", headers=headers)).json()
    assert defaults == {
        "immediateAlerts": True,
        "quietHours": None,
        "channels": {"socket": True, "push": True, "email": False, "sms": False},
        "radiusMeters": 5000,
        "mutedHashtags": [],
        "interests": [],
        "followedRegions": [],
        "languages": ["ko"],
        "onDutyUntil": None,
    }
    wanted = {
        "immediateAlerts": False,
        "quietHours": {"start": "22:00", "end": "07:00"},
        "channels": {"socket": True, "push": False, "email": True, "sms": False},
        "radiusMeters": 2000,
        "mutedHashtags": ["#광고", "맛집"],
        "interests": ["#오름", "Hallasan"],
        "followedRegions": ["aewol", "jeju"],
        "languages": ["ko", "en", "en"],
    }
    saved = await api.http.put("/api/me/settings", json=wanted, headers=headers)
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["mutedHashtags"] == ["광고", "맛집"]
    assert body["interests"] == ["hallasan", "오름"]
    assert body["quietHours"] == {"start": "22:00", "end": "07:00"}
    assert body["languages"] == ["ko", "en"]
    assert (await api.http.get("/api/me/settings", headers=headers)).json() == body


async def test_invalid_settings_are_refused_and_change_nothing(api: Api) -> None:
    account = await api.register()
    headers = api.auth(account)
    before = (await api.http.get("/api/me/settings", headers=headers)).json()
    for bad in [
        {"quietHours": {"start": "25:00", "end": "07:00"}},
        {"radiusMeters": 10},
        {"followedRegions": ["atlantis"]},
        {"channels": {"fax": True}},
        {"unknown": 1},
        {"languages": ["fr"]},
        {"languages": []},
    ]:
        response = await api.http.put("/api/me/settings", json=bad, headers=headers)
        assert response.status_code == 422, bad
        assert response.json()["error"]["code"] == "invalid"
    assert (await api.http.get("/api/me/settings", headers=headers)).json() == before


async def test_settings_read_from_the_cache_follow_the_on_duty_mark(api: Api) -> None:
    # Settings are cached (routing rounds read them for every candidate): marking and
    # clearing "on duty" must reach the next read, as a replacement does above.
    local = await make_person(api.server, "duty")
    headers = {"Authorization": f"Bearer {local.token}"}
    before = (await api.http.get("/api/me/settings", headers=headers)).json()
    assert before["onDutyUntil"] is None
    socket = await connect(api.server, local.token)
    try:
        marked = await socket.call("set_on_duty", {"on": True, "minutes": 30})
        assert marked["ok"] is True, marked
        during = (await api.http.get("/api/me/settings", headers=headers)).json()
        assert during["onDutyUntil"] == marked["onDutyUntil"]
        cleared = await socket.call("set_on_duty", {"on": False})
        assert cleared["ok"] is True, cleared
        after = (await api.http.get("/api/me/settings", headers=headers)).json()
        assert after["onDutyUntil"] is None
    finally:
        await socket.close()
