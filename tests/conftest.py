"""Fixtures, against real databases and real HTTP servers: two national nodes.

- ``backend`` is parametrised: every test that uses a database runs on SQLite *and* PostgreSQL.
  PostgreSQL gets databases of its own per test run (``hito_test_<pid>_cl`` / ``_pe``), dropped
  at the end.
- ``nodes``: Chile's and Peru's nodes of that backend (``tests/nodes.py``): each migrated by
  Alembic (never create_all), seeded, with its key, its users (``USERS``, password ``PASSWORD``)
  and its server on a free port of 127.0.0.1, each registered as the other's peer, both under the
  demo agreement. Nothing crosses between them until a test calls ``sync()``.
- ``settings``, ``sessions``, ``server``, ``database_url``: Chile's node, for tests of one node.
- ``login(username)``: an httpx client with that user's bearer token, on the user's own node
  (``cl.*`` on Chile's, ``pe.*`` on Peru's).
- ``session``: a session of Chile's node that reads everything, on purpose (``unscoped``).
- After each test every table is emptied on both nodes, except reference data, users, peers and
  the demo agreement (``KEEP``); the links' counters start again from zero.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from hito.auth import unrestricted
from hito.auth.scoping import unscoped
from hito.exchange.agreements import (
    document_json,
    example_agreement,
    load_agreement,
    parse_agreement,
)
from hito.exchange.canonical import sha256_hex
from hito.models import Base, ExchangeLink, Peer, SharingAgreement
from hito.places.models import CrossingPoint
from hito.places.service import CROSSINGS
from hito.settings import Settings
from tests.browser import CHROMIUM, CHROMIUM_ARGS, TABLET
from tests.nodes import PASSWORD, USERS, LiveServer, TestNode, free_port, join, node_of, start_node
from tests.nodes import sync as sync_nodes

__all__ = ["PASSWORD", "USERS", "LiveServer", "free_port"]

PG_ADMIN_URL = os.environ.get("HITO_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
# Tables a test does not empty: reference data, accounts and tokens, the peers and agreements
# (restored below), the schema's version. Every other table of the models is emptied.
KEEP = {
    "agency",
    "sector",
    "crossing_point",
    "facility",
    "service_profile",
    "user_account",
    "api_token",
    "exchange_peer",
    "exchange_link",
    "sharing_agreement",
}
DEMO_AGREEMENT_SHA = sha256_hex(document_json(parse_agreement(example_agreement())))


def _pg_url(name: str) -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[dict[str, str]]:
    names = {code: f"hito_test_{os.getpid()}_{code.lower()}" for code in ("CL", "PE")}
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        for name in names.values():
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    yield {code: _pg_url(name) for code, name in names.items()}
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        for name in names.values():
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


_started: dict[str, dict[str, TestNode]] = {}


@pytest.fixture(scope="session")
def nodes(
    backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[dict[str, TestNode]]:
    if backend not in _started:
        folder: Path = tmp_path_factory.mktemp(f"nodes-{backend}")
        if backend == "sqlite":
            urls = {code: f"sqlite:///{folder / f'{code.lower()}.db'}" for code in ("CL", "PE")}
        else:
            urls = request.getfixturevalue("pg_databases")
        _started[backend] = {code: start_node(code, url, folder) for code, url in urls.items()}
        join(_started[backend])
        sync_nodes(_started[backend])
        # Every test starts from the state the others leave (sequence numbers from zero), also
        # the first of a run or of a worker.
        reset(_started[backend])
    yield _started[backend]


@pytest.fixture(scope="session")
def cl(nodes: dict[str, TestNode]) -> TestNode:
    return nodes["CL"]


@pytest.fixture(scope="session")
def pe(nodes: dict[str, TestNode]) -> TestNode:
    return nodes["PE"]


@pytest.fixture(scope="session")
def database_url(cl: TestNode) -> str:
    return cl.settings.database_url


@pytest.fixture(scope="session")
def settings(cl: TestNode) -> Settings:
    return cl.settings


@pytest.fixture(scope="session")
def sessions(cl: TestNode) -> sessionmaker[Session]:
    return cl.sessions


@pytest.fixture(scope="session")
def server(cl: TestNode) -> LiveServer:
    return cl.server


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as s, unscoped(s):
        yield s


@pytest.fixture
def fresh_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the backend under test, for migrating by hand."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    name = f"hito_fresh_{os.getpid()}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sync(nodes: dict[str, TestNode]) -> Callable[[], int]:
    """sync() runs the exchange between the two nodes until nothing moves."""
    return lambda: sync_nodes(nodes)


def reset(nodes: dict[str, TestNode]) -> None:
    """Both nodes back to their first state: empty but for reference data, users, peers and
    the demo agreement, and holding exactly each other's shared reference data (a test that
    ended the agreement had it withdrawn: it is exchanged again)."""
    from tests.exchange.invariants import held_from, shared_by

    # A test may also have changed kept reference data (a crossing point's new version): check
    # what each node holds every time, not only after a retraction.
    for node, peer in (("CL", "PE"), ("PE", "CL")):
        _empty(nodes[node], nodes[peer].url)
    consistent = all(
        held_from(receiver, origin) == shared_by(nodes[origin])
        for origin, receiver in (("CL", nodes["PE"]), ("PE", nodes["CL"]))
    )
    if not consistent:
        for node in nodes.values():
            with node.sessions() as s, unscoped(s):
                s.execute(update(ExchangeLink).values(agreement_sha=None))
                s.commit()
        sync_nodes(nodes)
        for node in nodes.values():  # the next test starts its sequence numbers from zero
            _empty(node, next(n.url for n in nodes.values() if n is not node))


def _empty(node: TestNode, peer_url: str) -> None:
    """Empty ``node`` but for what ``KEEP`` names, its demo agreement loaded again if a test
    removed it, its links back to sequence zero."""
    with node.sessions() as s, unscoped(s):
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in KEEP:
                s.execute(delete(table))
        s.execute(delete(SharingAgreement).where(SharingAgreement.sha256 != DEMO_AGREEMENT_SHA))
        # reference data stays, but a crossing point a test added (test_bad_input) does not
        seeded = [code for code, _ in CROSSINGS.values()]
        s.execute(delete(CrossingPoint).where(CrossingPoint.code.not_in(seeded)))
        restored = s.scalar(select(SharingAgreement.id)) is None
        if restored:  # a test removed it: load it again, and let the links resync under it
            load_agreement(
                s, scope=unrestricted(node.code), document=parse_agreement(example_agreement())
            )
        s.execute(
            update(ExchangeLink).values(
                last_seq=0,
                acked_seq=0,
                applied_seq=0,
                peer_last_seq=0,
                failures=0,
                last_error=None,
                last_checkpoint_at=None,
                agreement_sha=None if restored else DEMO_AGREEMENT_SHA,
            )
        )
        s.execute(update(Peer).values(url=peer_url, active=True))
        s.commit()


@pytest.fixture(autouse=True)
def _clean(request: pytest.FixtureRequest) -> Iterator[None]:
    if "nodes" not in request.fixturenames:
        yield
        return
    both: dict[str, TestNode] = request.getfixturevalue("nodes")
    yield
    reset(both)


_tokens: dict[tuple[str, str], str] = {}


def token_for(base_url: str, username: str) -> str:
    key = (base_url, username)
    if key not in _tokens:
        reply = httpx.post(
            f"{base_url}/api/v1/auth/token", data={"username": username, "password": PASSWORD}
        )
        assert reply.status_code == 200, reply.text
        _tokens[key] = reply.json()["access_token"]
    return _tokens[key]


@pytest.fixture
def login(nodes: dict[str, TestNode]) -> Iterator[Callable[[str], httpx.Client]]:
    """login("cl.operator") → an httpx client with that user's token, on the user's node."""
    opened: list[httpx.Client] = []

    def _login(username: str) -> httpx.Client:
        base = nodes[node_of(username)].url
        c = httpx.Client(
            base_url=base,
            timeout=60,
            headers={"Authorization": f"Bearer {token_for(base, username)}"},
        )
        opened.append(c)
        return c

    yield _login
    for c in opened:
        c.close()


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60) as c:
        yield c


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, one per test module."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh tab with a tablet's screen and no cookies."""
    context = browser.new_context(viewport=TABLET)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def signed_in(nodes: dict[str, TestNode]) -> Iterator[Callable[[str], httpx.Client]]:
    """signed_in("cl.pdi") → a client holding that user's session cookie, as a browser would."""
    opened: list[httpx.Client] = []

    def _signed_in(username: str) -> httpx.Client:
        client = httpx.Client(base_url=nodes[username[:2].upper()].url, timeout=120)
        reply = client.post("/login", data={"username": username, "password": PASSWORD})
        assert reply.status_code == 303, reply.text
        opened.append(client)
        return client

    yield _signed_in
    for client in opened:
        client.close()
