"""The committee's indicators over 10,000,000 events and 50,000,000 hourly counts, on SQLite and
PostgreSQL, and the briefing PDF.

Targets (issue 12): every indicator answers p95 at most 1 s on both backends; the briefing in at
most 10 s. Each indicator is timed through its service (a session scoped to a Chilean PDI
supervisor, as the API runs it) beside its floor: the same aggregate as bare SQL on the same
database, with no scoping and no ORM, measured in the same run.

Data, generated and reproducible: events over two years (types and sharing levels skewed as in
the field, 10% of them the other node's, received); crossing counts for 30 crossing points of
both nodes, 240 cells an hour (2 directions × 6 categories × 20 nationalities), as many hours as
the count asks (the last of them around the cut-off, so the weekend figure reads real rows).

    .venv/bin/python bench/monitoring.py                        # the full size, both backends
    .venv/bin/python bench/monitoring.py --events 1000000 --counts 5000000 --backend sqlite
    .venv/bin/python bench/monitoring.py --keep var/bench    # keep the data; then, to measure
    .venv/bin/python bench/monitoring.py --keep var/bench --reuse     # again without filling

No pre-aggregate is needed at this size: every indicator is one indexed range query (events by
type and time; counts by hour), so late data is counted the moment it is stored.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parent))
import numpy as np  # noqa: E402
from _common import machine, percentile  # noqa: E402
from sqlalchemy import Table, func, select, text  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from hito.agencies.models import AgencyKind  # noqa: E402
from hito.auth.models import Role  # noqa: E402
from hito.auth.scope import Scope, unrestricted  # noqa: E402
from hito.auth.scoping import bind, unscoped  # noqa: E402
from hito.bootstrap import prepare_database  # noqa: E402
from hito.crossings.models import CrossingCount, CrossingHour  # noqa: E402
from hito.db import bulk_insert_columns, make_engine, make_sessionmaker  # noqa: E402
from hito.events.models import Event  # noqa: E402
from hito.monitoring.briefing import build_briefing, render_pdf  # noqa: E402
from hito.monitoring.definitions import catalogue  # noqa: E402
from hito.monitoring.measures import MEASURES  # noqa: E402
from hito.places.models import CrossingPoint  # noqa: E402
from hito.records import new_uid  # noqa: E402
from hito.settings import Settings  # noqa: E402

CUT_OFF = dt.datetime(2025, 11, 24, 3, tzinfo=dt.UTC)  # Monday 00:00 in Chile
SPAN = dt.timedelta(days=730)
TYPES = {"irregular_crossing": 45, "sighting": 25, "interception": 12, "patrol_report": 10,
         "humanitarian_need": 4, "stranded_group": 1, "other": 3}  # fmt: skip
CATEGORIES = ["visitor", "resident", "regular_migrant", "refused", "cargo_vehicle", "bus"]
NATIONALITIES = ["CL", "PE", "VE", "CO", "BO", "AR", "EC", "HT", "CU", "DO", "BR", "US", "ES",
                 "CN", "IN", "MX", "PY", "UY", "FR", "XX"]  # fmt: skip
CROSSINGS = 30
CHUNK = 200_000


def scope() -> Scope:
    return dataclasses.replace(
        unrestricted("CL"), username="bench", agency_code="CL-PDI",
        agency_kind=AgencyKind.investigations, roles=frozenset({Role.supervisor}),
        everything=False,
    )  # fmt: skip


def _progress(label: str, done: int, total: int, started: float) -> None:
    rate = done / max(1e-9, time.perf_counter() - started)
    print(f"\r  {label}: {done:,}/{total:,} ({rate:,.0f}/s)", end="", flush=True)


def _times(first: dt.datetime, offsets: np.ndarray, unit: str) -> list[dt.datetime]:
    """Aware UTC datetimes ``first`` + each offset (seconds or hours), built by numpy."""
    base = np.datetime64(first.replace(tzinfo=None), "us")
    naive = (base + offsets.astype(f"timedelta64[{unit}]")).astype("datetime64[us]").tolist()
    return [at.replace(tzinfo=dt.UTC) for at in naive]


def fill_events(sessions: sessionmaker[Session], count: int) -> None:
    """Events column by column (numpy draws, one COPY or executemany per chunk)."""
    rng = np.random.default_rng(20251124)
    table = cast(Table, Event.__table__)
    kinds = np.array(list(TYPES), dtype=object)
    weights = np.array(list(TYPES.values()), dtype=float)
    started, done, seconds = time.perf_counter(), 0, int(SPAN.total_seconds())
    first = CUT_OFF - SPAN + dt.timedelta(days=7)  # the last week holds events too
    while done < count:
        size = min(CHUNK, count - done)
        n = np.arange(done, done + size)
        received = n % 10 == 0
        at = _times(first, rng.integers(0, seconds, size), "s")
        columns: dict[str, Any] = {
            "id": (n + 1).tolist(),
            "type": rng.choice(kinds, size, p=weights / weights.sum()).tolist(),
            "occurred_at": at,
            "lat": (-18.3 + rng.uniform(-0.2, 0.2, size)).tolist(),
            "lon": (-70.2 + rng.uniform(-0.3, 0.3, size)).tolist(),
            "headcount": rng.integers(1, 31, size).tolist(),
            "reporting_agency_id": [1] * size,
            "description": [""] * size,
            "status": np.where(n % 50 == 0, "open", "closed").tolist(),
            "uid": [new_uid() for _ in range(size)],
            "origin_node": np.where(received, "PE", "CL").tolist(),
            "sharing_level": np.where(received | (n % 3 != 0), "binational", "national").tolist(),
            "audience": np.where(received, "all", None).tolist(),
            "version": [1] * size,
            "created_at": at,
            "updated_at": at,
        }
        with sessions() as session:
            bulk_insert_columns(session, table, columns)
            session.commit()
        done += size
        _progress("events", done, count, started)
    print()


def _crossing_points(sessions: sessionmaker[Session]) -> list[tuple[int, str]]:
    with sessions() as session, unscoped(session):
        points = []
        for n in range(CROSSINGS):
            node = "CL" if n % 2 == 0 else "PE"
            point = CrossingPoint(code=f"BENCH-{n:02d}", name=f"Paso {n}", lat=-18.3, lon=-70.3,
                                  opening_hours="24 h", status="open", origin_node=node,
                                  sharing_level="binational",
                                  audience=None if node == "CL" else "all")  # fmt: skip
            session.add(point)
            points.append(point)
        session.flush()
        ids = [(p.id, p.origin_node) for p in points]
        session.commit()
    return ids


def fill_counts(sessions: sessionmaker[Session], count: int) -> None:
    """Hours of every crossing point and their cells, a block of hours at a time."""
    rng = np.random.default_rng(20251122)
    hours_table = cast(Table, CrossingHour.__table__)
    counts_table = cast(Table, CrossingCount.__table__)
    points = _crossing_points(sessions)
    cells = [(d, c, n) for d in ("entry", "exit") for c in CATEGORIES for n in NATIONALITIES]
    per_hour = len(cells) * len(points)
    hours = -(-count // per_hour)
    first = CUT_OFF.replace(minute=0) - dt.timedelta(hours=hours - 24 * 7)
    point_ids = np.array([point for point, _ in points])
    nodes = np.array([node for _, node in points], dtype=object)
    block = max(1, CHUNK // per_hour)
    started, done = time.perf_counter(), 0
    for h0 in range(0, hours, block):
        span = min(block, hours - h0)
        # one row per hour and point: ids 1.. in hour-major order
        hour_index = np.repeat(np.arange(h0, h0 + span), len(points))
        point_index = np.tile(np.arange(len(points)), span)
        hour_ids = hour_index * len(points) + point_index + 1
        at = _times(first, hour_index, "h")
        node = nodes[point_index]
        scoping = {"origin_node": node.tolist(), "sharing_level": ["binational"] * len(at),
                   "audience": np.where(node == "CL", None, "all").tolist()}  # fmt: skip
        hour_rows = {"id": hour_ids.tolist(), "crossing_point_id": point_ids[point_index].tolist(),
                     "hour": at, "booths_entry": [6] * len(at), "booths_exit": [6] * len(at),
                     "source": ["bench"] * len(at), "uid": [new_uid() for _ in at],
                     "version": [1] * len(at), "created_at": at, "updated_at": at,
                     **scoping}  # fmt: skip
        take = min(len(at) * len(cells), count - done)  # the last hour may be cut short
        row = np.arange(take) // len(cells)  # which hour row each cell belongs to
        cell = np.arange(take) % len(cells)
        count_rows = {
            "hour_id": hour_ids[row].tolist(),
            "crossing_point_id": point_ids[point_index[row]].tolist(),
            "hour": [at[i] for i in row.tolist()],
            "direction": [cells[i][0] for i in cell.tolist()],
            "category": [cells[i][1] for i in cell.tolist()],
            "nationality": [cells[i][2] for i in cell.tolist()],
            "count": rng.integers(0, 61, take).tolist(),
            **{name: [values[i] for i in row.tolist()] for name, values in scoping.items()},
        }
        with sessions() as session:
            bulk_insert_columns(session, hours_table, hour_rows)
            bulk_insert_columns(session, counts_table, count_rows)
            session.commit()
        done += take
        _progress("hourly counts", done, count, started)
        if done >= count:
            break
    print()


FLOORS: dict[str, str] = {  # the same aggregates as bare SQL, no scoping: the floor
    "stranded_now": "SELECT sum(headcount) FROM event WHERE type = 'stranded_group' "
    "AND status != 'closed' AND occurred_at <= :at",
    "irregular_departures_per_day": "SELECT sum(headcount) FROM event WHERE type = "
    "'irregular_crossing' AND occurred_at > :week AND occurred_at <= :at",
    "interceptions_7d": "SELECT count(*) FROM event WHERE type = 'interception' "
    "AND occurred_at > :week AND occurred_at <= :at",
    "weekend_visitors": "SELECT sum(count) FROM crossing_count WHERE category = 'visitor' "
    "AND hour >= :sat AND hour < :mon AND origin_node = 'CL' AND direction = 'exit'",
}


def _bound(session: Session, value: dt.datetime) -> Any:
    return (
        (value - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1)
        if (session.get_bind().dialect.name == "sqlite")
        else value
    )


def timed(call: Callable[[], Any], repeat: int) -> list[float]:
    """Times of ``repeat`` calls after one untimed call (the page cache warm, as a serving
    node's is)."""
    call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


def maintain(sessions: sessionmaker[Session]) -> None:
    """What a maintained database has had: fresh statistics and, on PostgreSQL, a vacuum (as
    autovacuum runs it), whose visibility map lets the covering index answer alone."""
    engine = sessions.kw["bind"]
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        vacuum = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
        connection.execute(text(vacuum))


def run(url: str, args: argparse.Namespace) -> None:
    print(f"\n== {url.split(':')[0]} ==")
    settings = Settings(database_url=url, node="CL", secret_key="bench-secret-key-0123456789",
                        demo=False)  # fmt: skip
    prepare_database(settings)
    sessions = make_sessionmaker(make_engine(url))
    with sessions() as session, unscoped(session):
        held = session.scalar(select(func.count()).select_from(Event)) or 0
    if args.reuse and held == args.events:
        print(f"  reusing the {held:,} events and their counts already stored")
    else:
        fill_events(sessions, args.events)
        fill_counts(sessions, args.counts)
    maintain(sessions)
    user = scope()
    worst = 0.0
    sat = CUT_OFF - dt.timedelta(days=2)
    for name in catalogue().indicators:
        with sessions() as session:
            bind(session, user)
            times = timed(lambda s=session, n=name: MEASURES[n](s, user, CUT_OFF), args.repeat)
            session.rollback()
        p95 = percentile(times, 95)
        worst = max(worst, p95)
        floor = ""
        if name in FLOORS:
            with sessions() as session:
                params = {"at": _bound(session, CUT_OFF),
                          "week": _bound(session, CUT_OFF - dt.timedelta(days=7)),
                          "sat": _bound(session, sat), "mon": _bound(session, CUT_OFF)}  # fmt: skip
                bare = timed(lambda s=session, q=FLOORS[name], p=params: s.execute(text(q), p)
                             .scalar(), args.repeat)  # fmt: skip
            floor_p95 = percentile(bare, 95)
            floor = f"   floor (bare SQL) p95 {floor_p95 * 1000:8.1f} ms   ratio " \
                    f"{p95 / max(floor_p95, 1e-6):5.1f}x"  # fmt: skip
        print(f"  {name:30} p95 {p95 * 1000:8.1f} ms{floor}")
    print(f"  worst indicator p95 {worst * 1000:.1f} ms: target <= 1000 ms "
          f"{'MET' if worst <= 1 else 'NOT MET'}")  # fmt: skip
    with sessions() as session:
        bind(session, user)
        started = time.perf_counter()
        briefing = build_briefing(session, scope=user, start=CUT_OFF - dt.timedelta(days=7),
                                  end=CUT_OFF, lang="es")  # fmt: skip
        pdf = render_pdf(briefing, zone=user.time_zone)
        seconds = time.perf_counter() - started
        session.rollback()
    print(f"  briefing PDF ({len(pdf) // 1024} KiB, {len(briefing.charts)} charts) in "
          f"{seconds:.1f} s: target <= 10 s {'MET' if seconds <= 10 else 'NOT MET'}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--counts", type=int, default=50_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/",
                        help="PostgreSQL server (a database bench_monitoring is made)")  # fmt: skip
    parser.add_argument("--keep", type=Path, help="keep SQLite's database in this folder")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the data a previous run kept (--keep; PostgreSQL's "
                        "bench_monitoring) instead of generating it again")  # fmt: skip
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"{args.events:,} events, {args.counts:,} hourly counts, {args.repeat} runs each")
    if args.backend in ("sqlite", "both"):
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            run(f"sqlite:///{args.keep.resolve()}/bench.db", args)
        else:
            with tempfile.TemporaryDirectory() as folder:
                run(f"sqlite:///{folder}/bench.db", args)
    if args.backend in ("postgresql", "both"):
        name = "bench_monitoring"
        made = () if args.reuse else (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}")
        for sql in made:
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-c", sql],
                           check=True, capture_output=True)  # fmt: skip
        run(args.pg + name, args)


if __name__ == "__main__":
    main()
