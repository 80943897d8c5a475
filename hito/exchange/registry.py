"""Record types the exchange carries: a registry each capability adds its own types to.

A record type says which fields its records have on the wire (links to other records travel as
global ids), which of them the agreement must always include for a received record to make sense
(``structural``), which are health and protection details (never to police or military), how
to write a local record on the wire, and how to store a received one. Capabilities register
their types in their own ``sharing`` module; ``hito.record_types`` imports them all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, cast

from pydantic import BaseModel, ValidationError
from sqlalchemy import CursorResult, Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from hito.records import Audience, SharingLevel


@dataclass(frozen=True)
class WireField:
    """One field of a record on the wire."""

    blank: Any = None  # what a received record holds when the agreement leaves the field out
    protection: bool = False  # health or protection detail: humanitarian audiences only
    link: str | None = None  # the record type whose global id this field carries
    column: str | None = None  # for a link: the local foreign key it becomes (None: required)


@dataclass
class Incoming:
    """A received record, already checked against the agreement, ready to store."""

    uid: str
    origin: str
    version: int
    level: SharingLevel
    audience: Audience
    at: dt.datetime
    record: dict[str, Any]  # the agreed fields only, validated
    row: dict[str, Any] = field(default_factory=dict)  # its table columns (``columns``)


@dataclass
class ApplyContext:
    """What storing a batch of received records needs: link resolution and follow-up work."""

    session: Session
    node: str
    pending_links: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    stored: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=dict
    )  # type → uid → record

    def records(self, record_type: str, uids: Iterable[str]) -> list[tuple[str, dict[str, Any]]]:
        """The received records of a type stored in this batch, by global id."""
        found = self.stored.get(record_type, {})
        return [(uid, found[uid]) for uid in uids if uid in found]

    def local_ids(self, record_type: str, uids: Iterable[str]) -> dict[str, int]:
        """Local ids of the records with these global ids (records not held are left out)."""
        wanted = {u for u in uids if u}
        if not wanted:
            return {}
        table = registry()[record_type].table
        rows = self.session.execute(select(table.c.uid, table.c.id).where(table.c.uid.in_(wanted)))
        return {uid: local_id for uid, local_id in rows}

    def scoping(self, record_type: str, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        """By local id, the scoping columns of stored records of a type: the rows that belong
        to a record (`hito.records.Scoped`, its `shared_as`) carry them too."""
        table = registry()[record_type].table
        rows = self.session.execute(
            select(table.c.id, table.c.origin_node, table.c.sharing_level, table.c.audience)
            .where(table.c.id.in_(list(ids)))
        )  # fmt: skip
        return {
            row.id: {"origin_node": row.origin_node, "sharing_level": row.sharing_level,
                     "audience": row.audience}
            for row in rows
        }  # fmt: skip

    def link(
        self, *, record_type: str, uid: str, field_name: str, target_type: str, target: str | None
    ) -> int | None:
        """The local id a link points at; a link to a record not (yet) held is remembered and
        resolved when that record arrives."""
        if not target:
            return None
        found = self.local_ids(target_type, [target]).get(target)
        if found is None:
            self.pending_links.append((record_type, uid, field_name, target_type, target))
        return found


class RecordType:
    """A kind of shared record the exchange carries. Subclasses describe one table."""

    name: ClassVar[str]
    model: ClassVar[type[Any]]
    fields: ClassVar[Mapping[str, WireField]]
    structural: ClassVar[frozenset[str]]
    wire: ClassVar[type[BaseModel]]  # validates a received record (all agreed fields)
    # A boolean column: only records where it is true ever leave this node, whatever the
    # agreement (a referral to a service on this side of the border stays here).
    leaves_when: ClassVar[str | None] = None

    def leaves(self, record: Any) -> bool:
        return self.leaves_when is None or bool(getattr(record, self.leaves_when))

    @property
    def table(self) -> Table:
        return cast(Table, self.model.__table__)

    @property
    def protection_fields(self) -> frozenset[str]:
        return frozenset(name for name, spec in self.fields.items() if spec.protection)

    @property
    def detachable_links(self) -> dict[str, tuple[str, str]]:
        """Wire field → (target type, local foreign key) for links that may point at nothing."""
        return {
            name: (spec.link, spec.column)
            for name, spec in self.fields.items()
            if spec.link is not None and spec.column is not None
        }

    # -- sending ------------------------------------------------------------------------------
    def to_wire(self, session: Session, records: Sequence[Any]) -> list[dict[str, Any]]:
        """Every wire field of each record (the agreement then keeps what it allows)."""
        raise NotImplementedError

    # -- receiving ----------------------------------------------------------------------------
    def validate(self, record: dict[str, Any]) -> dict[str, Any]:
        """The record as the wire model reads it; ValueError with the first problem."""
        try:
            parsed = self.wire.model_validate(record)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "record"
            raise ValueError(f"{where}: {first['msg']}") from None
        return parsed.model_dump(include=set(record))

    def columns(self, record: dict[str, Any], context: ApplyContext, uid: str) -> dict[str, Any]:
        """Table columns for a received record: given fields, blanks for the others."""
        raise NotImplementedError

    def store(self, context: ApplyContext, batch: Sequence[Incoming]) -> None:
        """Insert or update received records (the caller checked versions and order)."""
        table = self.table
        existing = context.local_ids(self.name, [item.uid for item in batch])
        inserts, updates = [], []
        for item in batch:
            row = {
                **item.row,
                "origin_node": item.origin,
                "version": item.version,
                "sharing_level": item.level.value,
                "audience": item.audience.value,
                "updated_at": item.at,
            }
            if item.uid in existing:
                updates.append({"_id": existing[item.uid], **row})
            else:
                inserts.append({"uid": item.uid, "created_at": item.at, **row})
        if inserts:
            context.session.execute(insert(table), inserts)
        if updates:
            context.session.execute(update(table).where(table.c.id == bindparam("_id")), updates)
        context.stored.setdefault(self.name, {}).update((item.uid, item.record) for item in batch)

    def withdraw(self, context: ApplyContext, uids: Sequence[str]) -> int:
        """Remove received records their origin withdrew; how many were held. Records that
        link to them (of either node) keep the link as pending, so nothing of theirs is lost."""
        table = self.table
        ids = context.local_ids(self.name, uids)
        target_of = {local_id: uid for uid, local_id in ids.items()}
        for source in registry().values():
            for field_name, (target_type, column) in source.detachable_links.items():
                if target_type != self.name or not target_of:
                    continue
                source_table, link = source.table, source.table.c[column]
                linked = context.session.execute(
                    select(source_table.c.uid, link).where(link.in_(target_of))
                ).all()
                context.pending_links.extend(
                    (source.name, uid, field_name, self.name, target_of[target])
                    for uid, target in linked
                )
                context.session.execute(
                    update(source_table).where(link.in_(target_of)).values({column: None})
                )
        from hito.exchange.models import PendingLink

        context.session.execute(delete(PendingLink).where(PendingLink.record_uid.in_(uids)))
        context.pending_links[:] = [p for p in context.pending_links if p[1] not in set(uids)]
        result = cast(
            CursorResult[Any], context.session.execute(delete(table).where(table.c.uid.in_(uids)))
        )
        return int(result.rowcount or 0)

    def after_store(self, context: ApplyContext, uids: set[str]) -> None:
        """Follow-up work once a run of records is stored (children, derived figures)."""


_REGISTRY: dict[str, RecordType] = {}


def register(record_type: RecordType) -> RecordType:
    if record_type.name in _REGISTRY:
        raise ValueError(f"record type {record_type.name!r} is registered twice")
    _REGISTRY[record_type.name] = record_type
    return record_type


def registry() -> Mapping[str, RecordType]:
    """Every record type, once each capability's ``sharing`` module has registered its own."""
    import hito.record_types  # noqa: F401  (registers them)

    return _REGISTRY


def in_link_order(types: Iterable[RecordType]) -> list[RecordType]:
    """Record types with those they link to first (events before their observations, groups
    before their members), so that a batch arrives in an order the receiver can link."""
    pending = {t.name: t for t in types}
    ordered: list[RecordType] = []
    while pending:
        ready = [
            t
            for t in pending.values()
            if not any(spec.link in pending and spec.link != t.name for spec in t.fields.values())
        ] or list(pending.values())  # a cycle: any order (links wait, see PendingLink)
        first = sorted(ready, key=lambda t: t.name)[0]
        ordered.append(first)
        del pending[first.name]
    return ordered


def type_of(model: type[Any]) -> RecordType | None:
    for record_type in registry().values():
        if record_type.model is model:
            return record_type
    return None
