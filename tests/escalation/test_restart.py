"""Waves and rounds are durable: a restart between two runs the next one once, nothing twice."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import select

from dongne.escalation.routing import RouterConfig
from dongne.kit.clock import ManualClock
from dongne.models import Job, QuestionNotified
from dongne.models.migrations import upgrade
from tests.escalation.test_waves import SEONGSAN, offset
from tests.fixtures.databases import fresh_database
from tests.fixtures.jeju import question_payload
from tests.fixtures.people import go_online, make_person
from tests.fixtures.server import RunningServer, serve, server_settings


async def waves_and_jobs(
    server: RunningServer, qid: str
) -> tuple[list[tuple[str, str]], dict[str, tuple[str, int]]]:
    async with server.runtime.db.transaction(readonly=True) as uow:
        notified = (
            await uow.session.execute(
                select(QuestionNotified.wave, QuestionNotified.user_id)
                .where(QuestionNotified.question_id == qid)
                .order_by(QuestionNotified.wave, QuestionNotified.user_id)
            )
        ).all()
        jobs = (
            await uow.session.execute(select(Job).where(Job.dedupe_key.like(f"wave:{qid}:%")))
        ).scalars()
        return [tuple(row) for row in notified], {
            j.payload["wave"]: (j.status, j.attempts) for j in jobs
        }


async def test_quick_wave_runs_once_after_a_restart(backend: str, tmp_path: Path) -> None:
    clock = ManualClock()
    async with fresh_database(backend, tmp_path) as url:
        await asyncio.to_thread(upgrade, url)
        settings = server_settings(tmp_path, url, run_jobs=False, routing="seed-waves")

        async with serve(settings, clock) as first:
            asker = await make_person(first, "asker", local=False)
            near = await make_person(first, "near")
            middle = await make_person(first, "middle")
            await go_online(first, asker, *offset(SEONGSAN, 10))
            await go_online(first, near, *offset(SEONGSAN, 500))
            await go_online(first, middle, *offset(SEONGSAN, 3000))
            assert asker.socket is not None
            payload = question_payload(urgency="normal")  # no push jobs: only the waves count
            qid = (await asker.socket.call("create_question", payload))["question"]["id"]
            assert await first.runtime.jobs.run_due() == 1  # IMMEDIATE
            for person in (asker, near, middle):
                assert person.socket is not None
                await person.socket.close()
            notified, jobs = await waves_and_jobs(first, qid)
            assert notified == [("IMMEDIATE", near.id)]
            assert jobs["IMMEDIATE"] == ("done", 1)
            assert jobs["QUICK"] == ("pending", 0)

        clock.advance(5)  # the QUICK wave came due while no server ran
        async with serve(settings, clock) as second:
            await go_online(second, near, *offset(SEONGSAN, 500))
            await go_online(second, middle, *offset(SEONGSAN, 3000))
            assert await second.runtime.jobs.run_due() == 1
            assert await second.runtime.jobs.run_due() == 0
            assert middle.socket is not None
            event = await middle.socket.next("new_question_notification")
            assert event["priority"] == "QUICK"
            notified, jobs = await waves_and_jobs(second, qid)
            assert notified == [("IMMEDIATE", near.id), ("QUICK", middle.id)]
            assert jobs["IMMEDIATE"] == ("done", 1)
            assert jobs["QUICK"] == ("done", 1)
            assert jobs["EXTENDED"] == ("pending", 0)
            for person in (near, middle):
                assert person.socket is not None
                await person.socket.close()


async def rounds_and_jobs(
    server: RunningServer, qid: str
) -> tuple[list[tuple[str, str]], dict[str, tuple[str, int]]]:
    async with server.runtime.db.transaction(readonly=True) as uow:
        notified = (
            await uow.session.execute(
                select(QuestionNotified.wave, QuestionNotified.user_id)
                .where(QuestionNotified.question_id == qid)
                .order_by(QuestionNotified.created_at, QuestionNotified.user_id)
            )
        ).all()
        jobs = (
            await uow.session.execute(select(Job).where(Job.dedupe_key.like(f"round:{qid}:%")))
        ).scalars()
        return [tuple(row) for row in notified], {
            str(j.dedupe_key): (j.status, j.attempts) for j in jobs
        }


async def test_the_next_round_runs_once_after_a_restart(backend: str, tmp_path: Path) -> None:
    """The router's rounds are durable jobs too: a round due while no server ran runs once
    on the next start, and schedules the round after it."""
    clock = ManualClock()
    one_per_round = RouterConfig(max_per_round=1)
    async with fresh_database(backend, tmp_path) as url:
        await asyncio.to_thread(upgrade, url)
        settings = server_settings(tmp_path, url, run_jobs=False)

        async with serve(settings, clock) as first:
            first.runtime.escalation.router.config = one_per_round
            asker = await make_person(first, "asker", local=False)
            near = await make_person(first, "near")
            middle = await make_person(first, "middle")
            await go_online(first, asker, *offset(SEONGSAN, 10))
            await go_online(first, near, *offset(SEONGSAN, 500))
            await go_online(first, middle, *offset(SEONGSAN, 2500))
            assert asker.socket is not None
            payload = question_payload(urgency="normal")
            qid = (await asker.socket.call("create_question", payload))["question"]["id"]
            assert await first.runtime.jobs.run_due() == 1  # round 1
            for person in (asker, near, middle):
                assert person.socket is not None
                await person.socket.close()
            notified, jobs = await rounds_and_jobs(first, qid)
            assert [wave for wave, _user in notified] == ["IMMEDIATE"]
            assert jobs == {f"round:{qid}:1": ("done", 1), f"round:{qid}:2": ("pending", 0)}

        clock.advance(80)  # round 2 came due while no server ran
        async with serve(settings, clock) as second:
            second.runtime.escalation.router.config = one_per_round
            await go_online(second, near, *offset(SEONGSAN, 500))
            await go_online(second, middle, *offset(SEONGSAN, 2500))
            assert await second.runtime.jobs.run_due() == 1
            assert await second.runtime.jobs.run_due() == 0
            notified, jobs = await rounds_and_jobs(second, qid)
            assert [wave for wave, _user in notified] == ["IMMEDIATE", "QUICK"]
            assert {user for _wave, user in notified} == {near.id, middle.id}
            assert jobs[f"round:{qid}:2"] == ("done", 1)
            assert jobs[f"round:{qid}:3"] == ("pending", 0)
            for person in (near, middle):
                assert person.socket is not None
                await person.socket.close()
