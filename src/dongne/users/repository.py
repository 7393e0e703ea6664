"""Every SQL query about accounts and refresh tokens."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from dongne.models.users import RefreshToken, User
from dongne.users.schemas import Person, Role

# Every routing round names its candidates (built once: kit/db.py PerDialect says why).
_PEOPLE = select(User.id, User.nickname, User.is_local_verified).where(
    User.id.in_(bindparam("user_ids", expanding=True))
)


class EmailTaken(Exception):
    pass


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, user: User) -> None:
        self._session.add(user)
        try:
            # Flush now so a concurrent registration of the same email fails here, not at commit.
            await self._session.flush()
        except IntegrityError as exc:
            raise EmailTaken(user.email) from exc

    async def get(self, user_id: str) -> User | None:
        return await self._session.get(User, user_id)

    async def get_by_email(self, email: str) -> User | None:
        result = await self._session.execute(select(User).where(User.email == email))
        return result.scalar_one_or_none()

    async def verified_local_ids(self) -> list[str]:
        query = select(User.id).where(User.is_local_verified.is_(True)).order_by(User.id)
        return list((await self._session.execute(query)).scalars())

    async def verified_among(self, user_ids: Sequence[str]) -> list[str]:
        """Which of these users are verified locals, sorted."""
        query = (
            select(User.id)
            .where(User.id.in_(user_ids), User.is_local_verified.is_(True))
            .order_by(User.id)
        )
        return list((await self._session.execute(query)).scalars())

    async def verified_locals_in(self, region: str) -> list[str]:
        query = (
            select(User.id)
            .where(User.is_local_verified.is_(True), User.home_region == region)
            .order_by(User.id)
        )
        return list((await self._session.execute(query)).scalars())

    async def unverified(self, *, limit: int) -> tuple[list[User], int]:
        """Accounts not yet verified as locals (admins aside), and how many there are.

        Those who named a home region (they say they live on Jeju) come first, oldest first.
        """
        waiting = (User.is_local_verified.is_(False), User.role != Role.ADMIN.value)
        query = (
            select(User)
            .where(*waiting)
            .order_by(User.home_region.is_(None), User.created_at, User.id)
            .limit(limit)
        )
        total = select(func.count()).select_from(User).where(*waiting)
        users = list((await self._session.execute(query)).scalars())
        return users, (await self._session.execute(total)).scalar_one()

    async def people(self, user_ids: Sequence[str]) -> list[Person]:
        rows = await self._session.execute(_PEOPLE, {"user_ids": list(user_ids)})
        return [Person(*row) for row in rows]

    async def list_by_ids(self, user_ids: list[str]) -> list[User]:
        result = await self._session.execute(select(User).where(User.id.in_(user_ids)))
        return list(result.scalars())


class RefreshTokenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, token: RefreshToken) -> None:
        self._session.add(token)
        await self._session.flush()

    async def get_for_update(self, token_id: str) -> RefreshToken | None:
        result = await self._session.execute(
            select(RefreshToken).where(RefreshToken.id == token_id).with_for_update()
        )
        return result.scalar_one_or_none()

    async def revoke_family(self, family_id: str, now: datetime) -> None:
        await self._session.execute(
            update(RefreshToken)
            .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
