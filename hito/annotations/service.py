"""Notes of this node's users on records they can see; they never leave the node."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hito import audit
from hito.agencies import agency_codes, writing_agency_id
from hito.annotations.models import Annotation
from hito.annotations.schemas import AnnotationCreate, AnnotationPublic
from hito.auth.models import UserAccount
from hito.auth.scope import Scope
from hito.exc import NotFound
from hito.exchange.registry import registry


def _require_visible(session: Session, record_type: str, record_uid: str) -> None:
    """The annotated record exists and the caller may read it (404 otherwise, as for a record
    that does not exist)."""
    kind = registry().get(record_type)
    if kind is None:
        raise NotFound(f"{record_type} {record_uid} not found")
    model = kind.model
    if session.scalar(select(model.id).where(model.uid == record_uid)) is None:
        raise NotFound(f"{record_type} {record_uid} not found")


def _public(session: Session, annotation: Annotation) -> AnnotationPublic:
    author = None
    if annotation.author_id is not None:
        author = session.scalar(
            select(UserAccount.username).where(UserAccount.id == annotation.author_id)
        )
    return AnnotationPublic(
        id=annotation.id,
        uid=annotation.uid,
        record_type=annotation.record_type,
        record_uid=annotation.record_uid,
        text=annotation.text,
        agency=agency_codes(session)[annotation.agency_id],
        author=author,
        sharing_level=annotation.sharing_level,
        created_at=annotation.created_at,
    )


def annotate(session: Session, *, scope: Scope, data: AnnotationCreate) -> AnnotationPublic:
    scope.require("write")
    _require_visible(session, data.record_type, data.record_uid)
    annotation = Annotation(
        record_type=data.record_type,
        record_uid=data.record_uid,
        text=data.text,
        agency_id=writing_agency_id(session, code=scope.agency_code),
        author_id=scope.user_id,
        origin_node=scope.node,
        sharing_level=data.sharing_level,
    )
    session.add(annotation)
    session.flush()
    audit.record(
        session,
        scope=scope,
        action="annotation.create",
        object_type=data.record_type,
        object_ids=[data.record_uid],
        detail={"annotation": annotation.uid},
    )
    return _public(session, annotation)


def annotations_of(
    session: Session, *, scope: Scope, record_type: str, record_uid: str
) -> list[AnnotationPublic]:
    _require_visible(session, record_type, record_uid)
    rows = session.scalars(
        select(Annotation)
        .where(Annotation.record_type == record_type, Annotation.record_uid == record_uid)
        .order_by(Annotation.id)
    )
    return [_public(session, a) for a in rows]
