from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from hito.agencies import AgencyKind, list_agencies
from hito.auth import authenticate, issue_token
from hito.auth.service import record_failed_login
from hito.exc import Unauthenticated
from hito.web.deps import CurrentScope, PublicSessionDep, SessionDep, SettingsDep
from hito.web.problems import documented

router = APIRouter(tags=["auth"])


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


class Me(BaseModel):
    username: str
    agency: str
    country: str | None
    roles: list[str]
    sees_protection: bool


class AgencyPublic(BaseModel):
    code: str
    name: str
    name_en: str
    country: str | None
    kind: AgencyKind


@router.post("/auth/token", response_model=Token, responses=documented(400, 401, 413, 422))
def token(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: PublicSessionDep,
    settings: SettingsDep,
) -> Token:
    """OAuth2 password flow: a bearer token for the API."""
    try:
        user = authenticate(
            session,
            node=settings.node,
            username=form.username,
            password=form.password,
            demo=settings.demo,
        )
    except Unauthenticated:
        session.rollback()  # SQLite: the refused login's transaction holds the write lock
        with request.app.state.sessionmaker() as apart:
            record_failed_login(apart, node=settings.node, username=form.username)
            apart.commit()
        raise
    access = issue_token(
        session, user=user, secret_key=settings.secret_key, ttl_minutes=settings.token_ttl_minutes
    )
    return Token(access_token=access)


@router.get("/auth/me", response_model=Me, responses=documented(401))
def me(scope: CurrentScope) -> Me:
    return Me(
        username=scope.username,
        agency=scope.agency_code,
        country=scope.country,
        roles=sorted(r.value for r in scope.roles),
        sees_protection=scope.sees_protection,
    )


@router.get("/agencies", response_model=list[AgencyPublic], responses=documented(401))
def agencies(scope: CurrentScope, session: SessionDep) -> list[AgencyPublic]:
    return [
        AgencyPublic(code=a.code, name=a.name, name_en=a.name_en, country=a.country, kind=a.kind)
        for a in list_agencies(session)
    ]
