"""The exchange under faults, through a fault-injecting proxy between the two real nodes: a peer
down, timeouts, a connection cut after the receiver applied, envelopes delivered twice, out of
order, tampered, replayed, from an unknown key, carrying a field not agreed, and an agreement
that ends. After recovery both nodes hold exactly what the agreement allows."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterator

import httpx
import orjson
import pytest
from sqlalchemy import delete, select

from hito.audit import entries
from hito.auth import unrestricted
from hito.auth.scoping import unscoped
from hito.exchange import adopt_agreement, parse_agreement
from hito.exchange.agreements import example_agreement
from hito.exchange.canonical import canonical
from hito.exchange.delivery import DeliveryFailed, sign_pending
from hito.exchange.keys import NodeKey
from hito.exchange.models import (
    EnvelopeStatus,
    ExchangeLink,
    InboxEnvelope,
    OutboxEnvelope,
    SharingAgreement,
)
from hito.exchange.peers import peer_key
from hito.exchange.transport import sign_request
from hito.models import Event
from tests.exchange.invariants import count_rows, exactly_what_is_allowed, never_more_than_allowed
from tests.exchange.proxy import FaultProxy, point_peer
from tests.factories import event_payload
from tests.nodes import TestNode

Login = Callable[[str], httpx.Client]


@pytest.fixture
def proxy(nodes: dict[str, TestNode]) -> Iterator[FaultProxy]:
    """Chile reaches Peru through the proxy (the cleanup points it back)."""
    with FaultProxy(nodes["PE"].url) as running:
        point_peer(nodes["CL"], "PE", running.url)
        yield running


def _push(node: TestNode, peer: str) -> int:
    exchange = node.exchange()
    try:
        with node.sessions() as session, unscoped(session):
            key = peer_key(session, peer)
        assert key is not None
        return exchange.push(key)
    finally:
        exchange.close()


def _events(login: Login, count: int, **overrides: object) -> list[str]:
    api = login("cl.operator")
    return [
        api.post("/api/v1/events", json=event_payload(**overrides)).json()["uid"]
        for _ in range(count)
    ]


def _held_on_peru(nodes: dict[str, TestNode]) -> set[str]:
    with nodes["PE"].sessions() as session, unscoped(session):
        return set(session.scalars(select(Event.uid).where(Event.origin_node == "CL")))


def test_peer_down_then_back_loses_nothing(
    nodes: dict[str, TestNode], login: Login, sync: Callable[[], int], proxy: FaultProxy
) -> None:
    uids = _events(login, 5)
    proxy.set("down")
    with pytest.raises(DeliveryFailed, match="unreachable"):
        _push(nodes["CL"], "PE")
    state = login("cl.viewer").get("/api/v1/node").json()["links"][0]
    assert state["pending"] == 5 and state["failures"] == 1 and "unreachable" in state["last_error"]
    assert _held_on_peru(nodes) == set()
    proxy.clear()
    sync()
    assert _held_on_peru(nodes) == set(uids)
    assert login("cl.viewer").get("/api/v1/node").json()["links"][0]["failures"] == 0
    exactly_what_is_allowed(nodes)


def test_a_timeout_sends_nothing_twice(
    nodes: dict[str, TestNode], login: Login, sync: Callable[[], int], proxy: FaultProxy
) -> None:
    uids = _events(login, 3)
    proxy.set("slow")
    proxy.delay = 3.0
    nodes["CL"].settings.exchange_timeout = 1.0
    try:
        with pytest.raises(DeliveryFailed):
            _push(nodes["CL"], "PE")
    finally:
        nodes["CL"].settings.exchange_timeout = 10.0
    proxy.clear()
    sync()  # the slow request may still have arrived: the retry is then a replay, applied once
    assert _held_on_peru(nodes) == set(uids)
    exactly_what_is_allowed(nodes)


def test_a_cut_after_the_peer_applied_is_acknowledged_by_the_retry(
    nodes: dict[str, TestNode], login: Login, sync: Callable[[], int], proxy: FaultProxy
) -> None:
    uids = _events(login, 4)
    proxy.set("cut")
    with pytest.raises(DeliveryFailed):
        _push(nodes["CL"], "PE")
    assert _held_on_peru(nodes) == set(uids)  # applied, though Chile never heard it
    assert count_rows(nodes["CL"], OutboxEnvelope) == 4
    with nodes["CL"].sessions() as session:
        assert session.get(ExchangeLink, "PE").acked_seq == 0  # type: ignore[union-attr]
    proxy.clear()
    assert sync() >= 4
    with nodes["PE"].sessions() as session, unscoped(session):
        applied = session.scalars(select(InboxEnvelope.seq)).all()
    assert sorted(applied) == [1, 2, 3, 4]  # each once
    exactly_what_is_allowed(nodes)


def test_a_request_delivered_twice_applies_once(
    nodes: dict[str, TestNode], login: Login, proxy: FaultProxy
) -> None:
    uids = _events(login, 3)
    proxy.set("twice")
    assert _push(nodes["CL"], "PE") == 3
    assert _held_on_peru(nodes) == set(uids)
    refused = _logged(nodes["PE"], "exchange.auth.refuse")
    assert any("replayed" in detail for detail in refused)  # the copy was refused as a replay
    exactly_what_is_allowed(nodes)


def _logged(node: TestNode, action: str) -> list[str]:
    """The details of the audit entries of ``action`` on ``node``, newest first."""
    with node.sessions() as session, unscoped(session):
        return [e.detail for e in entries(session, action=action)]


def _signed_batch(node: TestNode, peer: str, after: int = 0) -> list[dict[str, str]]:
    with node.sessions() as session, unscoped(session):
        batch = sign_pending(session, key=node.key, peer=peer, after=after, limit=100)
        session.commit()
    return [{"envelope": e["envelope"], "signature": e["signature"]} for e in batch]


def _deliver(
    target: TestNode, key: NodeKey, origin: str, envelopes: list[dict[str, str]]
) -> httpx.Response:
    """A request signed by ``key`` as ``origin``, straight to ``target``'s inbox."""
    body = orjson.dumps({"envelopes": envelopes, "head": 0})
    headers = sign_request(key, origin, "POST", "/exchange/v1/inbox", body)
    return httpx.post(
        f"{target.url}/exchange/v1/inbox",
        content=body,
        headers={**headers, "Content-Type": "application/json"},
        timeout=30,
    )


