"""Accounts over HTTP: register, login, refresh, profile, local verification."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from dongne.api.deps import ClaimsDep, ClientIpDep, RuntimeDep
from dongne.users.schemas import (
    AuthResponse,
    LoginRequest,
    MeOut,
    ProfileUpdate,
    RefreshRequest,
    RegisterRequest,
    TokenPair,
    UserOut,
    VerificationCandidate,
    VerificationQueue,
)
from dongne.users.service import Session, refresh_refused

router = APIRouter(prefix="/api", tags=["accounts"])


def _auth_response(session: Session) -> AuthResponse:
    return AuthResponse(user=UserOut.model_validate(session.user), **dict(session.tokens))


@router.post("/auth/register", status_code=status.HTTP_201_CREATED, response_model=AuthResponse)
async def register(body: RegisterRequest, runtime: RuntimeDep, ip: ClientIpDep) -> AuthResponse:
    async with runtime.db.transaction() as uow:
        session = await runtime.users.register(
            uow, email=body.email, password=body.password, nickname=body.nickname, client_ip=ip
        )
    return _auth_response(session)


@router.post("/auth/login", response_model=AuthResponse)
async def login(body: LoginRequest, runtime: RuntimeDep, ip: ClientIpDep) -> AuthResponse:
    async with runtime.db.transaction() as uow:
        session = await runtime.users.login(
            uow, email=body.email, password=body.password, client_ip=ip
        )
    return _auth_response(session)


@router.post("/auth/refresh", response_model=TokenPair)
async def refresh(body: RefreshRequest, runtime: RuntimeDep) -> TokenPair:
    async with runtime.db.transaction() as uow:
        tokens = await runtime.users.refresh(uow, body.refresh_token)
    if tokens is None:
        raise refresh_refused()
    return tokens


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(body: RefreshRequest, runtime: RuntimeDep) -> None:
    async with runtime.db.transaction() as uow:
        await runtime.users.logout(uow, body.refresh_token)


@router.get("/me", response_model=MeOut)
async def me(claims: ClaimsDep, runtime: RuntimeDep) -> MeOut:
    async with runtime.db.transaction(readonly=True) as uow:
        profile = await runtime.users.profile(uow, claims.user_id)
        until = await runtime.settings_service.on_duty_until(uow, claims.user_id)
    now = runtime.clock.now()
    return MeOut(
        **profile.model_dump(), on_duty_until=until if until is not None and until > now else None
    )


@router.patch("/me", response_model=UserOut)
async def update_me(body: ProfileUpdate, claims: ClaimsDep, runtime: RuntimeDep) -> UserOut:
    async with runtime.db.transaction() as uow:
        user = await runtime.users.update_profile(uow, claims.user_id, body)
    return UserOut.model_validate(user)


@router.post("/admin/users/{user_id}/verify-local", response_model=UserOut)
async def verify_local(user_id: str, claims: ClaimsDep, runtime: RuntimeDep) -> UserOut:
    async with runtime.db.transaction() as uow:
        await runtime.users.require_admin(uow, claims.user_id)
        user = await runtime.users.verify_local(uow, user_id)
    return UserOut.model_validate(user)


@router.get("/admin/users/unverified", response_model=VerificationQueue)
async def verification_queue(
    claims: ClaimsDep,
    runtime: RuntimeDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> VerificationQueue:
    """Accounts not yet verified as locals, those who named a home region first."""
    async with runtime.db.transaction(readonly=True) as uow:
        await runtime.users.require_admin(uow, claims.user_id)
        users, total = await runtime.users.verification_queue(uow, limit)
    return VerificationQueue(
        users=[VerificationCandidate.model_validate(user) for user in users], total=total
    )
