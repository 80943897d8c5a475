"""Fixtures, against real databases and a real HTTP server.

- ``backend`` is parametrised: every test that uses a database runs on SQLite *and* PostgreSQL.
  PostgreSQL gets a database of its own per test run (``hito_test_<pid>``), dropped at the end.
- ``database_url``: a migrated, seeded database of that backend (Alembic, never create_all).
- ``server``: the app served by uvicorn on a free port of 127.0.0.1 in a background thread;
  ``client`` is an httpx client to it; ``login(username)`` returns an authenticated client.
- Users: one per agency with the role of the scenario under test (see ``USERS``); password
  ``PASSWORD``. Mutable tables are emptied after each test, so tests do not see each other's data.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import psycopg
import pytest
import uvicorn
from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from hito.auth import create_user
from hito.bootstrap import prepare_database
from hito.db import make_engine, make_sessionmaker
from hito.models import (
    AlertEntry,
    AuditEntry,
    Event,
    IdentityDocument,
    LinkageModel,
    LinkReview,
    Observation,
    Person,
    PersonGroup,
    PersonIdentity,
    ScreeningDecision,
)
from hito.settings import Settings
from hito.web.app import create_app

PG_ADMIN_URL = os.environ.get("HITO_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
PASSWORD = "correct horse battery"
# username: (agency code, roles)
USERS: dict[str, tuple[str, str]] = {
    "cl.operator": ("CL-CARABINEROS", "operator"),
    "cl.pdi": ("CL-PDI", "supervisor"),
    "cl.viewer": ("CL-MINREL", "viewer"),
    "cl.admin": ("CL-SERMIG", "admin"),
    "cl.caseworker": ("CL-SERMIG", "caseworker"),
    "pe.operator": ("PE-PNP", "operator"),
    "pe.military": ("PE-EJERCITO", "operator"),
    "pe.viewer": ("PE-RREE", "viewer"),
    "pe.supervisor": ("PE-MIGRACIONES", "supervisor"),
    "int.oim": ("INT-OIM", "caseworker"),
    "int.acnur": ("INT-ACNUR", "viewer"),
}


def _pg_url(name: str) -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    name = f"hito_test_{os.getpid()}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield _pg_url(name)
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _settings(url: str) -> Settings:
    return Settings(
        database_url=url, demo=False, secret_key="test-secret-key-0123456789", node="CL"
    )


def _prepare(url: str) -> None:
    settings = _settings(url)
    prepare_database(settings)
    factory = make_sessionmaker(make_engine(url))
    with factory() as session:
        for username, (agency, roles) in USERS.items():
            create_user(
                session, username=username, password=PASSWORD, agency_code=agency, roles=roles
            )
        session.commit()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def _databases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return {}


@pytest.fixture(scope="session")
def database_url(
    backend: str,
    _databases: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> str:
    if backend not in _databases:
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'hito.db'}"
        else:
            url = request.getfixturevalue("pg_database")
        _prepare(url)
        _databases[backend] = url
    return _databases[backend]


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return _settings(database_url)


@pytest.fixture(scope="session")
def sessions(database_url: str) -> sessionmaker[Session]:
    return make_sessionmaker(make_engine(database_url))


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as s:
        yield s


@pytest.fixture(autouse=True)
def _clean(request: pytest.FixtureRequest) -> Iterator[None]:
    if "database_url" not in request.fixturenames:
        yield
        return
    factory = request.getfixturevalue("sessions")
    yield
    with factory() as s:
        for table in (
            LinkReview,
            PersonIdentity,
            LinkageModel,
            ScreeningDecision,
            AlertEntry,
            IdentityDocument,
            Person,
            PersonGroup,
            Observation,
            Event,
            AuditEntry,
        ):
            s.execute(delete(table))
        s.commit()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    def __init__(self, settings: Settings) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(settings),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="off",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(scope="session")
def server(settings: Settings) -> Iterator[LiveServer]:
    with LiveServer(settings) as live:
        yield live


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60) as c:
        yield c


_tokens: dict[tuple[str, str], str] = {}


@pytest.fixture
def login(server: LiveServer) -> Iterator[Callable[[str], httpx.Client]]:
    """login("cl.operator") → an httpx client with that user's bearer token."""
    opened: list[httpx.Client] = []

    def _login(username: str) -> httpx.Client:
        key = (server.url, username)
        if key not in _tokens:
            reply = httpx.post(
                f"{server.url}/api/v1/auth/token", data={"username": username, "password": PASSWORD}
            )
            assert reply.status_code == 200, reply.text
            _tokens[key] = reply.json()["access_token"]
        c = httpx.Client(
            base_url=server.url, timeout=60, headers={"Authorization": f"Bearer {_tokens[key]}"}
        )
        opened.append(c)
        return c

    yield _login
    for c in opened:
        c.close()
