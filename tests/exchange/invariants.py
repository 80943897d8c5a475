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
            rows = session.execute(
                select(model.uid, model.version, model.sharing_level).where(
                    model.origin_node == origin.code, model.audience.is_(None)
                )
            )
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


def never_more_than_allowed(nodes: dict[str, TestNode]) -> None:
    """At any moment: a receiver holds nothing the origin does not share, and no version ahead
    of the origin's (it may lag behind, until delivery catches up)."""
    for origin_code, origin in nodes.items():
        (receiver,) = [n for c, n in nodes.items() if c != origin_code]
        shared = shared_by(origin)
        for key, version in held_from(receiver, origin_code).items():
            assert key in shared, f"{receiver.code} holds {key} which {origin_code} does not share"
            assert version <= shared[key], f"{key}: version {version} ahead of its origin"


def exactly_what_is_allowed(nodes: dict[str, TestNode]) -> None:
    """Once settled: each receiver holds exactly what its peer shares, at the same versions."""
    for origin_code, origin in nodes.items():
        (receiver,) = [n for c, n in nodes.items() if c != origin_code]
        assert held_from(receiver, origin_code) == shared_by(origin), (
            f"{receiver.code} does not hold exactly what {origin_code} shares"
        )


def count_rows(node: TestNode, model: Any) -> int:
    from sqlalchemy import func

    with node.sessions() as session, unscoped(session):
        return int(session.scalar(select(func.count()).select_from(model)) or 0)