def test_out_of_order_envelopes_wait_for_the_gap(
    nodes: dict[str, TestNode], login: Login, sync: Callable[[], int]
) -> None:
    uids = _events(login, 4)
    envelopes = _signed_batch(nodes["CL"], "PE")
    late = _deliver(nodes["PE"], nodes["CL"].key, "CL", envelopes[2:])
    assert late.status_code == 200
    assert late.json()["applied_seq"] == 0 and late.json()["held"] == [3, 4]
    link = login("pe.viewer").get("/api/v1/node").json()["links"][0]
    assert (link["held"], link["first_gap"]) == (2, 1)  # visible on the node
    assert httpx.get(f"{nodes['PE'].url}/healthz").json()["links"][0]["first_gap"] == 1
    assert _held_on_peru(nodes) == set()
    filled = _deliver(nodes["PE"], nodes["CL"].key, "CL", envelopes[:2])
    assert filled.json()["applied_seq"] == 4 and filled.json()["held"] == []
    assert _held_on_peru(nodes) == set(uids)
    sync()
    exactly_what_is_allowed(nodes)


def test_tampered_bytes_are_refused_and_change_nothing(
    nodes: dict[str, TestNode], login: Login, sync: Callable[[], int], proxy: FaultProxy
) -> None:
    uids = _events(login, 2)
    proxy.set("tamper")
    with pytest.raises(DeliveryFailed, match="401"):
        _push(nodes["CL"], "PE")
    assert _held_on_peru(nodes) == set()
    refused = _logged(nodes["PE"], "exchange.auth.refuse")
    assert any("signature does not verify" in detail for detail in refused)
    # an envelope altered inside a request that is itself validly signed: refused by its own
    # signature, not stored, and the sequence does not move
    envelopes = _signed_batch(nodes["CL"], "PE")
    forged = orjson.loads(envelopes[0]["envelope"])
    forged["record"]["headcount"] = 999
    tampered = [{"envelope": canonical(forged).decode(), "signature": envelopes[0]["signature"]}]
    answer = _deliver(nodes["PE"], nodes["CL"].key, "CL", tampered).json()
    assert answer["applied_seq"] == 0 and "signature" in answer["refused"][0]["reason"]
    assert count_rows(nodes["PE"], InboxEnvelope) == 0
    proxy.clear()
    sync()
    assert _held_on_peru(nodes) == set(uids)
    exactly_what_is_allowed(nodes)


def test_a_replayed_request_is_refused(
    nodes: dict[str, TestNode], login: Login, proxy: FaultProxy
) -> None:
    _events(login, 1)
    proxy.set("record")
    _push(nodes["CL"], "PE")
    (original,) = [r for r in proxy.recorded if r.target.startswith("/exchange/v1/inbox")]
    replayed = proxy.replay(original)
    assert replayed.status_code == 401 and "replayed" in replayed.json()["detail"]
    assert count_rows(nodes["PE"], Event) == 1


def test_a_request_from_an_unknown_key_is_refused_and_logged(
    nodes: dict[str, TestNode], login: Login
) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    _events(login, 1)
    impostor = NodeKey(Ed25519PrivateKey.generate())
    envelopes = _signed_batch(nodes["CL"], "PE")
    answer = _deliver(nodes["PE"], impostor, "CL", envelopes)
    assert answer.status_code == 401 and answer.json()["title"] == "Not authenticated"
    stranger = _deliver(nodes["PE"], impostor, "BO", envelopes)
    assert stranger.status_code == 401
    assert count_rows(nodes["PE"], Event) == 0
    reasons = _logged(nodes["PE"], "exchange.auth.refuse")
    assert any("signature does not verify with CL" in r for r in reasons)
    assert any("not a registered peer" in r for r in reasons)


