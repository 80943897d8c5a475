"""Signed requests between nodes: each node proves who it is with its key, on every request.

A request carries ``Hito-Node`` (its node code), ``Hito-Date`` (Unix seconds), ``Hito-Nonce``
(random, once) and ``Hito-Signature``: Ed25519 over

    METHOD \\n PATH?QUERY \\n NODE \\n DATE \\n NONCE \\n SHA-256(BODY)

The receiver accepts it only from a registered peer, within the replay window, with a nonce it
has not seen; anything else is a 401, written to the audit log. The answer is signed the same
way over ``STATUS \\n NONCE-OF-THE-REQUEST \\n NODE \\n DATE \\n SHA-256(BODY)``, so an old answer
cannot be replayed to the sender either. TLS in front of each node protects the channel; these
signatures hold end to end, whatever sits between the nodes.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections.abc import Mapping

from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hito.exchange.canonical import sha256_hex
from hito.exchange.keys import NodeKey, verify
from hito.exchange.models import SeenNonce
from hito.exchange.peers import PeerKey, peer_key

NODE, DATE, NONCE, SIGNATURE = "Hito-Node", "Hito-Date", "Hito-Nonce", "Hito-Signature"


class NotAuthentic(Exception):
    """A request or answer that does not prove it comes from a registered peer."""


def _request_text(method: str, target: str, node: str, date: str, nonce: str, body: bytes) -> bytes:
    return "\n".join([method.upper(), target, node, date, nonce, sha256_hex(body)]).encode()


def _response_text(status: int, nonce: str, node: str, date: str, body: bytes) -> bytes:
    return "\n".join([str(status), nonce, node, date, sha256_hex(body)]).encode()


def sign_request(key: NodeKey, node: str, method: str, target: str, body: bytes) -> dict[str, str]:
    """Headers for a request to ``target`` (path and query) with ``body``."""
    date, nonce = str(int(time.time())), secrets.token_hex(16)
    signature = key.sign(_request_text(method, target, node, date, nonce, body))
    return {NODE: node, DATE: date, NONCE: nonce, SIGNATURE: signature}


def sign_response(key: NodeKey, node: str, status: int, nonce: str, body: bytes) -> dict[str, str]:
    date = str(int(time.time()))
    return {
        NODE: node,
        DATE: date,
        SIGNATURE: key.sign(_response_text(status, nonce, node, date, body)),
    }


def _fresh(date: str, window: int) -> bool:
    return date.isdigit() and abs(time.time() - int(date)) <= window


def verify_request(
    session: Session,
    *,
    method: str,
    target: str,
    body: bytes,
    headers: Mapping[str, str],
    window: int,
) -> PeerKey:
    """The registered peer that signed this request, or NotAuthentic saying why. The nonce is
    remembered in ``session`` (the caller commits it whatever follows)."""
    code, date = headers.get(NODE, ""), headers.get(DATE, "")
    nonce, signature = headers.get(NONCE, ""), headers.get(SIGNATURE, "")
    if not (code and date and nonce and signature):
        raise NotAuthentic("missing Hito-Node, Hito-Date, Hito-Nonce or Hito-Signature")
    if len(code) != 2 or len(nonce) > 64 or len(signature) > 100:
        raise NotAuthentic("malformed signature headers")
    peer = peer_key(session, code.upper())
    if peer is None:
        raise NotAuthentic(f"{code!r} is not a registered peer of this node")
    if not _fresh(date, window):
        raise NotAuthentic(f"request dated outside the replay window of {window} s")
    if not verify(
        peer.public_key, signature, _request_text(method, target, code, date, nonce, body)
    ):
        raise NotAuthentic(f"signature does not verify with {peer.code}'s key")
    cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=2 * window)
    session.execute(delete(SeenNonce).where(SeenNonce.seen_at < cutoff))
    try:
        with session.begin_nested():
            session.execute(insert(SeenNonce).values(peer_code=peer.code, nonce=nonce))
    except IntegrityError:
        raise NotAuthentic("replayed request (its nonce was seen before)") from None
    return peer


def verify_response(
    peer: PeerKey, *, status: int, nonce: str, body: bytes, headers: Mapping[str, str], window: int
) -> None:
    date, signature = headers.get(DATE, ""), headers.get(SIGNATURE, "")
    if headers.get(NODE, "").upper() != peer.code:
        raise NotAuthentic(f"answer not signed by {peer.code}")
    if not _fresh(date, window):
        raise NotAuthentic("answer dated outside the replay window")
    if not verify(peer.public_key, signature, _response_text(status, nonce, peer.code, date, body)):
        raise NotAuthentic(f"answer's signature does not verify with {peer.code}'s key")
