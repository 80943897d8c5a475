"""SIGKILL the server in the middle of batch ingests: acknowledged batches survive whole,
unacknowledged ones are absent or whole, never partial."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from hito.audit import verify_chain
from hito.auth.scoping import unscoped
from hito.models import AuditEntry, Event, OutboxEnvelope
from tests.conftest import PASSWORD, free_port
from tests.factories import event_payload

BATCH = 1500
ROUNDS = 3


def _start(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "hito.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start")


def _ingest_until_killed(
    url: str, token: str, first: int, acknowledged: list[int], stop: threading.Event
) -> None:
    number = first
    with httpx.Client(
        base_url=url, timeout=30, headers={"Authorization": f"Bearer {token}"}
    ) as client:
        while not stop.is_set():
            batch = [event_payload(description=f"batch-{number}") for _ in range(BATCH)]
            try:
                reply = client.post("/api/v1/events/batch", json={"events": batch})
            except httpx.TransportError:
                return  # the server died under us: this batch was never acknowledged
            if reply.status_code == 201 and reply.json()["count"] == BATCH:
                acknowledged.append(number)
            number += 1


def test_sigkill_during_batch_ingest_loses_no_acknowledged_batch(
    database_url: str, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "HITO_DATABASE_URL": database_url,
        "HITO_DEMO": "0",
        "HITO_SECRET_KEY": "test-secret-key-0123456789",
        "HITO_NODE": "CL",
    }
    acknowledged: list[int] = []
    for round_number in range(ROUNDS):
        port = free_port()
        server = _start(env, port)
        url = f"http://127.0.0.1:{port}"
        token = httpx.post(
            f"{url}/api/v1/auth/token", data={"username": "cl.operator", "password": PASSWORD}
        ).json()
        stop = threading.Event()
        sender = threading.Thread(
            target=_ingest_until_killed,
            args=(url, token["access_token"], round_number * 10_000, acknowledged, stop),
        )
        sender.start()
        time.sleep(1.5 + 0.4 * round_number)  # mid-stream: a batch is almost always in flight
        os.kill(server.pid, signal.SIGKILL)
        server.wait()
        stop.set()
        sender.join(30)

    assert len(acknowledged) >= ROUNDS, "too few batches acknowledged to test anything"
    with sessions() as session, unscoped(session):
        counts = Counter(
            {
                description: count
                for description, count in session.execute(
                    select(Event.description, func.count()).group_by(Event.description)
                )
            }
        )
        audited = Counter(
            json.loads(detail)["count"]
            for detail in session.scalars(
                select(AuditEntry.detail).where(AuditEntry.action == "event.create")
            )
        )
        assert verify_chain(session) is None
        # the envelopes for the peer were written in the same transactions, none lost or extra
        outbox = session.scalar(select(func.count()).where(OutboxEnvelope.record_type == "event"))
        events = session.scalar(select(func.count()).select_from(Event))
    assert outbox == events
    for number in acknowledged:
        assert counts.pop(f"batch-{number}") == BATCH, number
    # anything else present came from a batch whose answer was lost with the server: whole
    assert all(count == BATCH for count in counts.values()), counts
    # each stored batch was audited in the same transaction, once
    assert audited == Counter({BATCH: len(acknowledged) + len(counts)})
