"""Two real national nodes for the tests: each with its database, key, users and HTTP server,
registered as each other's peer under the demo agreement.

``sync(nodes)`` runs the exchange between them over real HTTP (push, pull, resync) until nothing
moves: the tests drive delivery step by step instead of waiting for the background loop.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from sqlalchemy.orm import Session, sessionmaker

from hito.auth import create_user, unrestricted
from hito.auth.scoping import unscoped
from hito.bootstrap import prepare_database
from hito.db import make_engine, make_sessionmaker
from hito.exchange import create_key, introduce, parse_agreement
from hito.exchange.agreements import example_agreement
from hito.exchange.delivery import Exchange
from hito.exchange.keys import NodeKey
from hito.exchange.peers import active_peers
from hito.exchange.resync import resync
from hito.settings import Settings
from hito.web.app import create_app

PASSWORD = "correct horse battery"
SECRET = "test-secret-key-0123456789"
# username: (node, agency code, roles). A node's users belong to its country's agencies or to
# the international organisations working on its side; the prefix says which node.
USERS: dict[str, tuple[str, str, str]] = {
    "cl.operator": ("CL", "CL-CARABINEROS", "operator"),
    "cl.pdi": ("CL", "CL-PDI", "supervisor"),
    "cl.viewer": ("CL", "CL-MINREL", "viewer"),
    "cl.admin": ("CL", "CL-SERMIG", "admin"),
    "cl.caseworker": ("CL", "CL-SERMIG", "caseworker"),
    "cl.oim": ("CL", "INT-OIM", "caseworker"),
    "cl.acnur": ("CL", "INT-ACNUR", "viewer"),
    "pe.operator": ("PE", "PE-PNP", "operator"),
    "pe.military": ("PE", "PE-EJERCITO", "operator"),
    "pe.viewer": ("PE", "PE-RREE", "viewer"),
    "pe.supervisor": ("PE", "PE-MIGRACIONES", "supervisor"),
    "pe.admin": ("PE", "PE-MIGRACIONES", "admin"),
    "pe.oim": ("PE", "INT-OIM", "caseworker"),
    "pe.acnur": ("PE", "INT-ACNUR", "viewer"),
}


def node_of(username: str) -> str:
    return USERS[username][0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """The app served by uvicorn on a free port of 127.0.0.1, in a background thread."""

    def __init__(self, settings: Settings, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = create_app(settings)
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
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


@dataclass
class TestNode:
    code: str
    settings: Settings
    sessions: sessionmaker[Session]
    key: NodeKey
    server: LiveServer

    __test__ = False  # not a test class

    @property
    def url(self) -> str:
        return self.server.url

    def exchange(self) -> Exchange:
        return Exchange(self.settings, self.sessions, self.key)


def node_settings(code: str, database_url: str, key_file: Path, **extra: object) -> Settings:
    return Settings(
        node=code,
        database_url=database_url,
        demo=False,
        secret_key=SECRET,
        key_file=key_file,
        exchange=False,  # the tests drive the exchange themselves
        **extra,  # type: ignore[arg-type]
    )


def start_node(code: str, database_url: str, folder: Path) -> TestNode:
    """A migrated, seeded node with its key and users, served on a free port."""
    settings = node_settings(code, database_url, folder / f"{code.lower()}-node.key")
    prepare_database(settings)
    key = create_key(settings.key_path)
    sessions = make_sessionmaker(make_engine(database_url))
    with sessions() as session, unscoped(session):
        for username, (node, agency, roles) in USERS.items():
            if node == code:
                create_user(
                    session,
                    node=code,
                    username=username,
                    password=PASSWORD,
                    agency_code=agency,
                    roles=roles,
                )
        session.commit()
    server = LiveServer(settings).__enter__()
    return TestNode(code, settings, sessions, key, server)


def join(nodes: dict[str, TestNode]) -> None:
    """Register each node as the other's peer and load the demo agreement on both."""
    document = parse_agreement(example_agreement())
    for code, node in nodes.items():
        (other,) = [n for c, n in nodes.items() if c != code]
        with node.sessions() as session, unscoped(session):
            introduce(
                session,
                scope=unrestricted(code),
                node=code,
                peer=other.code,
                url=other.url,
                public_key_pem=other.key.public_pem,
                document=document,
            )
            session.commit()


def sync(nodes: dict[str, TestNode], *, rounds: int = 30) -> int:
    """Run the exchange both ways until nothing moves; how many envelopes moved in all."""
    exchanges = {code: node.exchange() for code, node in nodes.items()}
    total = 0
    try:
        for _ in range(rounds):
            moved = 0
            for code, exchange in exchanges.items():
                with exchange.sessions() as session, unscoped(session):
                    peers = active_peers(session)
                    for peer in peers:
                        resync(session, node=code, peer=peer.code)
                    session.commit()
                for peer in peers:
                    moved += exchange.push(peer) + exchange.pull(peer)
            total += moved
            if not moved:
                return total
    finally:
        for exchange in exchanges.values():
            exchange.close()
    raise AssertionError(f"the exchange did not settle in {rounds} rounds")
