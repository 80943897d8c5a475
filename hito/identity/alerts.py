"""Alert lists in the database, and screening a person against the ones the caller may read.

The index of every list on the node is built once per process and rebuilt when a list changes.
Candidates are filtered by the caller's scope (an entry is read like any shared record), and
a screener's earlier "false positive" for the same person and entry is not raised again.
"""

from __future__ import annotations

import hashlib
import threading
from types import SimpleNamespace
from typing import Any

import pyarrow as pa
from sqlalchemy import Table, delete, func, select
from sqlalchemy.orm import Session

from hito import audit
from hito.agencies import writing_agency_id
from hito.auth.scope import Scope
from hito.auth.scoping import unscoped
from hito.db import allocate_ids, bulk_insert, utcnow
from hito.exc import InvalidInput, NotFound
from hito.exchange.outbox import publish
from hito.identity import prepare
from hito.identity.models import AlertEntry, AlertKind, ScreeningDecision, ScreeningVerdict
from hito.identity.schemas import (
    AlertEntryRef,
    FieldScorePublic,
    ScreeningCandidate,
    ScreeningDecisionIn,
    ScreeningDecisionPublic,
    ScreeningRequest,
    ScreeningResult,
)
from hito.identity.screening import AlertIndex
from hito.identity.sharing import ALERT_ENTRY
from hito.records import Audience, SharingLevel, new_uid

_COLUMNS = ("given_names", "surnames", "birth_date", "sex", "nationality", "document_type")
_TABLE: Table = AlertEntry.__table__  # type: ignore[assignment]
_cache: dict[str, tuple[tuple[Any, ...], AlertIndex]] = {}
_cache_lock = threading.Lock()


def load_alerts(
    session: Session,
    *,
    scope: Scope,
    table: pa.Table,
    list_name: str,
    kind: AlertKind,
    sharing_level: SharingLevel,
    replace: bool = False,
) -> int:
    """Store a list's entries (standard columns; `kind` and `reference` columns optional)."""
    scope.require("supervise")
    if not 1 <= len(list_name) <= 100:
        raise InvalidInput("a list name has 1 to 100 characters")
    if replace:
        mine = (AlertEntry.list_name == list_name) & (AlertEntry.audience.is_(None))
        with unscoped(session):
            replaced = session.execute(select(AlertEntry.uid, AlertEntry.version).where(mine)).all()
        session.execute(delete(AlertEntry).where(mine))
        publish(
            session,
            ALERT_ENTRY,
            [],
            node=scope.node,
            retracted=[(uid, version) for uid, version in replaced],
        )
    agency_id = writing_agency_id(session, code=scope.agency_code)
    data = table.to_pydict()
    count = table.num_rows
    kinds = data.get("kind") or [None] * count
    references = data.get("reference") or [None] * count
    rows = []
    now = utcnow()
    for i, entry_id in enumerate(allocate_ids(session, _TABLE, count)):
        entry_kind = kinds[i] or kind.value
        if entry_kind not in AlertKind.__members__:
            raise InvalidInput(f"row {i + 1}: kind {entry_kind!r} is not one of {list(AlertKind)}")
        record = {c: data[c][i] if c in data else None for c in prepare.STANDARD_COLUMNS}
        if any("\x00" in str(v) for v in record.values() if v is not None):
            raise InvalidInput(f"row {i + 1}: a value holds a NUL character")
        prepared = prepare.prepare_record(record)
        doc = prepared["doc"]
        if entry_kind != AlertKind.wanted_person and not doc:
            raise InvalidInput(f"row {i + 1}: a {entry_kind} entry needs a document number")
        rows.append(
            {
                "id": entry_id,
                "list_name": list_name,
                "kind": entry_kind,
                "reference": str(references[i] or "")[:100],
                # names as given; the rest as read, so that every backend stores it
                "given_names": _text(record["given_names"], 200),
                "surnames": _text(record["surnames"], 200),
                "birth_date": _partial_date(prepared),
                "sex": (prepared["sex"] or "").upper() or None,
                "nationality": prepared["nat"],
                "document_type": _text(record["document_type"], 32),
                "document_number": doc,
                "reporting_agency_id": agency_id,
                "uid": new_uid(),
                "origin_node": scope.node,
                "version": 1,
                "sharing_level": sharing_level.value,
                "audience": None,
                "created_at": now,
                "updated_at": now,
            }
        )
    bulk_insert(session, _TABLE, rows)
    publish(
        session,
        ALERT_ENTRY,
        [SimpleNamespace(**row) for row in rows],
        node=scope.node,
        created=True,
    )
    audit.record(
        session,
        scope=scope,
        action="alert.load",
        object_type="alert_list",
        object_ids=[list_name],
        detail={"entries": count, "replace": replace, "sharing_level": sharing_level.value},
    )
    return count


def _text(value: object, limit: int) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text[:limit] or None


def _partial_date(prepared: dict[str, Any]) -> str | None:
    if prepared["byear"] is None:
        return None
    parts = [f"{prepared['byear']:04d}"]
    if prepared["bmonth"] is not None:
        parts.append(f"{prepared['bmonth']:02d}")
        if prepared["bday"] is not None:
            parts.append(f"{prepared['bday']:02d}")
    return "-".join(parts)


def _generation(session: Session) -> tuple[Any, ...]:
    with unscoped(session):
        return tuple(session.execute(select(func.count(), func.max(AlertEntry.id))).one())


