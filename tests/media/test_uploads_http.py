"""Image uploads over real HTTP: EXIF is gone, bad files are refused, images attach to posts."""

from __future__ import annotations

import io

from PIL import Image

from tests.fixtures.clients import Api, connect
from tests.fixtures.db import row_counts
from tests.fixtures.jeju import question_payload

GPS_IFD = 0x8825


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (30, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (33.0, 27.0, 29.0)
    gps[3] = "E"
    gps[4] = (126.0, 56.0, 29.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    data = buffer.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)
    return data


async def test_upload_strips_gps_exif(api: Api) -> None:
    account = await api.register()
    response = await api.http.post(
        "/api/uploads",
        files={"file": ("photo.jpg", jpeg_with_gps(), "image/jpeg")},
        headers=api.auth(account),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["imageId"]
    assert body["contentType"] == "image/jpeg"
    served = await api.http.get(body["url"])
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"
    returned = Image.open(io.BytesIO(served.content))
    assert returned.size == (64, 48)
    assert dict(returned.getexif()) == {}
    assert b"Exif" not in served.content
    assert b"PhoneMaker" not in served.content


async def test_bad_uploads_are_refused_and_store_nothing(api: Api) -> None:
    account = await api.register()
    before = await row_counts(api.server)
    cases = [
        ("notes.jpg", b"this is plain text, not a JPEG" * 10, "image/jpeg"),
        ("big.jpg", b"\xff\xd8\xff" + b"\0" * (5 * 1024 * 1024), "image/jpeg"),
    ]
    for name, data, content_type in cases:
        response = await api.http.post(
            "/api/uploads", files={"file": (name, data, content_type)}, headers=api.auth(account)
        )
        assert response.status_code == 422, name
        error = response.json()["error"]
        assert error["code"] == "invalid"
        assert error["message"]
    assert await row_counts(api.server) == before


async def test_upload_needs_a_login(api: Api) -> None:
    response = await api.http.post("/api/uploads", files={"file": ("a.jpg", jpeg_with_gps())})
    assert response.status_code == 401


async def test_images_attach_once_and_only_by_their_owner(api: Api) -> None:
    owner, stranger = await api.register(), await api.register()
    upload = await api.http.post(
        "/api/uploads", files={"file": ("a.jpg", jpeg_with_gps())}, headers=api.auth(owner)
    )
    image_id = upload.json()["imageId"]
    thief = await connect(api.server, stranger.access_token)
    client = await connect(api.server, owner.access_token)
    try:
        stolen = await thief.call("create_question", question_payload(imageIds=[image_id]))
        assert stolen["error"]["code"] == "not_found"
        ack = await client.call("create_question", question_payload(imageIds=[image_id]))
        assert ack["ok"] is True
        [image] = ack["question"]["images"]
        assert image["id"] == image_id
        assert image["url"].startswith("/media/images/")
        reused = await client.call("create_question", question_payload(imageIds=[image_id]))
        assert reused["error"]["code"] == "conflict"
    finally:
        await thief.close()
        await client.close()


async def test_media_paths_cannot_escape_the_store(api: Api) -> None:
    for path in ["/media/../../etc/passwd", "/media/%2e%2e/jwt_secret", "/media/images/none.jpg"]:
        response = await api.http.get(path)
        assert response.status_code == 404, path
