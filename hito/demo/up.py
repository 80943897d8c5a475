"""`hito demo up`: both national nodes on one machine, as two real deployments would run.

Each node gets its own SQLite file, its own key pair, the other registered as its peer and the
demo agreement; each loads its own part of the scenario; both are served (each by its own
``hito serve`` process, which runs its exchange); once the exchange has brought each side what
the other shares, the demo is finished on both. Ctrl-C (or SIGTERM) stops both servers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import httpx
from sqlalchemy import select

from hito.auth import unrestricted
from hito.auth.scoping import unscoped
from hito.bootstrap import prepare_database
from hito.db import make_engine, make_sessionmaker, session_scope
from hito.demo import finish_demo, load_demo
from hito.exchange import create_key, introduce, parse_agreement, read_key
from hito.exchange.agreements import example_agreement
from hito.exchange.models import ExchangeLink
from hito.settings import Settings

Say = Callable[[str], None]


@dataclass
class DemoNode:
    code: str
    port: int
    folder: Path
    host: str

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def environment(self) -> dict[str, str]:
        return {
            "HITO_DEMO": "1",
            "HITO_NODE": self.code,
            "HITO_DATABASE_URL": f"sqlite:///{self.folder / f'{self.code.lower()}.db'}",
            "HITO_KEY_FILE": str(self.folder / f"{self.code.lower()}-node.key"),
        }

    def settings(self) -> Settings:
        env = self.environment
        return Settings(
            demo=True,
            node=self.code,
            database_url=env["HITO_DATABASE_URL"],
            key_file=Path(env["HITO_KEY_FILE"]),
        )


def prepare(nodes: list[DemoNode], say: Say) -> None:
    """Databases, keys, peers, the agreement and each node's part of the scenario."""
    keys = {}
    for node in nodes:
        settings = node.settings()
        prepare_database(settings)
        keys[node.code] = (
            read_key(settings.key_path)
            if settings.key_path.exists()
            else create_key(settings.key_path)
        )
    document = parse_agreement(example_agreement())
    for node in nodes:
        settings = node.settings()
        (other,) = [n for n in nodes if n is not node]
        with session_scope(make_sessionmaker(make_engine(settings.database_url))) as session:
            with unscoped(session):
                introduce(
                    session,
                    scope=unrestricted(node.code),
                    node=node.code,
                    peer=other.code,
                    url=other.url,
                    public_key_pem=keys[other.code].public_pem,
                    document=document,
                )
            stats = load_demo(session, settings=settings)
        if stats is None:
            say(f"{node.code}: the database already holds the demo")
        else:
            say(
                f"{node.code}: {stats.events} events, {stats.observations} observations, "
                f"{stats.persons} persons, {stats.groups} family groups, "
                f"{stats.crossing_counts} hourly crossing counts, {stats.flow_counts} flow counts"
            )


def _healthy(node: DemoNode) -> bool:
    try:
        return httpx.get(f"{node.url}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _sequences(node: DemoNode) -> tuple[int, int]:
    """(last sequence number given out, last applied from the peer) on ``node``'s link."""
    engine = make_engine(node.settings().database_url)
    try:
        with make_sessionmaker(engine)() as session:
            row = session.execute(select(ExchangeLink.last_seq, ExchangeLink.applied_seq)).first()
            return (int(row[0]), int(row[1])) if row else (0, 0)
    finally:
        engine.dispose()


def _settled(nodes: list[DemoNode]) -> bool:
    """Everything each node has written for the other is applied there."""
    (sent_a, applied_a), (sent_b, applied_b) = (_sequences(n) for n in nodes)
    return applied_b == sent_a and applied_a == sent_b


# November's figures, for the meeting of 19 December: the same instants on both nodes
MEETING = ("2025-11-01T00:00:00-03:00", "2025-12-01T00:00:00-03:00")


def write_briefing(node: DemoNode) -> Path:
    """The binational briefing of November 2025, as each delegation prints it from its node."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from hito.auth import unrestricted
    from hito.monitoring.briefing import build_briefing, render_pdf
    from hito.settings import NODE_TIMEZONES

    zone = ZoneInfo(NODE_TIMEZONES[node.code])
    start, end = (dt.datetime.fromisoformat(moment) for moment in MEETING)
    out = node.folder / f"informe-comite-2025-12-19-{node.code.lower()}.pdf"
    with session_scope(make_sessionmaker(make_engine(node.settings().database_url))) as session:
        scope = unrestricted(node.code)
        briefing = build_briefing(session, scope=scope, start=start, end=end, binational=True)
        out.write_bytes(render_pdf(briefing, zone=zone))
    return out


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not done after {timeout:.0f} s")
        time.sleep(0.3)


def up(*, host: str, ports: dict[str, int], folder: Path, say: Say) -> int:
    """Prepare and serve both nodes until stopped; the exit status."""
    folder.mkdir(parents=True, exist_ok=True)
    nodes = [DemoNode(code, port, folder.resolve(), host) for code, port in ports.items()]
    prepare(nodes, say)
    children: dict[str, subprocess.Popen[bytes]] = {}
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        for node in nodes:
            children[node.code] = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "hito.cli",
                    "serve",
                    "--host",
                    host,
                    "--port",
                    str(node.port),
                ],
                env={**os.environ, **node.environment},
            )
        for node in nodes:
            wait_until(partial(_healthy, node), timeout=60, what=f"{node.code} starting")
        say("both nodes are up; the exchange brings each side what the other shares…")
        wait_until(partial(_settled, nodes), timeout=300, what="the exchange catching up")
        for node in sorted(nodes, key=lambda n: n.code != "PE"):  # Peru observes first
            settings = node.settings()
            with session_scope(make_sessionmaker(make_engine(settings.database_url))) as session:
                summary = finish_demo(session, settings=settings)
            say(
                f"{node.code}: linkage over {summary['persons']} encounters → "
                f"{summary['identities']} identities, {summary['queued_for_review']} to review"
            )
            if summary.get("patrol_plans"):
                say(
                    f"{node.code}: a week's patrol plan approved, {summary['patrol_patrols']} "
                    f"patrols tracked, {summary['patrol_changes']} changes re-planned"
                )
        wait_until(partial(_settled, nodes), timeout=300, what="the exchange catching up")
        for node in nodes:
            say(f"{node.code}: {write_briefing(node)} (the committee's meeting of 19 December)")
        for node in nodes:
            say(f"Hito {node.code}: {node.url}")
        while not stopping:
            for code, child in children.items():
                if child.poll() is not None:
                    say(f"the {code} server stopped (exit {child.returncode}); stopping the other")
                    return 1
            time.sleep(0.3)
        return 0
    finally:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children.values():
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
