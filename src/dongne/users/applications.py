"""A way in for locals (issue [16] item 9): a person applies to be verified, saying how they
know the area; an operator sees only applicants, with that statement and what the product's
own records say (answers written and on how many days, and on how many days the app
reported a position on Jeju, in the last 90 days), and approves or declines with a reason.
The applicant hears the outcome as a notification.

The applicant may add a photo of a document (a lease, a business registration): cleaned of
EXIF like every upload, kept in the private store (media/service.py), shown only to an
operator through `document()`, and deleted once the application is decided.

Presence is attested, the way Karrot verifies a neighbourhood, when the app was on Jeju on
at least `ATTESTED_DAYS` different days in the window: the operator sees it at a glance, and
still decides.

Lapse rule (docs/web-client.md): a verification lapses when, for `LAPSE_AFTER` (180 days)
since it was given, the local has neither answered nor had the app report a position on
Jeju on any day. A chore (users/tasks.py) applies it: the local asks as a traveler again,
is told so by a notification, and may apply again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from pydantic import Field

from dongne.kit.clock import Clock
from dongne.kit.db import UnitOfWork
from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.ids import new_id
from dongne.kit.messages import MessageKey, text
from dongne.kit.schema import CleanStr, RequestModel, WireModel
from dongne.media.service import MediaService, PrivateBlob
from dongne.models.users import LocalApplication
from dongne.moderation.policy import strip_html
from dongne.notifications.policy import seoul_date
from dongne.notifications.service import Message, NotificationsService
from dongne.users.applications_repository import LocalApplicationRepository
from dongne.users.service import UsersService

EVIDENCE_WINDOW = timedelta(days=90)
ATTESTED_DAYS = 3
LAPSE_AFTER = timedelta(days=180)
LAPSE_BATCH = 200
ALREADY_LOCAL = text(MessageKey.ALREADY_LOCAL)
ALREADY_PENDING = text(MessageKey.APPLICATION_PENDING)
NOT_FOUND = text(MessageKey.APPLICATION_NOT_FOUND)
DECIDED = text(MessageKey.APPLICATION_DECIDED)
NO_DOCUMENT = text(MessageKey.APPLICATION_NO_DOCUMENT)
DOCUMENTS = "application-documents"


class ApplyRequest(RequestModel):
    statement: CleanStr = Field(min_length=10, max_length=1000)


class DecideRequest(RequestModel):
    approve: bool
    reason: CleanStr = Field(default="", max_length=300)


class ApplicationOut(WireModel):
    id: str
    user_id: str
    nickname: str
    statement: str
    status: str
    decline_reason: str | None
    created_at: datetime
    decided_at: datetime | None
    recent_answers: int  # answers written in the last 90 days
    recent_answer_days: int  # on how many distinct days
    island_days: int  # days the app reported a position on Jeju, in the last 90 days
    presence_attested: bool  # island_days >= ATTESTED_DAYS
    has_document: bool  # a document photo waits for the operator (GET .../document)


class ApplicationList(WireModel):
    applications: list[ApplicationOut]


class MyApplication(WireModel):
    application: ApplicationOut | None


class LocalApplications:
    def __init__(
        self,
        *,
        clock: Clock,
        users: UsersService,
        notifications: NotificationsService,
        media: MediaService,
    ) -> None:
        self._clock = clock
        self._users = users
        self._notifications = notifications
        self._media = media

    async def apply(self, uow: UnitOfWork, user_id: str, request: ApplyRequest) -> ApplicationOut:
        user = await self._users.get(uow, user_id)
        if user.is_local_verified:
            raise DongneError(ErrorCode.CONFLICT, ALREADY_LOCAL)
        repo = LocalApplicationRepository(uow.session)
        latest = await repo.latest_of(user_id)
        if latest is not None and latest.status == "pending":
            raise DongneError(ErrorCode.CONFLICT, ALREADY_PENDING)
        now = self._clock.now()
        row = LocalApplication(
            id=new_id(now),
            user_id=user_id,
            statement=strip_html(request.statement),
            status="pending",
            created_at=now,
        )
        await repo.add(row)
        return await self._view(uow, row)

    async def mine(self, uow: UnitOfWork, user_id: str) -> MyApplication:
        latest = await LocalApplicationRepository(uow.session).latest_of(user_id)
        return MyApplication(application=await self._view(uow, latest) if latest else None)

    async def add_document(self, uow: UnitOfWork, user_id: str, raw: bytes) -> ApplicationOut:
        """The photo of a document for the applicant's pending application (a second one
        replaces the first)."""
        row = await LocalApplicationRepository(uow.session).latest_of(user_id)
        if row is None or row.status != "pending":
            raise DongneError(ErrorCode.NOT_FOUND, NOT_FOUND)
        key = await self._media.put_private(DOCUMENTS, raw)
        replaced = row.document_key
        row.document_key = key
        if replaced is not None:
            uow.after_commit(partial(self._media.delete_private, replaced))
        return await self._view(uow, row)

    async def document(self, uow: UnitOfWork, admin_id: str, application_id: str) -> PrivateBlob:
        await self._users.require_admin(uow, admin_id)
        row = await LocalApplicationRepository(uow.session).get(application_id)
        key = row.document_key if row is not None else None
        blob = await self._media.read_private(key) if key is not None else None
        if blob is None:
            raise DongneError(ErrorCode.NOT_FOUND, NO_DOCUMENT)
        return blob

    async def pending(self, uow: UnitOfWork, admin_id: str) -> ApplicationList:
        await self._users.require_admin(uow, admin_id)
        rows = await LocalApplicationRepository(uow.session).pending(limit=100)
        return ApplicationList(applications=[await self._view(uow, r) for r in rows])

    async def decide(
        self, uow: UnitOfWork, admin_id: str, application_id: str, request: DecideRequest
    ) -> ApplicationOut:
        await self._users.require_admin(uow, admin_id)
        row = await LocalApplicationRepository(uow.session).get(application_id)
        if row is None:
            raise DongneError(ErrorCode.NOT_FOUND, NOT_FOUND)
        if row.status != "pending":
            raise DongneError(ErrorCode.CONFLICT, DECIDED)
        row.status = "approved" if request.approve else "declined"
        row.decline_reason = None if request.approve else (request.reason or None)
        row.decided_at = self._clock.now()
        if row.document_key is not None:
            # Decided: the document has served its purpose and is not kept.
            uow.after_commit(partial(self._media.delete_private, row.document_key))
            row.document_key = None
        if request.approve:
            await self._users.verify_local(uow, row.user_id)
            note = Message(
                type="local_verified",
                title=text(MessageKey.LOCAL_VERIFIED_TITLE),
                message=text(MessageKey.LOCAL_VERIFIED_BODY),
                data={"applicationId": row.id},
            )
        else:
            note = Message(
                type="local_declined",
                title=text(MessageKey.LOCAL_DECLINED_TITLE),
                message=request.reason or text(MessageKey.LOCAL_DECLINED_BODY),
                data={"applicationId": row.id},
            )
        await self._notifications.notify(uow, row.user_id, note)
        return await self._view(uow, row)

    async def lapse_absent_locals(self, uow: UnitOfWork) -> int:
        """Applies the lapse rule to at most `LAPSE_BATCH` locals; returns how many lapsed."""
        since = self._clock.now() - LAPSE_AFTER
        lapsing = await LocalApplicationRepository(uow.session).lapsing_locals(
            since, seoul_date(since), LAPSE_BATCH
        )
        for user_id in lapsing:
            await self._users.lapse_local(uow, user_id)
            await self._notifications.notify(
                uow,
                user_id,
                Message(
                    type="local_lapsed",
                    title=text(MessageKey.LOCAL_LAPSED_TITLE),
                    message=text(MessageKey.LOCAL_LAPSED_BODY),
                ),
            )
        return len(lapsing)

    async def _view(self, uow: UnitOfWork, row: LocalApplication) -> ApplicationOut:
        user = await self._users.get(uow, row.user_id)
        repo = LocalApplicationRepository(uow.session)
        since = self._clock.now() - EVIDENCE_WINDOW
        answers, days = await repo.answer_record(row.user_id, since)
        island_days = await repo.island_days(row.user_id, seoul_date(since))
        return ApplicationOut(
            id=row.id,
            user_id=row.user_id,
            nickname=user.nickname,
            statement=row.statement,
            status=row.status,
            decline_reason=row.decline_reason,
            created_at=row.created_at,
            decided_at=row.decided_at,
            recent_answers=answers,
            recent_answer_days=days,
            island_days=island_days,
            presence_attested=island_days >= ATTESTED_DAYS,
            has_document=row.document_key is not None,
        )
