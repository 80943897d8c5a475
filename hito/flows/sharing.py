"""Flow monitoring points and counts as the exchange carries them: aggregates, never a person."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Table, delete, insert, select

from hito.events.sharing import WireLocation
from hito.exchange.registry import ApplyContext, RecordType, WireField, register
from hito.exchange.wire import WireTime, iso, uids_of
from hito.fields import GlobalId
from hito.flows.models import CountKind, FlowAnswer, FlowCell, FlowCount, FlowPoint, PointKind
from hito.flows.models import Question as FlowQuestion

MAX_CHILDREN = 500


class FlowPointWire(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str | None = Field(None, min_length=2, max_length=32, pattern=r"^[A-Z0-9-]+$")
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: PointKind | None = None
    country: str | None = Field(None, pattern=r"^[A-Z]{2}$")
    location: WireLocation | None = None


class CellWire(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sex: Literal["f", "m", "x"]
    age_group: Literal["children", "adults", "elderly"]
    nationality: str = Field(pattern=r"^[A-Z]{2}$")
    people: int = Field(ge=0, le=1_000_000)


class AnswerWire(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: FlowQuestion
    answer: str = Field(min_length=2, max_length=32)
    people: int = Field(ge=0, le=1_000_000)


class FlowCountWire(BaseModel):
    model_config = ConfigDict(extra="forbid")

    point: GlobalId | None = None
    kind: CountKind | None = None
    period_start: WireTime | None = None
    period_end: WireTime | None = None
    total: int | None = Field(None, ge=0, le=1_000_000)
    surveyed: int = Field(0, ge=0, le=1_000_000)
    cells: list[CellWire] = Field(default_factory=list, max_length=MAX_CHILDREN)
    answers: list[AnswerWire] = Field(default_factory=list, max_length=MAX_CHILDREN)


class FlowPointRecords(RecordType):
    name = "flow_point"
    model = FlowPoint
    fields = {
        "code": WireField(),
        "name": WireField(),
        "kind": WireField(),
        "country": WireField(),
        "location": WireField(),
    }
    structural = frozenset({"code", "name", "kind", "country", "location"})
    wire = FlowPointWire

    def to_wire(self, session: Any, records: Sequence[Any]) -> list[dict[str, Any]]:
        return [
            {"code": p.code, "name": p.name, "kind": str(p.kind), "country": p.country,
             "location": {"lat": p.lat, "lon": p.lon}}
            for p in records
        ]  # fmt: skip

    def columns(self, record: dict[str, Any], context: ApplyContext, uid: str) -> dict[str, Any]:
        table = cast(Table, FlowPoint.__table__)
        holder = context.session.execute(
            select(table.c.uid).where(table.c.code == record["code"])
        ).scalar()
        if holder is not None and holder != uid:
            raise ValueError(f"flow monitoring point code {record['code']!r} is taken here")
        return {
            "code": record["code"], "name": record["name"], "kind": record["kind"],
            "country": record["country"], "lat": record["location"]["lat"],
            "lon": record["location"]["lon"],
        }  # fmt: skip


class FlowCountRecords(RecordType):
    name = "flow_count"
    model = FlowCount
    fields = {
        "point": WireField(link="flow_point"),
        "kind": WireField(),
        "period_start": WireField(),
        "period_end": WireField(),
        "total": WireField(),
        "surveyed": WireField(blank=0),
        "cells": WireField(blank=[]),
        "answers": WireField(blank=[]),
    }
    structural = frozenset({"point", "kind", "period_start", "period_end", "total"})
    wire = FlowCountWire

    def to_wire(self, session: Any, records: Sequence[Any]) -> list[dict[str, Any]]:
        points = uids_of(session, FlowPoint, (r.point_id for r in records))
        ids = [r.id for r in records]
        cells: dict[int, list[dict[str, Any]]] = {}
        answers: dict[int, list[dict[str, Any]]] = {}
        connection = session.connection()
        cell_table = cast(Table, FlowCell.__table__)
        for c in connection.execute(select(cell_table).where(cell_table.c.count_id.in_(ids))
                                    .order_by(cell_table.c.id)):  # fmt: skip
            cells.setdefault(c.count_id, []).append(
                {"sex": c.sex, "age_group": c.age_group, "nationality": c.nationality,
                 "people": c.people}
            )  # fmt: skip
        answer_table = cast(Table, FlowAnswer.__table__)
        for a in connection.execute(select(answer_table).where(answer_table.c.count_id.in_(ids))
                                    .order_by(answer_table.c.id)):  # fmt: skip
            answers.setdefault(a.count_id, []).append(
                {"question": str(a.question), "answer": a.answer, "people": a.people}
            )
        return [
            {"point": points.get(r.point_id), "kind": str(r.kind),
             "period_start": iso(r.period_start), "period_end": iso(r.period_end),
             "total": r.total, "surveyed": r.surveyed, "cells": cells.get(r.id, []),
             "answers": answers.get(r.id, [])}
            for r in records
        ]  # fmt: skip

    def columns(self, record: dict[str, Any], context: ApplyContext, uid: str) -> dict[str, Any]:
        point = context.local_ids("flow_point", [record["point"]]).get(record["point"])
        if point is None:
            raise ValueError(f"a count at flow point {record['point']}, unknown on this node")
        return {
            "point_id": point, "kind": record["kind"], "period_start": record["period_start"],
            "period_end": record["period_end"], "total": record["total"],
            "surveyed": record.get("surveyed") or 0,
        }  # fmt: skip

    def after_store(self, context: ApplyContext, uids: set[str]) -> None:
        """The count's cells and answers, replaced with each version, scoped like it."""
        ids = context.local_ids(self.name, uids)
        if not ids:
            return
        session = context.session
        for child in (FlowCell, FlowAnswer):
            session.execute(delete(child).where(child.count_id.in_(ids.values())))
        scoping = context.scoping(self.name, ids.values())
        received = [(ids[uid], r) for uid, r in context.records(self.name, uids) if uid in ids]
        cells = [
            {"count_id": i, **scoping[i], **c} for i, r in received for c in r.get("cells") or []
        ]
        answers = [
            {"count_id": i, **scoping[i], **a} for i, r in received for a in r.get("answers") or []
        ]
        if cells:
            session.execute(insert(FlowCell), cells)
        if answers:
            session.execute(insert(FlowAnswer), answers)


FLOW_POINT = register(FlowPointRecords())
FLOW_COUNT = register(FlowCountRecords())
