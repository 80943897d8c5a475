"""Filtered event listing through the API over 1,000,000 events in SQLite.

Target (issue 2): p95 at most 50 ms per request, through HTTP, for the filters users apply.
The database is filled through the same bulk service the batch endpoint uses (types, agencies
and sharing levels skewed as in the field: mostly irregular crossings, few official measures).
Run: .venv/bin/python bench/listing.py [--events 1000000] [--requests 100]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import random
import tempfile
import time

import httpx
from _common import PASSWORD, env_for, hito, machine, percentile, server, token

from hito.auth import unrestricted
from hito.db import make_engine, make_sessionmaker
from hito.events import EventCreate, create_events
from hito.places import Location

TYPES = {
    "irregular_crossing": 60,
    "sighting": 20,
    "interception": 10,
    "patrol_report": 5,
    "humanitarian_need": 3,
    "stranded_group": 1,
    "crossing_disruption": 0.5,
    "official_measure": 0.4,
    "other": 0.1,
}
AGENCIES = {
    "CL-CARABINEROS": 45,
    "PE-PNP": 25,
    "PE-EJERCITO": 10,
    "CL-PDI": 8,
    "PE-MIGRACIONES": 5,
    "CL-SERMIG": 4,
    "INT-OIM": 3,
}
LEVELS = {"binational": 60, "national": 30, "humanitarian": 10}
START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def fill(database_url: str, count: int) -> None:
    rng = random.Random(7)
    sessions = make_sessionmaker(make_engine(database_url))
    span = 2 * 365 * 86400
    done = 0
    started = time.perf_counter()
    while done < count:
        size = min(1_000, count - done)
        agency = rng.choices(list(AGENCIES), weights=list(AGENCIES.values()))[0]
        scope = dataclasses.replace(
            unrestricted(), agency_code=agency, country="PE" if agency.startswith("PE") else "CL"
        )
        batch = [
            EventCreate(
                type=rng.choices(list(TYPES), weights=list(TYPES.values()))[0],
                occurred_at=START + dt.timedelta(seconds=rng.randrange(span)),
                location=Location(lat=rng.uniform(-18.45, -17.5), lon=rng.uniform(-70.45, -69.45)),
                headcount=rng.randint(1, 40),
                sharing_level=rng.choices(list(LEVELS), weights=list(LEVELS.values()))[0],
                description="Evento sintético de prueba de carga",
            )
            for _ in range(size)
        ]
        with sessions() as session:
            create_events(session, scope=scope, events=batch)
            session.commit()
        done += size
        if done % 50_000 and done != count:
            continue
        rate = done / (time.perf_counter() - started)
        print(f"\r  filled {done:,}/{count:,} events ({rate:,.0f}/s)", end="", flush=True)
    print()


QUERIES: dict[str, dict[str, str]] = {
    "no filter": {},
    "type (common)": {"type": "irregular_crossing"},
    "type (rare)": {"type": "official_measure"},
    "since/until (one day)": {
        "since": "2025-03-10T00:00:00-03:00",
        "until": "2025-03-11T00:00:00-03:00",
    },
    "bbox (Chacalluta)": {"bbox": "-70.40,-18.40,-70.25,-18.25"},
    "sector": {"sector": "S4-PALCA"},
    "agency": {"agency": "CL-SERMIG"},
    "agency without events": {"agency": "INT-ACNUR"},
    "type + sector + since": {
        "type": "sighting",
        "sector": "S2-CHACALLUTA",
        "since": "2025-06-01T00:00:00Z",
    },
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=100, help="per query kind and user")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as folder:
        env = env_for(f"sqlite:///{folder}/bench.db")
        hito(env, "db", "upgrade")
        for user, agency, role in [
            ("cl.operator", "CL-CARABINEROS", "operator"),
            ("oim", "INT-OIM", "caseworker"),
        ]:
            hito(
                env, "user", "add", user, "--agency", agency, "--role", role, stdin=PASSWORD + "\n"
            )
        fill(env["HITO_DATABASE_URL"], args.events)
        all_times: list[float] = []
        with server(env) as url:
            for user in ("cl.operator", "oim"):
                with httpx.Client(base_url=url, timeout=30) as client:
                    client.headers["Authorization"] = f"Bearer {token(url, user)}"
                    for name, params in QUERIES.items():
                        times, cursor = [], None
                        for i in range(args.requests):
                            query = dict(params)
                            if cursor and i % 5:  # walk a few pages deep, then start over
                                query["cursor"] = cursor
                            start = time.perf_counter()
                            reply = client.get("/api/v1/events", params=query)
                            times.append(time.perf_counter() - start)
                            reply.raise_for_status()
                            cursor = reply.json()["next_cursor"]
                        all_times += times
                        print(
                            f"  {user:12} {name:24} p50 {percentile(times, 50) * 1000:6.1f} ms"
                            f"  p95 {percentile(times, 95) * 1000:6.1f} ms"
                            f"  ({len(reply.json()['items'])} items/page)"
                        )
    p95 = percentile(all_times, 95) * 1000
    print(
        f"listing over {args.events:,} events, {len(all_times)} requests: "
        f"p50 {percentile(all_times, 50) * 1000:.1f} ms, p95 {p95:.1f} ms, "
        f"p99 {percentile(all_times, 99) * 1000:.1f} ms"
    )
    print(f"target p95 <= 50 ms: {'MET' if p95 <= 50 else 'NOT MET'}")


if __name__ == "__main__":
    main()
