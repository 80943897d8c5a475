"""What both nodes must hold once the exchange has settled: exactly what the agreement allows.

For each node as origin, the records it shares (own, a registered type, a level the agreement in
force gives a rule) must be held by the other node with the same global id and version, with only
the agreed fields; nothing else of the origin may be there (nothing extra, nothing stale).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from hito.auth.scoping import unscoped
from hito.exchange.agreements import active_agreement
from hito.exchange.registry import registry
from tests.nodes import TestNode


def shared_by(origin: TestNode) -> dict[tuple[str, str], int]:
    """(record type, uid) → version of every record ``origin`` shares under its agreement."""
    found: dict[tuple[str, str], int] = {}
    with origin.sessions() as session, unscoped(session):
        agreement = active_agreement(session)
        for name, kind in registry().items():
            model = kind.model
            query = select(model.uid, model.version, model.sharing_level).where(
                model.origin_node == origin.code, model.audience.is_(None)
            )
            if kind.leaves_when is not None:
                query = query.where(getattr(model, kind.leaves_when).is_(True))
            rows = session.execute(query)
            for uid, version, level in rows:
                if agreement is not None and agreement.rule(name, level) is not None:
                    found[(name, uid)] = version
    return found


def held_from(receiver: TestNode, origin: str) -> dict[tuple[str, str], int]:
    """(record type, uid) → version of every record of ``origin`` that ``receiver`` holds."""
    found: dict[tuple[str, str], int] = {}
    with receiver.sessions() as session, unscoped(session):
        for name, kind in registry().items():
            model = kind.model
            rows = session.execute(
                select(model.uid, model.version).where(model.origin_node == origin)
            )
            for uid, version in rows:
                assert (name, uid) not in found, f"{name} {uid} held twice"
                found[(name, uid)] = version
    return found


def sent_by(origin: TestNode, peer: str) -> set[tuple[str, str, int]]:
    """(record type, uid, version) of every upsert ``origin`` has written for ``peer``."""
    from hito.exchange.models import OutboxEnvelope

    with origin.sessions() as session, unscoped(session):
        rows = session.execute(
            select(
                OutboxEnvelope.record_type, OutboxEnvelope.record_uid, OutboxEnvelope.record_version
            ).where(OutboxEnvelope.peer_code == peer, OutboxEnvelope.op == "upsert")
        )
        return {(kind, uid, version) for kind, uid, version in rows}


def never_more_than_allowed(nodes: dict[str, TestNode]) -> None:
    """At any moment, while deliveries lag: a receiver holds only versions its peer shares now
    or sent it under the agreement (a retraction may still be on its way), never a version ahead
    of the origin's, never a record twice."""
    for origin_code, origin in nodes.items():
        (receiver,) = [n for c, n in nodes.items() if c != origin_code]
        shared = shared_by(origin)
        sent = sent_by(origin, receiver.code)
        for (kind, uid), version in held_from(receiver, origin_code).items():
            now = shared.get((kind, uid))
            assert (kind, uid, version) in sent or now == version, (
                f"{receiver.code} holds {kind} {uid} v{version}, which {origin_code} never sent"
            )
            assert now is None or version <= now, f"{kind} {uid}: v{version} ahead of its origin"


def exactly_what_is_allowed(nodes: dict[str, TestNode]) -> None:
    """Once settled: each receiver holds exactly what its peer shares, at the same versions."""
    for origin_code, origin in nodes.items():
        (receiver,) = [n for c, n in nodes.items() if c != origin_code]
        held, shared = held_from(receiver, origin_code), shared_by(origin)
        assert held == shared, (
            f"{receiver.code} does not hold exactly what {origin_code} shares: "
            f"missing {sorted(set(shared.items()) - set(held.items()))[:5]}, "
            f"extra {sorted(set(held.items()) - set(shared.items()))[:5]}"
        )


def count_rows(node: TestNode, model: Any) -> int:
    from sqlalchemy import func

    with node.sessions() as session, unscoped(session):
        return int(session.scalar(select(func.count()).select_from(model)) or 0)