def alert_index(session: Session) -> AlertIndex:
    """Every list of the node, indexed; rebuilt when entries were added or removed.

    The index holds every entry, whoever asks; candidates are then filtered by the caller's
    scope with the same rule the session applies (``Scope.may_read``)."""
    key = str(session.get_bind().engine.url)
    generation = _generation(session)
    with _cache_lock:
        cached = _cache.get(key)
        if cached and cached[0] == generation:
            return cached[1]
        with unscoped(session):
            rows = session.execute(
                select(
                    AlertEntry.id,
                    AlertEntry.kind,
                    AlertEntry.list_name,
                    AlertEntry.reference,
                    AlertEntry.origin_node,
                    AlertEntry.sharing_level,
                    AlertEntry.audience,
                    *[getattr(AlertEntry, c) for c in _COLUMNS],
                    AlertEntry.document_number,
                )
            ).all()
        names = ["id", "kind", "list_name", "reference", "origin_node", "sharing_level"]
        names += ["audience"]
        names += [*_COLUMNS, "document_number"]
        columns: dict[str, list[Any]] = {name: [] for name in names}
        for row in rows:
            for name, value in zip(names, row, strict=True):
                columns[name].append(None if value is None else str(value))
        index = AlertIndex.build(
            pa.table({n: pa.array(v, pa.string()) for n, v in columns.items()})
        )
        _cache[key] = (generation, index)
        return index


def subject_key(request: ScreeningRequest) -> str:
    """Pseudonymous key of a screened person: the same person, written the same way, gets the
    same key, so that decisions about them are remembered without storing who they are."""
    record = prepare.prepare_record(_standard(request))
    parts = [
        record["g_all"] or "",
        record["s_all"] or "",
        record["dob"] or str(record["byear"] or ""),
        record["doc"] or "",
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _standard(request: ScreeningRequest) -> dict[str, Any]:
    document = request.documents[0] if request.documents else None
    return {
        "id": "subject",
        "given_names": request.given_names,
        "surnames": request.surnames,
        "birth_date": request.birth_date,
        "sex": None if request.sex is None else request.sex.value,
        "nationality": request.nationality,
        "document_type": document.type.value if document and document.type else None,
        "document_number": document.number if document else None,
    }


def screen(session: Session, *, scope: Scope, request: ScreeningRequest) -> ScreeningResult:
    scope.require("screen")
    index = alert_index(session)
    key = subject_key(request)
    found = []
    for document in request.documents or [None]:  # type: ignore[list-item]
        record = _standard(request)
        if document is not None:
            record["document_type"] = document.type.value if document.type else None
            record["document_number"] = document.number
        found += index.screen_record(record, threshold=request.threshold)
    best: dict[str, Any] = {}
    for candidate in found:
        entry = candidate.entry["id"]
        if entry not in best or candidate.weight > best[entry].weight:
            best[entry] = candidate
    visible = [
        c
        for c in best.values()
        if scope.may_read(
            origin_node=c.entry["origin_node"],
            sharing_level=SharingLevel(c.entry["sharing_level"]),
            audience=Audience(c.entry["audience"]) if c.entry["audience"] else None,
        )
    ]
    decisions = dict(
        session.execute(
            select(ScreeningDecision.alert_entry_id, ScreeningDecision.verdict).where(
                ScreeningDecision.subject_key == key,
                ScreeningDecision.alert_entry_id.in_([int(c.entry["id"]) for c in visible]),
            )
        ).all()
    )
    kept = [c for c in visible if decisions.get(int(c.entry["id"])) != "false_positive"]
    kept.sort(key=lambda c: -c.weight)
    audit.record(
        session,
        scope=scope,
        action="alert.screen",
        object_type="alert_entry",
        object_ids=[c.entry["id"] for c in kept],
        detail={"subject_key": key},
    )
    return ScreeningResult(
        subject_key=key,
        candidates=[
            ScreeningCandidate(
                entry=AlertEntryRef(
                    id=int(c.entry["id"]),
                    list_name=c.entry["list_name"],
                    kind=AlertKind(c.entry["kind"]),
                    reference=c.entry["reference"] or "",
                    origin_node=c.entry["origin_node"],
                ),
                match_probability=round(c.match_probability, 6),
                match_weight=round(c.weight, 2),
                reason=c.reason,
                fields=[FieldScorePublic(**f.to_dict()) for f in c.fields],
                decision=decisions.get(int(c.entry["id"])),
            )
            for c in kept
        ],
        suppressed_false_positives=len(visible) - len(kept),
        list_entries=len(index),
    )


def decide(session: Session, *, scope: Scope, data: ScreeningDecisionIn) -> ScreeningDecisionPublic:
    """Remember a screener's verdict on one candidate for this person."""
    scope.require("screen")
    entry = session.scalar(select(AlertEntry).where(AlertEntry.id == data.alert_entry_id))
    if entry is None:
        raise NotFound(f"alert entry {data.alert_entry_id} not found")
    decision = session.scalar(
        select(ScreeningDecision).where(
            ScreeningDecision.subject_key == data.subject_key,
            ScreeningDecision.alert_entry_id == entry.id,
        )
    )
    if decision is None:
        decision = ScreeningDecision(subject_key=data.subject_key, alert_entry_id=entry.id)
        session.add(decision)
    decision.verdict = ScreeningVerdict(data.verdict)
    decision.note = data.note
    decision.decided_by_id = scope.user_id
    decision.decided_at = utcnow()
    session.flush()
    audit.record(
        session,
        scope=scope,
        action="alert.decide",
        object_type="alert_entry",
        object_ids=[entry.id],
        detail={"subject_key": data.subject_key, "verdict": data.verdict.value},
    )
    return ScreeningDecisionPublic(
        id=decision.id,
        subject_key=decision.subject_key,
        alert_entry_id=entry.id,
        verdict=decision.verdict,
        note=decision.note,
        decided_at=decision.decided_at,
    )
