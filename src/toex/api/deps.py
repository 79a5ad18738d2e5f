"""Request dependencies: the store cursor, the signed-in user, roles, purpose, paging."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from toex.api import auth
from toex.api.access import User
from toex.api.db import Database
from toex.api.errors import ApiError
from toex.api.settings import ApiSettings
from toex.store import Store

bearer = HTTPBearer(auto_error=False, description="Bearer token from POST /auth/login")


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_settings(request: Request) -> ApiSettings:
    settings: ApiSettings = request.app.state.settings
    return settings


def get_store(db: Annotated[Database, Depends(get_db)]) -> Iterator[Store]:
    db.maybe_refresh()
    with db.reader() as store:
        yield store


def current_token(creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> str:
    if creds is None or not creds.credentials:
        raise ApiError(401, "sign in first: send Authorization: Bearer <token>",
                       headers={"WWW-Authenticate": "Bearer"})
    return creds.credentials


def current_user(token: Annotated[str, Depends(current_token)], store: Annotated[Store, Depends(get_store)]) -> User:
    if len(token) > 200:
        raise ApiError(401, "invalid token", headers={"WWW-Authenticate": "Bearer"})
    user = auth.session_user(store, token)
    if user is None:
        raise ApiError(401, "your session has expired or ended; sign in again",
                       code="unauthorised", headers={"WWW-Authenticate": "Bearer"})
    return user


def require(minimum: str) -> object:
    """Dependency: the signed-in user with at least role ``minimum``."""

    def check(user: Annotated[User, Depends(current_user)]) -> User:
        if not user.has_role(minimum):
            raise ApiError(403, f"this needs the {minimum} role or above", detail={"role": user.role})
        return user

    return check


def purpose(
    x_toex_purpose: Annotated[str | None, Header(max_length=500, description="Purpose or case reference")] = None,
    purpose: Annotated[str | None, Query(max_length=500, description="Purpose or case reference")] = None,
) -> str | None:
    """The purpose or case reference given with the request (header first)."""
    return x_toex_purpose or purpose


CurrentUser = Annotated[User, Depends(current_user)]
Analyst = Annotated[User, Depends(require("analyst"))]
Supervisor = Annotated[User, Depends(require("supervisor"))]
Tasking = Annotated[User, Depends(require("tasking"))]
Admin = Annotated[User, Depends(require("admin"))]
Db = Annotated[Database, Depends(get_db)]
StoreDep = Annotated[Store, Depends(get_store)]
Purpose = Annotated[str | None, Depends(purpose)]
PageNo = Annotated[int, Query(ge=1, le=100_000, description="Page number, from 1")]
PageSize = Annotated[int, Query(ge=1, le=1000, description="Items per page")]
