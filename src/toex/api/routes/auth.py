"""Sign-in, sign-out, and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from toex.api import auth
from toex.api.access import User
from toex.api.audit_log import purpose_policy
from toex.api.deps import CurrentUser, Db, StoreDep, current_token, get_settings
from toex.api.errors import ApiError
from toex.api.schemas import LoginRequest, LoginResponse, Me
from toex.api.settings import ApiSettings
from toex.store import Store

router = APIRouter(tags=["auth"])


def me_body(store: Store, user: User) -> Me:
    return Me(username=user.username, display_name=user.display_name, role=user.role, scope_kind=user.scope_kind,
              scope_id=user.scope_id, clearance=user.clearance, handling_c=user.handling_c,
              forces=list(user.forces), purpose_required=sorted(purpose_policy(store)))


@router.post("/auth/login", response_model=LoginResponse, summary="Sign in; returns an expiring bearer token")
def login(body: LoginRequest, request: Request, db: Db, settings: Annotated[ApiSettings, Depends(get_settings)]) -> LoginResponse:
    client = request.client.host if request.client else "unknown"
    with db.writer() as store:
        try:
            result = auth.login(store, body.username, body.password, client, session_hours=settings.session_hours,
                                max_failures=settings.login_max_failures,
                                window_minutes=settings.login_window_minutes)
        except auth.RateLimited as exc:
            raise ApiError(429, "too many failed sign-ins; wait and try again",
                           detail={"retry_after": exc.retry_after},
                           headers={"Retry-After": str(exc.retry_after)}) from exc
        if result is None:
            raise ApiError(401, "wrong username or password", code="unauthorised")
        token, expires, user = result
        return LoginResponse(token=token, expires_at=expires.isoformat() + "Z", user=me_body(store, user))


@router.post("/auth/logout", status_code=204, summary="End this session")
def logout(user: CurrentUser, db: Db, token: Annotated[str, Depends(current_token)]) -> Response:
    with db.writer() as store:
        auth.logout(store, token)
    return Response(status_code=204)


@router.get("/me", response_model=Me, summary="The signed-in user, their role and scope")
def me(user: CurrentUser, store: StoreDep) -> Me:
    return me_body(store, user)
