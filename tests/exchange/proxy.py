"""A fault-injecting HTTP proxy between the two nodes, on a real port of 127.0.0.1.

One node's peer URL points at the proxy, which forwards to the other node and, on demand:

- ``down``: answers nothing useful: the connection is dropped before any reply;
- ``slow``: waits longer than the caller's timeout before forwarding (a timeout, nothing sent);
- ``cut``: forwards, lets the receiver apply, then drops the connection before the answer;
- ``twice``: forwards the same request twice (a duplicate delivery on the wire);
- ``tamper``: flips bytes of the body on the way (a hostile middle box);
- ``record``: forwards and keeps a copy of each request, to be replayed later.

Faults apply to the paths they are set for, so pulls and checkpoints can be cut separately.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from typing import Any

import httpx
import uvicorn
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from tests.nodes import free_port

HOP_HEADERS = {"host", "content-length", "connection", "transfer-encoding"}


@dataclasses.dataclass
class Recorded:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes


class _Dropped(Exception):
    """Raised inside the ASGI app: uvicorn closes the connection without an answer."""


class FaultProxy:
    def __init__(self, target: str) -> None:
        self.target = target.rstrip("/")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.faults: dict[str, str] = {}  # path prefix → fault
        self.recorded: list[Recorded] = []
        self.forwarded = 0
        self.delay = 12.0
        self._client = httpx.AsyncClient(timeout=60)
        config = uvicorn.Config(
            self._app, host="127.0.0.1", port=self.port, log_level="critical", lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> FaultProxy:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("proxy did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)

    def set(self, fault: str | None, path: str = "/exchange/v1/") -> None:
        if fault is None:
            self.faults.pop(path, None)
        else:
            self.faults[path] = fault

    def clear(self) -> None:
        self.faults.clear()

    def _fault(self, path: str) -> str | None:
        for prefix, fault in self.faults.items():
            if path.startswith(prefix):
                return fault
        return None

    async def _forward(self, request: Recorded) -> httpx.Response:
        self.forwarded += 1
        return await self._client.request(
            request.method,
            self.target + request.target,
            headers=request.headers,
            content=request.body,
        )

    async def _app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        body = await request.body()
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
        call = Recorded(request.method, target, headers, body)
        fault = self._fault(request.url.path)
        if fault == "down":
            raise _Dropped
        if fault == "slow":
            await asyncio.sleep(self.delay)
        if fault == "tamper" and body:
            middle = len(body) // 2
            call = dataclasses.replace(
                call, body=body[:middle] + bytes([body[middle] ^ 0x20]) + body[middle + 1 :]
            )
        if fault == "record":
            self.recorded.append(call)
        answer = await self._forward(call)
        if fault == "twice":
            await self._forward(call)
        if fault == "cut":
            raise _Dropped  # the receiver has applied and answered; the sender never hears it
        response = Response(
            answer.content,
            status_code=answer.status_code,
            headers={k: v for k, v in answer.headers.items() if k.lower() not in HOP_HEADERS},
        )
        await response(scope, receive, send)

    def replay(self, recorded: Recorded) -> httpx.Response:
        """Send a recorded request again, as captured, straight to the target."""
        return httpx.request(
            recorded.method,
            self.target + recorded.target,
            headers=recorded.headers,
            content=recorded.body,
            timeout=30,
        )


def point_peer(node: Any, peer: str, url: str) -> None:
    """Make ``node`` reach ``peer`` at ``url`` (the proxy, or back to the peer itself)."""
    from sqlalchemy import update

    from hito.auth.scoping import unscoped
    from hito.exchange.models import Peer

    with node.sessions() as session, unscoped(session):
        session.execute(update(Peer).where(Peer.code == peer).values(url=url))
        session.commit()
