"""Batch ingest through the API into SQLite, beside a bare SQLite insert loop.

Target (issue 2): at least 20,000 events/s through POST /api/v1/events/batch on this machine.
Run: .venv/bin/python bench/ingest.py [--batches 20] [--batch-size 10000] [--postgres]
     [--with-peer]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg
import uuid_utils
from _common import PASSWORD, env_for, hito, machine, server, token

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
TYPES = ["sighting", "irregular_crossing", "interception", "patrol_report", "stranded_group"]


def payloads(count: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [
        {
            "type": rng.choice(TYPES),
            "occurred_at": f"2025-11-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:"
            f"{rng.randint(0, 59):02d}:00-03:00",
            "location": {
                "lat": -18.33 + rng.uniform(-0.1, 0.1),
                "lon": -70.3 + rng.uniform(-0.2, 0.2),
            },
            "headcount": rng.randint(1, 40),
            "sharing_level": "binational",
            "description": "Grupo observado en la franja fronteriza",
        }
        for _ in range(count)
    ]


def bare_sqlite(rows: list[dict[str, Any]], database: Path, env: dict[str, str]) -> float:
    """The same rows written by hand into Hito's own event table (same indexes, constraints and
    stored types), with one sqlite3 executemany: what the database alone costs."""
    hito(env, "db", "upgrade")
    db = sqlite3.connect(database)
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA cache_size=-32768")
    start_id = db.execute("SELECT coalesce(max(id), 0) FROM event").fetchone()[0]
    now = int(time.time() * 1_000_000)
    values = []
    for i, r in enumerate(rows, start=start_id + 1):
        at = dt.datetime.fromisoformat(str(r["occurred_at"]))
        micros = (at - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1)
        values.append(
            (
                i,
                r["type"],
                micros,
                r["location"]["lat"],
                r["location"]["lon"],
                2,
                r["headcount"],
                r["headcount"],
                1,
                r["description"],
                "open",
                str(uuid_utils.uuid7()),
                "CL",
                r["sharing_level"],
                1,
                now,
                now,
            )
        )
    start = time.perf_counter()
    with db:
        db.executemany(
            "INSERT INTO event (id, type, occurred_at, lat, lon, sector_id, headcount,"
            " reported_headcount, reporting_agency_id, description, status, uid, origin_node,"
            " sharing_level, version, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            values,
        )
    elapsed = time.perf_counter() - start
    db.close()
    return len(values) / elapsed


def sequential(client: httpx.Client, bodies: list[bytes]) -> tuple[list[float], dict[str, float]]:
    """One batch after another; per-batch wall times and the server's Server-Timing phases."""
    timings: list[float] = []
    phases: dict[str, float] = {}
    for body in bodies:
        start = time.perf_counter()
        reply = client.post("/api/v1/events/batch", content=body)
        timings.append(time.perf_counter() - start)
        reply.raise_for_status()
        for part in reply.headers.get("server-timing", "").split(","):
            name, _, duration = part.strip().partition(";dur=")
            if duration:
                phases[name] = phases.get(name, 0.0) + float(duration) / 1000
    return timings, phases


def concurrent(url: str, headers: httpx.Headers, bodies: list[bytes], feeders: int = 2) -> float:
    """``feeders`` clients sending at once, as several field systems would: events/s."""

    def feed(share: list[bytes]) -> None:
        with httpx.Client(base_url=url, timeout=120, headers=headers) as client:
            for body in share:
                client.post("/api/v1/events/batch", content=body).raise_for_status()

    start = time.perf_counter()
    with ThreadPoolExecutor(feeders) as pool:
        list(pool.map(feed, [bodies[i::feeders] for i in range(feeders)]))
    return len(bodies) / (time.perf_counter() - start)


def register_peer(url: str, folder: Path) -> None:
    """A peer (never reachable here) and the demo agreement, so the outbox is written."""
    from hito.auth import unrestricted
    from hito.auth.scoping import unscoped
    from hito.db import make_engine, make_sessionmaker
    from hito.exchange import create_key, introduce, parse_agreement
    from hito.exchange.agreements import example_agreement

    peer = create_key(folder / "peer.key")
    with make_sessionmaker(make_engine(url))() as session, unscoped(session):
        introduce(
            session,
            scope=unrestricted("CL"),
            node="CL",
            peer="PE",
            url="http://127.0.0.1:9",
            public_key_pem=peer.public_pem,
            document=parse_agreement(example_agreement()),
        )
        session.commit()


@contextmanager
def database(postgres: bool, folder: str) -> Iterator[str]:
    if not postgres:
        yield f"sqlite:///{folder}/bench.db"
        return
    name = f"hito_bench_{os.getpid()}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="ingest into a fresh PostgreSQL database on 127.0.0.1 instead",
    )
    parser.add_argument(
        "--with-peer",
        action="store_true",
        help="a peer registered under the demo agreement: every binational event also writes "
        "its envelope in the same transaction (the exchange itself is not running)",
    )
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as folder, database(args.postgres, folder) as url:
        env = env_for(url)
        hito(env, "db", "upgrade")
        hito(
            env,
            "user",
            "add",
            "bench",
            "--agency",
            "CL-CARABINEROS",
            "--role",
            "operator",
            stdin=PASSWORD + "\n",
        )
        env["HITO_EXCHANGE"] = "0"
        if args.with_peer:
            register_peer(url, Path(folder))
        bodies = [
            json.dumps({"events": payloads(args.batch_size, seed)}).encode()
            for seed in range(2 * args.batches + 1)
        ]
        with server(env) as url, httpx.Client(base_url=url, timeout=120) as client:
            client.headers["Authorization"] = f"Bearer {token(url, 'bench')}"
            client.headers["Content-Type"] = "application/json"
            client.post("/api/v1/events/batch", content=bodies[0]).raise_for_status()  # warm-up
            timings, phases = sequential(client, bodies[1 : args.batches + 1])
            batches_per_second = concurrent(url, client.headers, bodies[args.batches + 1 :])
        floor = bare_sqlite(
            payloads(args.batch_size * 5, 99),
            Path(folder) / "bare.db",
            env_for(f"sqlite:///{folder}/bare.db"),
        )
    backend = ("PostgreSQL" if args.postgres else "SQLite") + (
        ", with a peer (envelopes written)" if args.with_peer else ""
    )
    total = sum(timings)
    rate = args.batch_size * len(timings) / total
    two = batches_per_second * args.batch_size
    print(
        f"API batch ingest into {backend}, batches of {args.batch_size:,}, one client: "
        f"{rate:,.0f} events/s (per batch: best {min(timings) * 1000:.0f} ms, "
        f"worst {max(timings) * 1000:.0f} ms)"
    )
    print(
        "  where the time went (server side, share of wall time): "
        + ", ".join(f"{name} {seconds / total:.0%}" for name, seconds in phases.items())
        + f", HTTP and the rest {1 - sum(phases.values()) / total:.0%}"
    )
    print(f"API batch ingest into {backend}, two clients at once: {two:,.0f} events/s")
    print(f"bare sqlite3 executemany of the same rows into Hito's event table: {floor:,.0f} rows/s")
    best = max(rate, two)
    print(f"target >= 20,000 events/s: {'MET' if best >= 20_000 else 'NOT MET'} ({best:,.0f})")


if __name__ == "__main__":
    main()
