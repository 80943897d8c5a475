from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from hito.annotations import AnnotationCreate, AnnotationPublic, annotate, annotations_of
from hito.fields import UUID_PATTERN
from hito.web.deps import CurrentScope, SessionDep
from hito.web.problems import documented

router = APIRouter(tags=["annotations"])


@router.get(
    "/annotations", response_model=list[AnnotationPublic], responses=documented(401, 404, 422)
)
def list_annotations(
    scope: CurrentScope,
    session: SessionDep,
    record_type: Annotated[str, Query(pattern=r"^[a-z_]{1,40}$")],
    record_uid: Annotated[str, Query(pattern=UUID_PATTERN, max_length=36)],
) -> list[AnnotationPublic]:
    """This node's notes on a record you can see."""
    return annotations_of(session, scope=scope, record_type=record_type, record_uid=record_uid)


@router.post(
    "/annotations",
    response_model=AnnotationPublic,
    status_code=201,
    responses=documented(400, 401, 403, 404, 413, 422),
)
def add_annotation(
    data: AnnotationCreate, scope: CurrentScope, session: SessionDep
) -> AnnotationPublic:
    """Note something on a record you can see, received ones included (they cannot be edited
    here: their origin owns them). The note stays on this node."""
    return annotate(session, scope=scope, data=data)
