"""The demo's crossing counts, November 2025: each side's hourly figures at its control complex
of Chacalluta–Santa Rosa, and Peru's change of status under the state of emergency.

About 10,000 Chilean visitors cross to Tacna each weekend (25,000 before the pandemic), few on
weekdays; border residents, regular migrants, people refused at the booths, lorries and buses
every day. Both sides count the same flows, a little differently (about ±2%), so the side-by-side
view has differences to show. Figures are invented around the reported orders of magnitude.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from hito.auth import Scope
from hito.crossings import CountsFeed, crossing_id_by_code, record_counts
from hito.places import CrossingPoint, CrossingStatus, CrossingStatusChange

SEED = 20251122
FIRST, LAST = dt.date(2025, 11, 3), dt.date(2025, 11, 30)
ZONES = {"CL": ZoneInfo("America/Santiago"), "PE": ZoneInfo("America/Lima")}
# share of a day's outbound (morning) and return (evening) travellers in each local hour
OUTBOUND = {7: 4, 8: 9, 9: 13, 10: 14, 11: 12, 12: 9, 13: 7, 14: 6, 15: 5, 16: 5, 17: 4, 18: 3,
            19: 3, 20: 2, 21: 2, 22: 1, 23: 1}  # fmt: skip
RETURN = {8: 1, 9: 1, 10: 2, 11: 3, 12: 4, 13: 5, 14: 6, 15: 7, 16: 9, 17: 11, 18: 12, 19: 13,
          20: 11, 21: 8, 22: 5, 23: 2}  # fmt: skip
EMERGENCY = dt.datetime(2025, 11, 27, 0, tzinfo=ZONES["PE"])


def _daily(rng: random.Random, day: dt.date) -> dict[tuple[str, str, str], float]:
    """Travellers of one day, Chile → Peru (``out``) and back (``in``), by category and
    nationality, as they really crossed."""
    weekend = day.weekday() >= 5
    visitors = rng.randint(4_700, 5_400) if weekend else rng.randint(900, 1_400)
    flows: dict[tuple[str, str, str], float] = {
        ("out", "visitor", "CL"): visitors,
        ("in", "visitor", "CL"): visitors * rng.uniform(0.93, 1.02),
        ("out", "visitor", "XX"): visitors * 0.03,
        ("in", "visitor", "XX"): visitors * 0.03,
        ("out", "resident", "PE"): rng.randint(250, 340),
        ("in", "resident", "PE"): rng.randint(250, 340),
        ("out", "resident", "CL"): rng.randint(120, 180),
        ("in", "resident", "CL"): rng.randint(120, 180),
        ("out", "regular_migrant", "VE"): rng.randint(20, 60),
        ("out", "regular_migrant", "CO"): rng.randint(3, 12),
        ("in", "regular_migrant", "VE"): rng.randint(5, 20),
        ("out", "refused", "VE"): rng.randint(4, 15),
        ("out", "cargo_vehicle", "XX"): rng.randint(90, 140) * (0.5 if weekend else 1),
        ("in", "cargo_vehicle", "XX"): rng.randint(90, 140) * (0.5 if weekend else 1),
        ("out", "bus", "XX"): rng.randint(25, 45) * (2 if weekend else 1),
        ("in", "bus", "XX"): rng.randint(25, 45) * (2 if weekend else 1),
    }
    return flows


def _booths(direction: str, weekend: bool, hour: int) -> int:
    busy = (direction == "out" and 8 <= hour <= 13) or (direction == "in" and 16 <= hour <= 21)
    return (12 if busy else 6) if weekend else (6 if busy else 3)


def crossing_feed(node: str) -> CountsFeed:
    """The month of hourly counts as ``node``'s side recorded them."""
    truth = random.Random(SEED)  # the same travellers on both sides
    noise = random.Random(f"{SEED}-{node}")
    zone = ZONES[node]
    hours = []
    for offset in range((LAST - FIRST).days + 1):
        day = FIRST + dt.timedelta(days=offset)
        weekend = day.weekday() >= 5
        flows = _daily(truth, day)
        for hour in range(7, 24):
            counts = []
            for (way, category, nationality), total in flows.items():
                profile = OUTBOUND if way == "out" else RETURN
                if category in ("cargo_vehicle", "bus", "resident", "refused", "regular_migrant"):
                    share = 1 / 17  # through the whole day
                else:
                    share = profile.get(hour, 0) / 100
                n = round(total * share * noise.uniform(0.98, 1.02))
                if n <= 0:
                    continue
                leaving = way == "out"  # Chile → Peru: Chile's exits, Peru's entries
                direction = "exit" if leaving == (node == "CL") else "entry"
                counts.append({"direction": direction, "category": category,
                               "nationality": nationality, "count": n})  # fmt: skip
            local = dt.datetime.combine(day, dt.time(hour), ZONES["CL"]).astimezone(zone)
            out_dir = "exit" if node == "CL" else "entry"
            in_dir = "entry" if node == "CL" else "exit"
            hours.append(
                {
                    "hour": local.isoformat(),
                    f"booths_{out_dir}": _booths("out", weekend, hour),
                    f"booths_{in_dir}": _booths("in", weekend, hour),
                    "counts": counts,
                }
            )
    return CountsFeed.model_validate({"source": f"demo {node}", "hours": hours})


def load_crossings(session: Session, *, scope: Scope, node: str) -> int:
    """This node's counts for November 2025; for Peru, the restriction of 27 November."""
    crossing_id = crossing_id_by_code(session, scope=scope, code=None)
    stored = record_counts(session, scope=scope, crossing_id=crossing_id, feed=crossing_feed(node))
    if node == "PE":
        santa_rosa = session.scalar(select(CrossingPoint).where(CrossingPoint.id == crossing_id))
        assert santa_rosa is not None
        session.add(
            CrossingStatusChange(
                crossing_point_id=crossing_id,
                status=CrossingStatus.restricted,
                opening_hours=santa_rosa.opening_hours,
                reason="Estado de emergencia en Tacna: control migratorio reforzado en Santa "
                "Rosa; el paso sigue abierto para visitantes con documentos.",
                effective_from=EMERGENCY,
                origin_node=node,
                sharing_level=santa_rosa.sharing_level,
            )
        )
        santa_rosa.status = CrossingStatus.restricted
        session.flush()
    return stored.counts
