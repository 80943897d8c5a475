"""Flow monitoring points, their counts, and the window's figures with small cells suppressed."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from hito import audit
from hito.aggregates import suppress_cells, suppress_total
from hito.auth.scope import Scope
from hito.db import allocate_ids, bulk_insert, utcnow
from hito.exc import Conflict, Forbidden, NotFound
from hito.exchange.outbox import publish
from hito.flows.models import CountKind, FlowAnswer, FlowCell, FlowCount, FlowPoint
from hito.flows.schemas import (
    FlowCountCreate,
    FlowCountStored,
    FlowPointCreate,
    FlowPointPublic,
    PointSummary,
)
from hito.flows.sharing import FLOW_COUNT
from hito.places.schemas import Location
from hito.records import new_uid

COUNTS = cast(Table, FlowCount.__table__)


def _public(point: FlowPoint) -> FlowPointPublic:
    return FlowPointPublic(
        id=point.id, uid=point.uid, code=point.code, name=point.name, kind=point.kind,
        country=point.country, location=Location(lat=point.lat, lon=point.lon),
        origin_node=point.origin_node, sharing_level=point.sharing_level,
    )  # fmt: skip


def create_point(session: Session, *, scope: Scope, data: FlowPointCreate) -> FlowPointPublic:
    scope.require("supervise")
    if session.scalar(select(FlowPoint.id).where(FlowPoint.code == data.code)):
        raise Conflict(f"a flow monitoring point {data.code!r} already exists")
    point = FlowPoint(
        code=data.code, name=data.name, kind=data.kind, country=scope.node,
        lat=data.location.lat, lon=data.location.lon, origin_node=scope.node,
        sharing_level=data.sharing_level,
    )  # fmt: skip
    session.add(point)
    session.flush()
    audit.record(session, scope=scope, action="flow.point", object_type="flow_point",
                 object_ids=[point.uid], detail={"code": data.code})  # fmt: skip
    return _public(point)


def list_points(session: Session, *, scope: Scope) -> list[FlowPointPublic]:
    return [_public(p) for p in session.scalars(select(FlowPoint).order_by(FlowPoint.code))]


def record_count(
    session: Session, *, scope: Scope, point_id: int, data: FlowCountCreate
) -> FlowCountStored:
    """A count at one of this node's points, with its breakdown and survey tallies."""
    scope.require("write")
    point = session.scalar(select(FlowPoint).where(FlowPoint.id == point_id))
    if point is None:
        raise NotFound(f"flow monitoring point {point_id} not found")
    if point.origin_node != scope.node:
        raise Forbidden(
            f"{point.code} is {point.origin_node}'s point: {point.origin_node} counts it"
        )
    now = utcnow()
    (count_id,) = allocate_ids(session, COUNTS, 1)
    uid = new_uid()
    row: dict[str, Any] = {
        "id": count_id, "point_id": point.id, "kind": data.kind,
        "period_start": data.period_start, "period_end": data.period_end, "total": data.total,
        "surveyed": data.surveyed, "uid": uid, "origin_node": scope.node,
        "sharing_level": point.sharing_level, "audience": None, "version": 1,
        "created_at": now, "updated_at": now,
    }  # fmt: skip
    bulk_insert(session, COUNTS, [row])
    count = SimpleNamespace(**row)
    body = data.model_dump(mode="json")
    add_children(session, count, body["cells"], body["answers"])
    # Core writes bypass the flush: the count is published here, with its breakdown stored
    publish(session, FLOW_COUNT, [count], node=scope.node, created=True)
    audit.record(session, scope=scope, action="flow.count", object_type="flow_count",
                 object_ids=[uid], detail={"point": point.code, "kind": data.kind.value,
                                                  "total": data.total})  # fmt: skip
    return FlowCountStored(id=count_id, uid=uid, point=point.code, kind=data.kind,
                           total=data.total)  # fmt: skip


