"""Accounts: registration, login, token refresh with rotation, profiles, local verification."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from dongne.infra.cache.base import Cache, CachedModels
from dongne.kit.clock import Clock
from dongne.kit.db import UnitOfWork
from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.ids import new_id
from dongne.kit.messages import MessageKey, text
from dongne.kit.passwords import Passwords
from dongne.kit.tokens import (
    AccessClaims,
    AccessTokens,
    InvalidToken,
    hash_refresh_secret,
    new_refresh_secret,
)
from dongne.models.users import RefreshToken, User
from dongne.users.limits import AuthLimits
from dongne.users.policy import normalize_email, role_after_lapse, role_after_local_verification
from dongne.users.repository import EmailTaken, RefreshTokenRepository, UserRepository
from dongne.users.schemas import Person, ProfileUpdate, Role, TokenPair, UserOut

BAD_CREDENTIALS = text(MessageKey.WRONG_CREDENTIALS)
BAD_REFRESH = text(MessageKey.LOG_IN_AGAIN)
USER_NOT_FOUND = text(MessageKey.USER_NOT_FOUND)
# The seed's TTL of a cached session (the user a token belongs to).
SESSION_TTL = timedelta(hours=1)


@dataclass(frozen=True)
class Session:
    user: User
    tokens: TokenPair


class UsersService:
    def __init__(
        self,
        clock: Clock,
        passwords: Passwords,
        access_tokens: AccessTokens,
        refresh_ttl: timedelta,
        cache: Cache,
        limits: AuthLimits | None = None,
    ) -> None:
        self._clock = clock
        self._limits = limits
        self._passwords = passwords
        self._access = access_tokens
        self._refresh_ttl = refresh_ttl
        self._sessions = CachedModels(cache, "user", UserOut, SESSION_TTL)

    async def create(
        self,
        uow: UnitOfWork,
        *,
        email: str,
        password: str,
        nickname: str,
        role: Role = Role.TRAVELER,
        local_verified: bool = False,
        home_region: str | None = None,
    ) -> User:
        now = self._clock.now()
        user = User(
            id=new_id(now),
            email=normalize_email(email),
            password_hash=await self._passwords.hash(password),
            nickname=nickname,
            role=role.value,
            is_local_verified=local_verified,
            local_verified_at=now if local_verified else None,
            home_region=home_region,
            points=0,
            created_at=now,
            updated_at=now,
        )
        repo = UserRepository(uow.session)
        if await repo.get_by_email(user.email) is not None:
            raise _email_taken()
        try:
            await repo.add(user)
        except EmailTaken as exc:
            raise _email_taken() from exc
        return user

    async def register(
        self,
        uow: UnitOfWork,
        *,
        email: str,
        password: str,
        nickname: str,
        client_ip: str | None = None,
    ) -> Session:
        if self._limits is not None and client_ip is not None:
            await self._limits.sign_up(client_ip)
        user = await self.create(uow, email=email, password=password, nickname=nickname)
        return Session(user, await self._issue(uow, user, family_id=None))

    async def login(
        self, uow: UnitOfWork, *, email: str, password: str, client_ip: str | None = None
    ) -> Session:
        account = normalize_email(email)
        limits = self._limits if client_ip is not None else None
        if limits is not None and client_ip is not None:
            await limits.before_login(account, client_ip)
        user = await UserRepository(uow.session).get_by_email(account)
        if user is None:
            await self._passwords.burn(password)
        if user is None or not await self._passwords.verify(user.password_hash, password):
            if limits is not None and client_ip is not None:
                await limits.login_failed(account, client_ip)
            raise DongneError(ErrorCode.UNAUTHENTICATED, BAD_CREDENTIALS)
        return Session(user, await self._issue(uow, user, family_id=None))

    async def refresh(self, uow: UnitOfWork, refresh_token: str) -> TokenPair | None:
        """Rotate: the presented token is spent and a new pair issued.

        Presenting an already spent token means it leaked: the whole family is revoked and
        None is returned, so the caller commits the revocation before refusing.
        """
        token_id, _, secret = refresh_token.partition(".")
        tokens = RefreshTokenRepository(uow.session)
        row = await tokens.get_for_update(token_id) if secret else None
        now = self._clock.now()
        if row is None or row.token_hash != hash_refresh_secret(secret) or row.expires_at <= now:
            raise refresh_refused()
        if row.revoked_at is not None:
            await tokens.revoke_family(row.family_id, now)
            return None
        user = await self.get(uow, row.user_id)
        row.revoked_at = now
        return await self._issue(uow, user, family_id=row.family_id)

    async def logout(self, uow: UnitOfWork, refresh_token: str) -> None:
        """Ends the login the refresh token belongs to, on every device that shares it."""
        token_id, _, secret = refresh_token.partition(".")
        tokens = RefreshTokenRepository(uow.session)
        row = await tokens.get_for_update(token_id) if secret else None
        if row is None or row.token_hash != hash_refresh_secret(secret):
            raise refresh_refused()
        await tokens.revoke_family(row.family_id, self._clock.now())

    def authenticate(self, access_token: object) -> AccessClaims:
        try:
            return self._access.verify(access_token, self._clock.now())
        except InvalidToken as exc:
            raise DongneError(
                ErrorCode.UNAUTHENTICATED, text(MessageKey.AUTHENTICATION_FAILED)
            ) from exc

    async def get(self, uow: UnitOfWork, user_id: str) -> User:
        user = await UserRepository(uow.session).get(user_id)
        if user is None:
            raise DongneError(ErrorCode.NOT_FOUND, USER_NOT_FOUND)
        return user

    async def profile(self, uow: UnitOfWork, user_id: str) -> UserOut:
        """The user a token belongs to, from the session cache: for reading, never for a
        decision that writes (those load the row with `get`)."""

        async def load() -> UserOut:
            return UserOut.model_validate(await self.get(uow, user_id))

        return await self._sessions.get(user_id, load)

    async def profiles(self, uow: UnitOfWork, user_ids: Iterable[str]) -> dict[str, UserOut]:
        """Like `profile`, for many; unknown ids are left out."""

        async def load(missing: list[str]) -> dict[str, UserOut]:
            users = await UserRepository(uow.session).list_by_ids(missing)
            return {user.id: UserOut.model_validate(user) for user in users}

        return await self._sessions.get_many(list(user_ids), load)

    def changed(self, uow: UnitOfWork, user_id: str) -> None:
        """Call in a transaction that changes the user's row: the cached session goes
        when it commits."""
        self._sessions.forget_after_commit(uow, user_id)

    async def people(self, uow: UnitOfWork, user_ids: Iterable[str]) -> dict[str, Person]:
        """Name and badge of each user, read without loading whole rows."""
        ids = list(set(user_ids))
        found = await UserRepository(uow.session).people(ids) if ids else []
        return {person.id: person for person in found}

    async def verified_local_ids(self, uow: UnitOfWork) -> list[str]:
        return await UserRepository(uow.session).verified_local_ids()

    async def verified_among(self, uow: UnitOfWork, user_ids: Iterable[str]) -> list[str]:
        """Which of these users are verified locals, sorted."""
        ids = list(set(user_ids))
        return await UserRepository(uow.session).verified_among(ids) if ids else []

    async def verified_locals_in(self, uow: UnitOfWork, region: str) -> list[str]:
        """Verified locals who gave `region` as their home."""
        return await UserRepository(uow.session).verified_locals_in(region)

    async def verification_queue(self, uow: UnitOfWork, limit: int) -> tuple[list[User], int]:
        return await UserRepository(uow.session).unverified(limit=limit)

    async def get_by_email(self, uow: UnitOfWork, email: str) -> User:
        user = await UserRepository(uow.session).get_by_email(normalize_email(email))
        if user is None:
            raise DongneError(ErrorCode.NOT_FOUND, USER_NOT_FOUND)
        return user

    async def update_profile(self, uow: UnitOfWork, user_id: str, change: ProfileUpdate) -> User:
        user = await self.get(uow, user_id)
        for field in change.model_fields_set:
            setattr(user, field, getattr(change, field))
        user.updated_at = self._clock.now()
        self.changed(uow, user.id)
        return user

    async def verify_local(self, uow: UnitOfWork, user_id: str) -> User:
        user = await self.get(uow, user_id)
        user.is_local_verified = True
        user.role = role_after_local_verification(Role(user.role)).value
        user.local_verified_at = user.updated_at = self._clock.now()
        self.changed(uow, user.id)
        return user

    async def lapse_local(self, uow: UnitOfWork, user_id: str) -> User:
        user = await self.get(uow, user_id)
        user.is_local_verified = False
        user.role = role_after_lapse(Role(user.role)).value
        user.local_verified_at = None
        user.updated_at = self._clock.now()
        self.changed(uow, user.id)
        return user

    async def require_admin(self, uow: UnitOfWork, user_id: str) -> User:
        # The role comes from the database, not the token, so a demoted admin loses access at once.
        user = await self.get(uow, user_id)
        if user.role != Role.ADMIN:
            raise DongneError(ErrorCode.FORBIDDEN, text(MessageKey.ADMINS_ONLY))
        return user

    async def _issue(self, uow: UnitOfWork, user: User, *, family_id: str | None) -> TokenPair:
        now = self._clock.now()
        secret = new_refresh_secret()
        row = RefreshToken(
            id=new_id(now),
            user_id=user.id,
            family_id=family_id or new_id(now),
            token_hash=hash_refresh_secret(secret),
            created_at=now,
            expires_at=now + self._refresh_ttl,
        )
        await RefreshTokenRepository(uow.session).add(row)
        return TokenPair(
            access_token=self._access.issue(user.id, user.role, now),
            refresh_token=f"{row.id}.{secret}",
            expires_in=int(self._access.ttl.total_seconds()),
        )


def refresh_refused() -> DongneError:
    return DongneError(ErrorCode.UNAUTHENTICATED, BAD_REFRESH)


def _email_taken() -> DongneError:
    return DongneError(ErrorCode.CONFLICT, text(MessageKey.EMAIL_TAKEN))
