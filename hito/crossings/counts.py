"""Hourly counts at a crossing point: stored from a feed, compared side by side across the line.

A feed replaces each hour it holds as a whole (counts that arrive late, or corrected, are a new
version of the hour); the hour travels to the other side with its counts. The counts are rows of
their hour that carry its scoping columns, so the session scopes them like any shared record.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.orm import Session

from hito import audit
from hito.auth.scope import Scope
from hito.crossings.models import Category, CrossingCount, CrossingHour, Direction
from hito.crossings.schemas import CountsFeed, CountsStored, SideCount
from hito.crossings.sharing import CROSSING_HOUR
from hito.db import allocate_ids, bulk_insert, utcnow
from hito.exc import Forbidden, InvalidInput, NotFound
from hito.exchange.outbox import publish
from hito.fields import MAX_WINDOW
from hito.places import CrossingPoint, visible_crossing
from hito.records import SharingLevel, new_uid
from hito.settings import NODE_TIMEZONES

HOURS = cast(Table, CrossingHour.__table__)
COUNTS = cast(Table, CrossingCount.__table__)


def record_counts(
    session: Session, *, scope: Scope, crossing_id: int, feed: CountsFeed
) -> CountsStored:
    """Store a feed's hours for one of this node's crossing points, all of them or none."""
    scope.require("write")
    cp = visible_crossing(session, crossing_id=crossing_id)
    if cp.origin_node != scope.node:
        raise Forbidden(
            f"{cp.code} is {cp.origin_node}'s crossing point: {cp.origin_node} counts it"
        )
    now = utcnow()
    hours = {item.hour.astimezone(dt.UTC): item for item in feed.hours}
    if max(hours) > now + dt.timedelta(hours=1):
        raise InvalidInput(f"the hour {max(hours):%Y-%m-%d %H:%M} UTC has not come yet")
    held = {
        row.hour: row
        for row in session.execute(
            select(HOURS.c.id, HOURS.c.uid, HOURS.c.hour, HOURS.c.version)
            .where(HOURS.c.crossing_point_id == cp.id, HOURS.c.hour.in_(list(hours)))
        )
    }  # fmt: skip
    level = SharingLevel(cp.sharing_level)
    new_hours = [hour for hour in hours if hour not in held]
    ids = allocate_ids(session, HOURS, len(new_hours))
    added = [
        {
            "id": hour_id,
            "crossing_point_id": cp.id,
            "hour": hour,
            "booths_entry": hours[hour].booths_entry,
            "booths_exit": hours[hour].booths_exit,
            "source": feed.source,
            "uid": new_uid(),
            "origin_node": scope.node,
            "sharing_level": level,
            "audience": None,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        for hour_id, hour in zip(ids, new_hours, strict=True)
    ]
    bulk_insert(session, HOURS, added)
    replaced = [
        {
            "id": row.id,
            "uid": row.uid,
            "hour": hour,
            "crossing_point_id": cp.id,
            "booths_entry": hours[hour].booths_entry,
            "booths_exit": hours[hour].booths_exit,
            "source": feed.source,
            "origin_node": scope.node,
            "sharing_level": level,
            "version": row.version + 1,
            "updated_at": now,
        }
        for hour, row in held.items()
    ]
    for row in replaced:
        session.execute(
            update(HOURS).where(HOURS.c.id == row["id"])
            .values({k: v for k, v in row.items() if k not in ("id", "uid")})
        )  # fmt: skip
    if replaced:
        session.execute(delete(COUNTS).where(COUNTS.c.hour_id.in_([r["id"] for r in replaced])))
    hour_ids = {r["hour"]: r["id"] for r in added + replaced}
    counts = [
        {
            "hour_id": hour_ids[hour],
            "crossing_point_id": cp.id,
            "hour": hour,
            "direction": c.direction,
            "category": c.category,
            "nationality": c.nationality,
            "count": c.count,
            "origin_node": scope.node,
            "sharing_level": level,
            "audience": None,
        }
        for hour, item in hours.items()
        for c in item.counts
    ]
    bulk_insert(session, COUNTS, counts)
    # Core writes bypass the ORM's flush, so the outbox is written here
    publish(session, CROSSING_HOUR, [SimpleNamespace(**r) for r in added], node=scope.node,
            created=True)  # fmt: skip
    publish(session, CROSSING_HOUR, [SimpleNamespace(**r) for r in replaced], node=scope.node)
    audit.record(
        session,
        scope=scope,
        action="crossing.counts",
        object_type="crossing_point",
        object_ids=[cp.uid],
        detail={
            "source": feed.source,
            "first": min(hours).isoformat(),
            "last": max(hours).isoformat(),
            "hours_added": len(added),
            "hours_replaced": len(replaced),
            "counts": len(counts),
        },
    )
    return CountsStored(
        crossing=cp.code, hours_added=len(added), hours_replaced=len(replaced), counts=len(counts)
    )


def check_range(start: dt.datetime, end: dt.datetime) -> None:
    if end <= start:
        raise InvalidInput("`to` must be after `from`")
    if end.astimezone(dt.UTC) - start.astimezone(dt.UTC) > MAX_WINDOW:  # elapsed, not by clock
        raise InvalidInput(f"at most {MAX_WINDOW.days} days at a time")


def hourly_totals(
    session: Session, *, start: dt.datetime, end: dt.datetime, crossing_id: int | None = None
) -> list[Any]:
    """(origin node, crossing point, hour, direction, category, total) visible to the session."""
    query = (
        select(
            CrossingCount.origin_node,
            CrossingCount.crossing_point_id,
            CrossingCount.hour,
            CrossingCount.direction,
            CrossingCount.category,
            func.sum(CrossingCount.count).label("total"),
        )
        .where(CrossingCount.hour >= start, CrossingCount.hour < end)
        .group_by(
            CrossingCount.origin_node,
            CrossingCount.crossing_point_id,
            CrossingCount.hour,
            CrossingCount.direction,
            CrossingCount.category,
        )
    )
    if crossing_id is not None:
        query = query.where(CrossingCount.crossing_point_id == crossing_id)
    return list(session.execute(query))


def side_by_side(
    session: Session, *, scope: Scope, start: dt.datetime, end: dt.datetime
) -> list[SideCount]:
    """Both sides' counts of the same flow, hour by hour: what leaves one country through the
    crossing against what the other records arriving, and the difference.

    A country's crossing points are those of its node (Chacalluta for Chile, Santa Rosa for
    Peru); with one crossing between the two nodes, each node's exits are the other's entries.
    """
    check_range(start, end)
    flows: dict[tuple[dt.datetime, str, str, Category], dict[str, int]] = defaultdict(dict)
    for row in hourly_totals(session, start=start, end=end):
        node, other = row.origin_node, _other_side(row.origin_node)
        leaving, arriving = (node, other) if row.direction == Direction.exit else (other, node)
        cell = flows[(row.hour, leaving, arriving, Category(row.category))]
        cell[node] = cell.get(node, 0) + int(row.total)
    out = []
    for (hour, leaving, arriving, category), by_node in sorted(flows.items()):
        left, came = by_node.get(leaving), by_node.get(arriving)
        out.append(
            SideCount(
                hour=hour,
                travel=f"{leaving}→{arriving}",
                category=category,
                counts={leaving: left, arriving: came},
                difference=None if left is None or came is None else left - came,
            )
        )
    audit.record(
        session,
        scope=scope,
        action="crossing.compare",
        object_type="crossing_count",
        detail={"from": start.isoformat(), "to": end.isoformat(), "rows": len(out)},
    )
    return out


def _other_side(node: str) -> str:
    """The node across the line from ``node`` (Hito's nodes come in one pair)."""
    return next(other for other in NODE_TIMEZONES if other != node)


def crossing_id_by_code(session: Session, *, scope: Scope, code: str | None) -> int:
    """The id of crossing point ``code``, or of the node's own one when there is only one."""
    query = select(CrossingPoint.id, CrossingPoint.code)
    if code is not None:
        found = session.execute(query.where(CrossingPoint.code == code.upper())).first()
        if found is None:
            raise NotFound(f"no crossing point {code!r} on this node")
        return int(found.id)
    own = session.execute(query.where(CrossingPoint.origin_node == scope.node)).all()
    if len(own) != 1:
        names = ", ".join(sorted(r.code for r in own)) or "none"
        raise InvalidInput(f"say which crossing point (this node has: {names})")
    return int(own[0].id)
