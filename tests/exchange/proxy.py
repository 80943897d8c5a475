"""A fault-injecting HTTP proxy between the two nodes, on a real port of 127.0.0.1.

It works at the socket: one HTTP/1.1 request per connection is read, forwarded to the other
node, and its answer written back, unless a fault says otherwise:

- ``down``: the connection is closed as soon as it opens, before any answer;
- ``slow``: waits ``delay`` seconds before forwarding (the caller times out; the request may
  still arrive later);
- ``cut``: forwards, lets the receiver apply and answer, then closes the connection without
  passing the answer on;
- ``twice``: forwards the same request twice (a duplicate delivery on the wire);
- ``tamper``: flips one bit of the body on the way;
- ``record``: forwards and keeps a copy of each request, to be replayed later.

Faults apply to the paths they are set for (a prefix), so pulls and pushes can differ.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from typing import Any

import httpx

from tests.nodes import free_port

HOP_HEADERS = {"host", "content-length", "connection", "transfer-encoding", "keep-alive"}


@dataclasses.dataclass
class Recorded:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes


class FaultProxy:
    def __init__(self, target: str) -> None:
        self.target = target.rstrip("/")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.faults: dict[str, str] = {}  # path prefix → fault
        self.recorded: list[Recorded] = []
        self.delay = 12.0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._server: asyncio.AbstractServer | None = None

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        if not self._ready.wait(20):
            raise RuntimeError("proxy did not start")
        return self

    def __exit__(self, *_: object) -> None:
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        current = asyncio.current_task()
        waiting = [t for t in asyncio.all_tasks() if t is not current]
        for task in waiting:
            task.cancel()
        await asyncio.gather(*waiting, return_exceptions=True)
        await self._client.aclose()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._client = httpx.AsyncClient(timeout=60)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._serve, "127.0.0.1", self.port)
        )
        self._ready.set()
        self._loop.run_forever()

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

    async def _read(self, reader: asyncio.StreamReader) -> Recorded | None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip()] = value.strip()
        length = int(next((v for k, v in headers.items() if k.lower() == "content-length"), "0"))
        body = await reader.readexactly(length) if length else b""
        kept = {k: v for k, v in headers.items() if k.lower() not in HOP_HEADERS}
        return Recorded(method, target, kept, body)

    async def _forward(self, call: Recorded) -> httpx.Response:
        return await self._client.request(
            call.method, self.target + call.target, headers=call.headers, content=call.body
        )

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            call = await self._read(reader)
            if call is None:
                return
            fault = self._fault(call.target.split("?")[0])
            if fault == "down":
                return
            if fault == "slow":
                await asyncio.sleep(self.delay)
            if fault == "tamper" and call.body:
                middle = len(call.body) // 2
                flipped = bytes([call.body[middle] ^ 0x20])
                call = dataclasses.replace(
                    call, body=call.body[:middle] + flipped + call.body[middle + 1 :]
                )
            if fault == "record":
                self.recorded.append(call)
            answer = await self._forward(call)
            if fault == "twice":
                await self._forward(call)
            if fault == "cut":
                return  # the receiver applied and answered; the sender never hears of it
            writer.write(_response_bytes(answer))
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, httpx.HTTPError):
            pass
        except asyncio.CancelledError:  # the proxy is closing
            pass
        finally:
            writer.close()

    def replay(self, recorded: Recorded) -> httpx.Response:
        """Send a recorded request again, as captured, straight to the target."""
        return httpx.request(
            recorded.method,
            self.target + recorded.target,
            headers=recorded.headers,
            content=recorded.body,
            timeout=30,
        )


def _response_bytes(answer: httpx.Response) -> bytes:
    lines = [f"HTTP/1.1 {answer.status_code} {answer.reason_phrase}"]
    for name, value in answer.headers.items():
        if name.lower() not in HOP_HEADERS and name.lower() != "content-encoding":
            lines.append(f"{name}: {value}")
    lines += [f"Content-Length: {len(answer.content)}", "Connection: close", "", ""]
    return "\r\n".join(lines).encode("latin-1") + answer.content


def point_peer(node: Any, peer: str, url: str) -> None:
    """Make ``node`` reach ``peer`` at ``url`` (the proxy, or back to the peer itself)."""
    from sqlalchemy import update

    from hito.auth.scoping import unscoped
    from hito.exchange.models import Peer

    with node.sessions() as session, unscoped(session):
        session.execute(update(Peer).where(Peer.code == peer).values(url=url))
        session.commit()
