"""A crossing's hours as the exchange carries them: each hour with its booths and its counts.

Counts are aggregates (no person is in them); an hour leaves its node at the crossing point's
sharing level, and each corrected feed of it leaves again as a new version.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Table, delete, insert, select

from hito.crossings.models import Category, CrossingCount, CrossingHour, Direction
from hito.exchange.registry import ApplyContext, RecordType, WireField, register
from hito.exchange.wire import WireTime, iso, uids_of
from hito.fields import GlobalId
from hito.places.models import CrossingPoint

MAX_CELLS = 2000


class CountWire(BaseModel):
    model_config = ConfigDict(extra="forbid")

    direction: Direction
    category: Category
    nationality: str = Field(pattern=r"^[A-Z]{2}$")
    count: int = Field(ge=0, le=1_000_000)


class CrossingHourWire(BaseModel):
    model_config = ConfigDict(extra="forbid")

    crossing: GlobalId | None = None
    hour: WireTime | None = None
    booths_entry: int | None = Field(None, ge=0, le=200)
    booths_exit: int | None = Field(None, ge=0, le=200)
    source: str = Field("", max_length=100)
    counts: list[CountWire] = Field(default_factory=list, max_length=MAX_CELLS)


class CrossingHourRecords(RecordType):
    name = "crossing_hour"
    model = CrossingHour
    fields = {
        "crossing": WireField(link="crossing_point"),
        "hour": WireField(),
        "booths_entry": WireField(),
        "booths_exit": WireField(),
        "source": WireField(blank=""),
        "counts": WireField(blank=[]),
    }
    structural = frozenset({"crossing", "hour", "counts"})
    wire = CrossingHourWire

    def to_wire(self, session: Any, records: Sequence[Any]) -> list[dict[str, Any]]:
        crossings = uids_of(session, CrossingPoint, (r.crossing_point_id for r in records))
        table = cast(Table, CrossingCount.__table__)
        cells: dict[int, list[dict[str, Any]]] = {}
        rows = session.connection().execute(
            select(table).where(table.c.hour_id.in_([r.id for r in records]))
            .order_by(table.c.hour_id, table.c.direction, table.c.category, table.c.nationality)
        )  # fmt: skip
        for c in rows:
            cells.setdefault(c.hour_id, []).append(
                {
                    "direction": str(c.direction),
                    "category": str(c.category),
                    "nationality": c.nationality,
                    "count": c.count,
                }
            )
        return [
            {
                "crossing": crossings.get(r.crossing_point_id),
                "hour": iso(r.hour),
                "booths_entry": r.booths_entry,
                "booths_exit": r.booths_exit,
                "source": r.source,
                "counts": cells.get(r.id, []),
            }
            for r in records
        ]

    def columns(self, record: dict[str, Any], context: ApplyContext, uid: str) -> dict[str, Any]:
        crossing = context.local_ids("crossing_point", [record["crossing"]]).get(record["crossing"])
        if crossing is None:
            raise ValueError(f"hour of crossing point {record['crossing']}, unknown on this node")
        return {
            "crossing_point_id": crossing,
            "hour": record["hour"],
            "booths_entry": record.get("booths_entry"),
            "booths_exit": record.get("booths_exit"),
            "source": record.get("source") or "",
        }

    def after_store(self, context: ApplyContext, uids: set[str]) -> None:
        """The hour's counts, replaced as a whole with each version, scoped like their hour."""
        ids = context.local_ids(self.name, uids)
        if not ids:
            return
        session = context.session
        session.execute(delete(CrossingCount).where(CrossingCount.hour_id.in_(ids.values())))
        table = cast(Table, CrossingHour.__table__)
        hours = {
            row.id: row
            for row in session.execute(
                select(table.c.id, table.c.crossing_point_id, table.c.hour, table.c.origin_node,
                       table.c.sharing_level, table.c.audience)
                .where(table.c.id.in_(ids.values()))
            )
        }  # fmt: skip
        rows = [
            {
                "hour_id": hour.id,
                "crossing_point_id": hour.crossing_point_id,
                "hour": hour.hour,
                "origin_node": hour.origin_node,
                "sharing_level": hour.sharing_level,
                "audience": hour.audience,
                **cell,
            }
            for uid, record in context.records(self.name, uids)
            if uid in ids
            for hour in [hours[ids[uid]]]
            for cell in record.get("counts") or []
        ]
        if rows:
            session.execute(insert(CrossingCount), rows)


CROSSING_HOUR = register(CrossingHourRecords())