def test_a_field_or_type_not_agreed_is_rejected_and_the_sequence_moves_on(
    nodes: dict[str, TestNode], login: Login, sync: Callable[[], int]
) -> None:
    """Chile's node, misbehaving (its own key): an event with a field the agreement does not
    name, a national event, then a proper one. Peru rejects the first two with the reason, not
    applying them, and applies the third."""
    uids = _events(login, 3)
    envelopes = _signed_batch(nodes["CL"], "PE")
    bad = []
    for position, change in enumerate(["extra_field", "national"]):
        envelope = orjson.loads(envelopes[position]["envelope"])
        if change == "extra_field":
            envelope["record"]["reported_by"] = "sgto.perez"
        else:
            envelope["level"] = "national"
        body = canonical(envelope).decode()
        bad.append({"envelope": body, "signature": nodes["CL"].key.sign(body.encode())})
    answer = _deliver(nodes["PE"], nodes["CL"].key, "CL", [*bad, envelopes[2]]).json()
    assert answer["applied_seq"] == 3 and answer["applied"] == 1
    reasons = {r["seq"]: r["reason"] for r in answer["rejected"]}
    assert "not agreed" in reasons[1] and "reported_by" in reasons[1]
    assert "national" in reasons[2] and "not in the agreement" in reasons[2]
    assert _held_on_peru(nodes) == {uids[2]}
    with nodes["PE"].sessions() as session, unscoped(session):
        rejected = session.scalars(
            select(InboxEnvelope.reason).where(InboxEnvelope.status == EnvelopeStatus.rejected)
        ).all()
    assert len(rejected) == 2
    link = login("pe.viewer").get("/api/v1/node").json()["links"][0]
    assert link["rejected_here"] == 2


def test_an_ended_agreement_withdraws_what_it_let_go(
    nodes: dict[str, TestNode], login: Login, sync: Callable[[], int]
) -> None:
    """The agreement ends: Chile retracts what it shared and sends nothing more; Peru withdraws
    what it received, on its own (it holds the same agreement)."""
    import time

    _events(login, 2)
    login("pe.operator").post("/api/v1/events", json=event_payload())
    sync()
    assert len(_held_on_peru(nodes)) == 2
    ends = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=3)
    text = (
        example_agreement()
        .replace("version: 1", "version: 2")
        .replace("valid_to: 2027-11-01T00:00:00-03:00", f"valid_to: {ends.isoformat()}")
    )
    for node in nodes.values():
        with node.sessions() as session, unscoped(session):
            session.execute(delete(SharingAgreement))  # only the short one is left to end
            adopt_agreement(
                session, scope=unrestricted(node.code), node=node.code,
                document=parse_agreement(text),
            )  # fmt: skip
            session.commit()
    sync()
    assert len(_held_on_peru(nodes)) == 2
    time.sleep(max(0.0, (ends - dt.datetime.now(dt.UTC)).total_seconds()) + 0.2)
    sync()
    assert _held_on_peru(nodes) == set()
    assert login("cl.operator").get("/api/v1/events").json()["items"][0]["origin_node"] == "CL"
    assert all(e["origin_node"] == "CL" for e in login("cl.operator").get("/api/v1/events").json()[
        "items"])  # Peru's event was withdrawn from Chile too  # fmt: skip
    late = login("cl.operator").post("/api/v1/events", json=event_payload()).json()
    sync()
    assert late["uid"] not in _held_on_peru(nodes)  # nothing leaves without an agreement
    with nodes["CL"].sessions() as session, unscoped(session):
        sent = session.execute(select(OutboxEnvelope.record_uid, OutboxEnvelope.op)).all()
    upserted = {uid for uid, op in sent if op == "upsert"}
    retracted = {uid for uid, op in sent if op == "retract"}
    assert upserted == retracted and late["uid"] not in upserted  # each one it had let go
    never_more_than_allowed(nodes)
    exactly_what_is_allowed(nodes)


def test_bad_batches_to_the_inbox_are_refused_cleanly(nodes: dict[str, TestNode]) -> None:
    """A peer's malformed requests get a 4xx problem and change nothing."""
    key = nodes["CL"].key
    for body in [
        b"",
        b"{",
        b"[]",
        b'{"envelopes": "x"}',
        b'{"envelopes": [{"envelope": 1}]}',
        orjson.dumps({"envelopes": [{"envelope": "x" * 10, "signature": "y"}] * 6000}),
    ]:
        headers = sign_request(key, "CL", "POST", "/exchange/v1/inbox", body)
        reply = httpx.post(f"{nodes['PE'].url}/exchange/v1/inbox", content=body,
                           headers={**headers, "Content-Type": "application/json"})  # fmt: skip
        assert 400 <= reply.status_code < 500, (body[:40], reply.status_code)
        assert reply.headers["content-type"] == "application/problem+json"
    garbage = [{"envelope": "{not json", "signature": secrets.token_urlsafe(64)}]
    answer = _deliver(nodes["PE"], key, "CL", garbage).json()
    assert answer["applied_seq"] == 0 and answer["refused"][0]["reason"].startswith("unreadable")
    assert count_rows(nodes["PE"], InboxEnvelope) == 0
