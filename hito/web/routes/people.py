from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from hito import people
from hito.people import (
    GroupCreate,
    GroupPublic,
    PersonCreate,
    PersonFilters,
    PersonPage,
    PersonPublic,
)
from hito.web.deps import CurrentScope, PathId, SessionDep
from hito.web.problems import documented

router = APIRouter(tags=["people"])


@router.post(
    "/persons",
    response_model=PersonPublic,
    status_code=201,
    responses=documented(400, 401, 403, 413, 422),
)
def create_person(data: PersonCreate, scope: CurrentScope, session: SessionDep) -> PersonPublic:
    """Record an encounter with a person; health and protection details are kept apart."""
    return people.create_person(session, scope=scope, data=data)


@router.get("/persons", response_model=PersonPage, responses=documented(401, 422))
def list_persons(
    filters: Annotated[PersonFilters, Query()], scope: CurrentScope, session: SessionDep
) -> PersonPage:
    return people.list_persons(session, scope=scope, filters=filters)


@router.get(
    "/persons/{person_id:int}", response_model=PersonPublic, responses=documented(401, 404, 422)
)
def get_person(person_id: PathId, scope: CurrentScope, session: SessionDep) -> PersonPublic:
    return people.get_person(session, scope=scope, person_id=person_id)


@router.post(
    "/groups",
    response_model=GroupPublic,
    status_code=201,
    responses=documented(400, 401, 403, 413, 422),
)
def create_group(data: GroupCreate, scope: CurrentScope, session: SessionDep) -> GroupPublic:
    return people.create_group(session, scope=scope, data=data)


@router.get(
    "/groups/{group_id:int}", response_model=GroupPublic, responses=documented(401, 404, 422)
)
def get_group(group_id: PathId, scope: CurrentScope, session: SessionDep) -> GroupPublic:
    return people.get_group(session, scope=scope, group_id=group_id)
