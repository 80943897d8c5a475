"""Hourly counts at Chacalluta and Santa Rosa over real HTTP between the two nodes: stored from
the API and the CLI, compared side by side, the queue estimated; status changes kept as history."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from hito.auth.scoping import unscoped
from hito.crossings.models import CrossingCount, CrossingHour
from hito.crossings.queueing import mean_wait, servers_needed
from tests.nodes import SECRET, TestNode

Login = Callable[[str], httpx.Client]
HOUR = "2025-11-22T14:00:00-03:00"  # a visitors' Saturday afternoon


def _own_crossing(client: httpx.Client, node: str) -> dict[str, Any]:
    crossings = client.get("/api/v1/crossing-points").json()
    return next(c for c in crossings if c["origin_node"] == node)


def _hour(hour: str, direction: str, counts: dict[str, int], booths: int | None = None) -> dict:
    item: dict[str, Any] = {
        "hour": hour,
        "counts": [
            {"direction": direction, "category": category, "nationality": "CL", "count": n}
            for category, n in counts.items()
        ],
    }
    if booths is not None:
        item[f"booths_{direction}"] = booths
    return item


def test_both_sides_counts_compared_hour_by_hour(login: Login, sync: Callable[[], int]) -> None:
    chile, peru = login("cl.operator"), login("pe.operator")
    chacalluta, santa_rosa = _own_crossing(chile, "CL"), _own_crossing(peru, "PE")
    sent = chile.post(
        f"/api/v1/crossing-points/{chacalluta['id']}/counts",
        json={"source": "PDI", "hours": [_hour(HOUR, "exit", {"visitor": 410, "bus": 9})]},
    )
    assert sent.status_code == 200, sent.text
    assert sent.json() == {"crossing": "CHACALLUTA", "hours_added": 1, "hours_replaced": 0,
                           "counts": 2}  # fmt: skip
    peru_hour = "2025-11-22T12:00:00-05:00"  # the same hour in Lima's time
    received = peru.post(
        f"/api/v1/crossing-points/{santa_rosa['id']}/counts",
        json={"hours": [_hour(peru_hour, "entry", {"visitor": 398})]},
    )
    assert received.status_code == 200, received.text
    sync()
    window = {"from": "2025-11-22T00:00:00-03:00", "to": "2025-11-23T00:00:00-03:00"}
    for client in (chile, peru):
        rows = client.get("/api/v1/crossings/compare", params=window).json()
        by_category = {(r["travel"], r["category"]): r for r in rows}
        visitors = by_category[("CL→PE", "visitor")]
        assert visitors["hour"] == "2025-11-22T17:00:00Z"
        assert visitors["counts"] == {"CL": 410, "PE": 398}
        assert visitors["difference"] == 12
        buses = by_category[("CL→PE", "bus")]
        assert buses["counts"] == {"CL": 9, "PE": None} and buses["difference"] is None
        assert all(r["travel"] == "CL→PE" for r in rows)

    # a corrected feed replaces the hour whole: a new version that the other side receives
    again = chile.post(
        f"/api/v1/crossing-points/{chacalluta['id']}/counts",
        json={"hours": [_hour(HOUR, "exit", {"visitor": 402})]},
    )
    assert again.json()["hours_replaced"] == 1
    sync()
    rows = peru.get("/api/v1/crossings/compare", params=window).json()
    assert [(r["category"], r["counts"]) for r in rows] == [("visitor", {"CL": 402, "PE": 398})]


def test_only_the_crossings_own_side_writes_its_counts(login: Login) -> None:
    peru, viewer = login("pe.operator"), login("cl.viewer")
    body = {"hours": [_hour(HOUR, "exit", {"visitor": 1})]}
    chacalluta_in_peru = _own_crossing(peru, "CL")  # ids are each node's own
    refused = peru.post(f"/api/v1/crossing-points/{chacalluta_in_peru['id']}/counts", json=body)
    assert refused.status_code == 403 and "CL's crossing point" in refused.json()["detail"]
    chacalluta = _own_crossing(viewer, "CL")
    path = f"/api/v1/crossing-points/{chacalluta['id']}/counts"
    assert viewer.post(path, json=body).status_code == 403
    assert peru.post("/api/v1/crossing-points/999999/counts", json=body).status_code == 404


BAD_FEEDS: list[tuple[list[Any], str | None]] = [
    ([], "hours"),
    ([_hour("2025-11-22T14:30:00-03:00", "exit", {"visitor": 1})], "hours.0.hour"),
    ([_hour("2025-11-22T14:00:00", "exit", {"visitor": 1})], "hours.0.hour"),
    ([_hour(HOUR, "exit", {"visitor": 1}), _hour(HOUR, "exit", {"bus": 1})], "body"),
    (
        [
            {
                "hour": HOUR,
                "counts": [
                    {
                        "direction": "exit",
                        "category": "visitor",
                        "nationality": "CL",
                        "count": "5",
                    }
                ],
            }
        ],
        "hours.0.counts.0.count",
    ),
    ([_hour("2099-11-22T14:00:00-03:00", "exit", {"visitor": 1})], None),
]


def test_bad_counts_change_nothing(login: Login, sessions: sessionmaker[Session]) -> None:
    chile = login("cl.operator")
    chacalluta = _own_crossing(chile, "CL")
    path = f"/api/v1/crossing-points/{chacalluta['id']}/counts"
    for hours, field in BAD_FEEDS:  # one node reset for all of them
        reply = chile.post(path, json={"hours": hours})
        assert reply.status_code == 422, (hours, reply.text)
        assert reply.headers["content-type"] == "application/problem+json"
        if field:
            assert field in {e["field"] for e in reply.json()["errors"]}, reply.json()
    with sessions() as session, unscoped(session):
        assert session.scalar(select(func.count()).select_from(CrossingHour)) == 0


def test_wait_and_booths_needed_follow_erlang_c(login: Login) -> None:
    chile = login("cl.operator")
    chacalluta = _own_crossing(chile, "CL")
    # 300 visitors (60 s) and 15 regular migrants (150 s): 5 + 0.625 = 5.625 Erlangs
    feed = {"hours": [_hour(HOUR, "entry", {"visitor": 300, "regular_migrant": 15,
                                            "cargo_vehicle": 40}, booths=6)]}  # fmt: skip
    path = f"/api/v1/crossing-points/{chacalluta['id']}"
    assert chile.post(f"{path}/counts", json=feed).status_code == 200
    window = {"from": "2025-11-22T14:00:00-03:00", "to": "2025-11-22T15:00:00-03:00"}
    report = chile.get(f"{path}/wait", params={**window, "target_minutes": 2}).json()
    (hour,) = report["hours"]
    load, service = 5.625, 5.625 * 3600 / 315
    assert hour["arrivals"] == 315  # vehicles are not at the immigration booths
    assert hour["load_erlangs"] == pytest.approx(load)
    assert hour["booths_open"] == 6 and hour["utilisation"] == pytest.approx(load / 6, abs=1e-4)
    assert hour["mean_wait_minutes"] == pytest.approx(mean_wait(load, 6, service) / 60, abs=0.01)
    assert hour["booths_needed"] == servers_needed(load, service, 120)
    assert hour["mean_wait_minutes"] == pytest.approx(2.38, abs=0.01)
    assert hour["booths_needed"] == 7  # six booths keep people waiting more than 2 minutes
    relaxed = chile.get(f"{path}/wait", params={**window, "target_minutes": 60}).json()
    assert relaxed["hours"][0]["booths_needed"] <= 6
    bad = chile.get(f"{path}/wait", params={"from": window["to"], "to": window["from"]})
    assert bad.status_code == 422


def test_status_changes_are_kept_as_history_with_their_reason(
    login: Login, sync: Callable[[], int]
) -> None:
    supervisor, chile = login("pe.supervisor"), login("cl.viewer")
    santa_rosa = _own_crossing(supervisor, "PE")
    path = f"/api/v1/crossing-points/{santa_rosa['id']}"
    unexplained = supervisor.patch(path, json={"status": "closed"})
    assert unexplained.status_code == 422 and "reason" in unexplained.json()["detail"]
    too_old = (dt.datetime.now(dt.UTC) - dt.timedelta(days=10)).isoformat()
    backdated = supervisor.patch(
        path, json={"status": "closed", "reason": "x", "effective_from": too_old}
    )
    assert backdated.status_code == 422
    assert supervisor.get(f"{path}/history").json() == []
    closed = supervisor.patch(
        path, json={"status": "restricted", "reason": "Estado de emergencia en Tacna"}
    )
    assert closed.status_code == 200 and closed.json()["status"] == "restricted"
    supervisor.patch(path, json={"opening_hours": "08:00–20:00"})  # hours alone need no reason
    history = supervisor.get(f"{path}/history").json()
    assert [(h["status"], h["opening_hours"], h["reason"]) for h in history] == [
        ("restricted", "08:00–20:00", ""),
        ("restricted", santa_rosa["opening_hours"], "Estado de emergencia en Tacna"),
    ]
    sync()
    seen = _own_crossing(chile, "PE")
    assert seen["status"] == "restricted"
    theirs = chile.get(f"/api/v1/crossing-points/{seen['id']}/history").json()
    assert [h["uid"] for h in theirs] == [h["uid"] for h in history]
    assert theirs[1]["reason"] == "Estado de emergencia en Tacna"
    # reference data that other tests read: back as it was
    before = {"status": santa_rosa["status"], "opening_hours": santa_rosa["opening_hours"]}
    restored = supervisor.patch(path, json={**before, "reason": "Reapertura"})
    assert restored.status_code == 200
    sync()


def _hito(node: TestNode, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HITO_NODE": node.code, "HITO_DATABASE_URL": node.settings.database_url,
           "HITO_SECRET_KEY": SECRET, "HITO_DEMO": "0"}  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "hito.cli", "crossings", *args],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # the CLI; storage: above
def test_feeds_from_the_command_line_all_or_nothing(
    nodes: dict[str, TestNode], sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    header = "hour,direction,category,nationality,count,booths\n"
    bad = tmp_path / "bad.csv"
    bad.write_text(header + "2025-11-22T14:00,exit,visitor,CL,410,6\n"
                   "2025-11-22T15:00,exit,visitante,CL,5,6\n", encoding="utf-8")  # fmt: skip
    refused = _hito(nodes["CL"], "import", str(bad))
    assert refused.returncode == 2
    assert f"{bad}:3: category: Input should be" in refused.stderr
    assert "nothing was imported" in refused.stderr
    with sessions() as session, unscoped(session):
        assert session.scalar(select(func.count()).select_from(CrossingCount)) == 0
    good = tmp_path / "good.csv"
    good.write_text(header + "2025-11-22T14:00,exit,visitor,CL,410,6\n"
                    "2025-11-22T14:00,exit,visitor,VE,20,6\n"
                    "2025-11-22T15:00,entry,resident,,31,2\n", encoding="utf-8")  # fmt: skip
    done = _hito(nodes["CL"], "import", str(good), "--source", "PDI")
    assert done.returncode == 0, done.stderr
    assert "CHACALLUTA: 2 hours added, 0 replaced, 3 counts" in done.stdout
    waited = _hito(nodes["CL"], "wait", "--from", "2025-11-22T14:00", "--to", "2025-11-22T16:00")
    assert waited.returncode == 0, waited.stderr
    lines = waited.stdout.splitlines()[1:]
    assert [line.split()[:4] for line in lines] == [
        ["2025-11-22", "14:00", "exit", "430"], ["2025-11-22", "15:00", "entry", "31"]
    ]  # fmt: skip
    wrong = _hito(nodes["CL"], "import", str(good), "--crossing", "NOWHERE")
    assert wrong.returncode == 2 and "no crossing point 'NOWHERE'" in wrong.stderr