def add_children(
    session: Session, count: Any, cells: list[dict[str, object]],
    answers: list[dict[str, object]],
) -> None:  # fmt: skip
    """A count's cells and answers, carrying its scoping columns."""
    scoping = {"origin_node": count.origin_node, "sharing_level": count.sharing_level,
               "audience": count.audience}  # fmt: skip
    if cells:
        session.execute(insert(FlowCell), [{"count_id": count.id, **scoping, **c} for c in cells])
    if answers:
        session.execute(
            insert(FlowAnswer), [{"count_id": count.id, **scoping, **a} for a in answers]
        )


def summary(
    session: Session, *, scope: Scope, start: dt.datetime, end: dt.datetime
) -> list[PointSummary]:
    """Each visible point's figures over counts ending in the window: the latest presence,
    arrivals and departures, and the breakdowns and answers of all of them."""
    points = {p.id: p for p in session.scalars(select(FlowPoint).order_by(FlowPoint.code))}
    counts = session.scalars(
        select(FlowCount)
        .where(FlowCount.period_end >= start, FlowCount.period_end < end)
        .order_by(FlowCount.period_end)
    ).all()
    by_point: dict[int, list[FlowCount]] = defaultdict(list)
    for c in counts:
        by_point[c.point_id].append(c)
    ids = [c.id for c in counts]
    cells: dict[int, Counter[str]] = defaultdict(Counter)
    nationalities: dict[int, Counter[str]] = defaultdict(Counter)
    for count_id, sex, age, nationality, people in session.execute(
        select(FlowCell.count_id, FlowCell.sex, FlowCell.age_group, FlowCell.nationality,
               FlowCell.people).where(FlowCell.count_id.in_(ids))
    ):  # fmt: skip
        cells[count_id][f"{sex} {age}"] += people
        nationalities[count_id][nationality] += people
    answers: dict[int, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for count_id, question, answer, people in session.execute(
        select(FlowAnswer.count_id, FlowAnswer.question, FlowAnswer.answer, FlowAnswer.people)
        .where(FlowAnswer.count_id.in_(ids))
    ):  # fmt: skip
        answers[count_id][str(question)][answer] += people
    out = []
    for point_id, point in points.items():
        mine = by_point.get(point_id, [])
        present = [c for c in mine if c.kind is CountKind.present]
        latest = present[-1] if present else None
        total_cells: Counter[str] = Counter()
        total_nat: Counter[str] = Counter()
        total_answers: dict[str, Counter[str]] = defaultdict(Counter)
        # the breakdowns of the latest presence count, or of the arrivals when none
        described = [latest] if latest else [c for c in mine if c.kind is CountKind.arrived]
        for c in described:
            total_cells.update(cells[c.id])
            total_nat.update(nationalities[c.id])
        for c in mine:
            for asked, tally in answers[c.id].items():
                total_answers[asked].update(tally)
        described_people = suppress_total(sum(total_cells.values()))
        out.append(
            PointSummary(
                point=point.code,
                name=point.name,
                kind=point.kind,
                country=point.country,
                present=suppress_total(latest.total) if latest else None,
                present_at=latest.period_end if latest else None,
                arrived=suppress_total(sum(c.total for c in mine if c.kind is CountKind.arrived)),
                departed=suppress_total(sum(c.total for c in mine if c.kind is CountKind.departed)),
                by_sex_age=suppress_cells(described_people, dict(sorted(total_cells.items()))),
                by_nationality=suppress_cells(described_people, dict(total_nat.most_common())),
                surveyed=suppress_total(sum(c.surveyed for c in mine)),
                answers={
                    q: suppress_cells(suppress_total(sum(t.values())), dict(t.most_common()))
                    for q, t in sorted(total_answers.items())
                },
            )
        )
    audit.record(session, scope=scope, action="flow.summary", object_type="flow_point",
                 object_ids=[p.uid for p in points.values()],
                 detail={"from": start.isoformat(), "to": end.isoformat()})  # fmt: skip
    return out
