"""Fixtures of the patrol pages' tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from tests.nodes import PASSWORD, TestNode


@pytest.fixture
def signed_in(nodes: dict[str, TestNode]) -> Iterator[Callable[[str], httpx.Client]]:
    """signed_in("cl.pdi") → a client holding that user's session cookie, as a browser would."""
    opened: list[httpx.Client] = []

    def _signed_in(username: str) -> httpx.Client:
        client = httpx.Client(base_url=nodes[username[:2].upper()].url, timeout=60)
        reply = client.post("/login", data={"username": username, "password": PASSWORD})
        assert reply.status_code == 303, reply.text
        opened.append(client)
        return client

    yield _signed_in
    for client in opened:
        client.close()
