"""An audit log neither side can rewrite alone: signed checkpoints kept by the other node,
`hito audit verify [--peer]`, and signed extracts the other side checks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import delete, select, update

from hito.audit import GENESIS, AuditCheckpoint, AuditEntry, digest, entry_body
from hito.audit.checkpoints import held_for, send_checkpoint
from hito.auth.scoping import unscoped
from hito.exchange.peers import peer_key
from tests.factories import event_payload
from tests.nodes import SECRET, TestNode

Login = Callable[[str], httpx.Client]
HITO = [sys.executable, "-m", "hito.cli"]


def _env(node: TestNode) -> dict[str, str]:
    return {
        **os.environ,
        "HITO_NODE": node.code,
        "HITO_DATABASE_URL": node.settings.database_url,
        "HITO_KEY_FILE": str(node.settings.key_path),
        "HITO_SECRET_KEY": SECRET,
        "HITO_DEMO": "0",
    }


def _hito(node: TestNode, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*HITO, *args], env=_env(node), capture_output=True, text=True, check=False, timeout=120
    )


def _checkpoint(node: TestNode, peer: str) -> None:
    exchange = node.exchange()
    try:
        with node.sessions() as session, unscoped(session):
            key = peer_key(session, peer)
        assert key is not None and send_checkpoint(exchange, key)
    finally:
        exchange.close()


@pytest.fixture
def activity(login: Login, nodes: dict[str, TestNode], sync: Callable[[], int]) -> None:
    for username in ("cl.operator", "pe.operator"):
        for _ in range(3):
            login(username).post("/api/v1/events", json=event_payload())
    sync()
    _checkpoint(nodes["CL"], "PE")
    _checkpoint(nodes["PE"], "CL")


def test_each_node_keeps_the_others_checkpoints(nodes: dict[str, TestNode], activity: None) -> None:
    with nodes["PE"].sessions() as session, unscoped(session):
        (kept,) = held_for(session, "CL")
        assert kept.received_at is not None
    with nodes["CL"].sessions() as session, unscoped(session):
        entry = session.get(AuditEntry, kept.entry_id)
        assert entry is not None and entry.hash == kept.entry_hash
    verified = _hito(nodes["CL"], "audit", "verify", "--peer")
    assert verified.returncode == 0, verified.stderr
    assert "1 checkpoint(s) held by PE match" in verified.stdout


def test_an_edited_entry_breaks_the_chain(nodes: dict[str, TestNode], activity: None) -> None:
    with nodes["CL"].sessions() as session, unscoped(session):
        target = session.scalars(select(AuditEntry).order_by(AuditEntry.id).limit(2)).all()[-1]
        session.execute(
            update(AuditEntry).where(AuditEntry.id == target.id).values(actor="someone.else")
        )
        session.commit()
    broken = _hito(nodes["CL"], "audit", "verify")
    assert broken.returncode == 1 and f"audit chain broken at entry {target.id}" in broken.stderr


def _rewrite(node: TestNode, *, cut_after: int | None = None) -> None:
    """What an intruder with the database would do: change the log, recompute every hash
    after it, and make this node's own checkpoints agree."""
    with node.sessions() as session, unscoped(session):
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        if cut_after is not None:
            session.execute(delete(AuditEntry).where(AuditEntry.id > cut_after))
            rows = [r for r in rows if r.id <= cut_after]
        else:
            rows[1].actor = "someone.else"
        previous = GENESIS
        for row in rows:
            row.prev_hash = previous
            row.hash = digest(previous, entry_body(row))
            previous = row.hash
        session.flush()
        mine = session.scalars(
            select(AuditCheckpoint).where(AuditCheckpoint.node == node.code)
        ).all()
        for checkpoint in mine:
            kept = session.get(AuditEntry, checkpoint.entry_id)
            if kept is None:
                session.delete(checkpoint)
            else:
                checkpoint.entry_hash = kept.hash
        session.commit()


def test_a_rewritten_log_is_caught_by_the_peers_copy(
    nodes: dict[str, TestNode], activity: None
) -> None:
    _rewrite(nodes["CL"])
    alone = _hito(nodes["CL"], "audit", "verify")
    assert alone.returncode == 0  # locally consistent: the intruder was thorough
    against = _hito(nodes["CL"], "audit", "verify", "--peer")
    assert against.returncode == 1
    assert "against PE's copies" in against.stderr and "rewritten" in against.stderr


def test_a_cut_log_is_caught_by_the_peers_copy(nodes: dict[str, TestNode], activity: None) -> None:
    with nodes["PE"].sessions() as session, unscoped(session):
        (kept,) = held_for(session, "CL")
    _rewrite(nodes["CL"], cut_after=kept.entry_id - 2)
    against = _hito(nodes["CL"], "audit", "verify", "--peer")
    assert against.returncode == 1 and "the log was cut" in against.stderr


def test_a_signed_extract_is_checked_by_the_other_side(
    nodes: dict[str, TestNode], activity: None, tmp_path: Path
) -> None:
    extract = tmp_path / "cl-audit.json"
    exported = _hito(nodes["CL"], "audit", "export", "--from", "2020-01-01", "--out", str(extract))
    assert exported.returncode == 0, exported.stderr
    document = json.loads(extract.read_text())
    assert document["extract"]["node"] == "CL" and document["extract"]["entries"]
    checked = _hito(nodes["PE"], "audit", "verify-extract", str(extract))
    assert checked.returncode == 0, checked.stderr
    assert "signed and chained; 1 checkpoint(s) held here match" in checked.stdout
    own = _hito(nodes["CL"], "audit", "verify-extract", str(extract))
    assert own.returncode == 1 and "not a registered peer" in own.stderr  # CL is not its own peer
    document["extract"]["entries"][0]["actor"] = "someone.else"
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(document))
    refused = _hito(nodes["PE"], "audit", "verify-extract", str(forged))
    assert refused.returncode == 1
    assert "signature does not verify" in refused.stderr
    assert "hash does not match its content" in refused.stderr
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\xff\xfe not json")
    assert _hito(nodes["PE"], "audit", "verify-extract", str(garbage)).returncode == 2
