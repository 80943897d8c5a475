"""Patrol logs over real HTTP and the command line, on SQLite and PostgreSQL: a patrol starts on
its planned shift, its fixes and GPX files come in (all or nothing), what it finds is linked to
it, it ends; the plan-against-actual report counts what was done."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from hito.auth.scoping import unscoped
from hito.patrols.io import demo_units
from hito.patrols.models import PatrolPoint
from hito.patrols.tracks import Fix
from hito.patrols.walks import along_border, to_gpx
from tests.factories import event_payload
from tests.nodes import SECRET, TestNode

Login = Callable[[str], httpx.Client]
VERTICES = {"S1-LITORAL": (28, 29), "S2-CHACALLUTA": (24, 28), "S3-ESCRITOS": (20, 24),
            "S4-PALCA": (13, 20), "S5-ANCOMARCA": (7, 13), "S6-VISVIRI": (0, 7)}  # fmt: skip


def _json(fixes: list[Fix]) -> list[dict[str, Any]]:
    return [{"at": f.at.isoformat(), "lat": f.lat, "lon": f.lon} for f in fixes]


def _approved_plan(supervisor: httpx.Client) -> dict[str, Any]:
    """A day's approved plan of Chile's demo units, with a stranded group at Chacalluta and
    crossings on the coast the day before."""
    units = [u.model_dump(mode="json") for u in demo_units("CL")]
    assert supervisor.post("/api/v1/patrols/units", json=units).status_code == 201
    for event in (
        event_payload(),
        event_payload(type="irregular_crossing", occurred_at="2025-11-24T23:00:00-03:00",
                      location={"lat": -18.352, "lon": -70.375}, headcount=25),
    ):  # fmt: skip
        assert supervisor.post("/api/v1/events", json=event).status_code == 201
    drafted = supervisor.post(
        "/api/v1/patrols/plans", json={"first_day": "2025-11-25", "days": 1, "seconds": 2}
    )
    assert drafted.status_code == 201, drafted.text
    approved = supervisor.post(f"/api/v1/patrols/plans/{drafted.json()['id']}/approve")
    assert approved.status_code == 200
    plan: dict[str, Any] = approved.json()
    return plan


def test_a_patrol_on_its_planned_shift_from_start_to_report(login: Login) -> None:
    supervisor, operator = login("cl.pdi"), login("cl.operator")
    plan = _approved_plan(supervisor)
    # a Carabineros unit's first shift, and the sector the plan gave it
    shift = next(a for a in plan["assignments"] if a["agency"] == "CL-CARABINEROS")
    begin = dt.datetime.fromisoformat(shift["start"])
    started = operator.post(
        "/api/v1/patrols/logs", json={"unit": shift["unit"], "started_at": shift["start"]}
    )
    assert started.status_code == 201, started.text
    patrol = started.json()
    assert patrol["planned"] is True and patrol["sector"] == shift["sector"]
    assert patrol["unit"] == shift["unit"] and patrol["ended_at"] is None
    path = f"/api/v1/patrols/logs/{patrol['id']}"
    again = operator.post("/api/v1/patrols/logs", json={"unit": shift["unit"]})
    assert again.status_code == 409 and f"on patrol {patrol['id']}" in again.json()["detail"]

    first, last = VERTICES[shift["sector"]]
    track = along_border("CL", first_vertex=first, last_vertex=last, start=begin, minutes=120)
    posted = operator.post(f"{path}/points", json=_json(track[:61]))
    assert posted.status_code == 200, posted.text
    assert posted.json() == {"added": 61, "duplicates": 0, "segments": 1, "points": 61}
    # a tablet posting again what it was unsure went, with the next minutes
    more = operator.post(f"{path}/points", json=_json(track[55:]))
    assert more.json() == {"added": 60, "duplicates": 6, "segments": 1, "points": 121}
    # one fix outside the patrol (before it started): nothing of the post is kept
    early = Fix(begin - dt.timedelta(hours=1), track[0].lat, track[0].lon)
    refused = operator.post(f"{path}/points", json=_json([early, *track[:3]]))
    assert refused.status_code == 422 and "point 1 at" in refused.json()["detail"]
    assert operator.get(path).json()["points"] == 121

    finding = event_payload(
        type="sighting",
        occurred_at=track[30].at.isoformat(),
        location={"lat": track[30].lat, "lon": track[30].lon},
        headcount=6,
    )
    found = operator.post(f"{path}/findings", json=finding)
    assert found.status_code == 201, found.text
    assert len(found.json()["findings"]) == 1
    before = {**finding, "occurred_at": "2025-11-01T10:00Z"}
    early_finding = operator.post(f"{path}/findings", json=before)
    assert early_finding.status_code == 422

    ended = operator.post(f"{path}/end", json={"ended_at": track[-1].at.isoformat()})
    assert ended.status_code == 200 and ended.json()["ended_at"] is not None
    assert operator.post(f"{path}/end", json={}).status_code == 409
    body = operator.get(path).json()
    assert 1.9 < body["hours"] <= 2.0 and 10 < body["km"] < 60
    assert len(body["segments"]) == 1 and len(body["segments"][0]) == 121

    window = {"from": plan["starts_at"], "to": (begin + dt.timedelta(days=1)).isoformat()}
    report = operator.get("/api/v1/patrols/report", params=window)
    assert report.status_code == 200, report.text
    figures = report.json()
    assert figures["planned"] == len(plan["assignments"]) and figures["patrolled"] == 1
    done = [s for s in figures["shifts"] if s["patrolled"]]
    assert done[0]["unit"] == shift["unit"] and done[0]["patrol"] == patrol["id"]
    sector = next(s for s in figures["sectors"] if s["sector"] == shift["sector"])
    assert sector["hours"] > 1.5 and sector["findings"] == 1
    assert sector["findings_per_hour"] == round(1 / sector["hours"], 4)
    assert 0.8 < sector["border_share"] <= 1.0  # the track ran the sector's whole line
    assert [a["agency"] for a in sector["agencies"]] == ["CL-CARABINEROS"]
    others = [s for s in figures["sectors"] if s["sector"] != shift["sector"]]
    assert all(s["hours"] == 0 for s in others)


def test_who_may_log_a_patrol_and_bad_input(login: Login) -> None:
    supervisor, operator, viewer = login("cl.pdi"), login("cl.operator"), login("cl.viewer")
    units = [u.model_dump(mode="json") for u in demo_units("CL")]
    assert supervisor.post("/api/v1/patrols/units", json=units).status_code == 201
    start = {"unit": "CL-PDI-ARICA", "started_at": "2025-11-24T09:00:00-03:00"}
    assert viewer.post("/api/v1/patrols/logs", json=start).status_code == 403
    refused = operator.post("/api/v1/patrols/logs", json=start)  # a Carabinero, a PDI unit
    assert refused.status_code == 403 and "CL-PDI's" in refused.json()["detail"]
    peru = login("pe.operator").post("/api/v1/patrols/logs", json={"unit": "CL-CAR-ARICA-1"})
    assert peru.status_code == 404  # not one of Peru's units
    for bad, status in [
        ({"unit": "CL-NOPE"}, 404),
        ({"unit": "CL-CAR-ARICA-1", "started_at": "2999-01-01T00:00:00Z"}, 422),
        ({"unit": "CL-CAR-ARICA-1", "sector": "S9-NOWHERE"}, 422),
        ({"unit": "CL-CAR-ARICA-1", "started_at": 1732440000}, 422),
        ({"unit": "'; drop table patrol;--"}, 422),  # no unit code has these characters
        ({"unit": "CL-CAR-01\x00"}, 422),
        ({"unit": ""}, 422),
    ]:
        reply = operator.post("/api/v1/patrols/logs", json=bad)
        assert reply.status_code == status, (bad, reply.text)
        assert reply.headers["content-type"] == "application/problem+json"
    assert (
        operator.get(
            "/api/v1/patrols/logs",
            params={"start": "2025-11-01T00:00Z", "end": "2025-12-01T00:00Z"},
        ).json()
        == []
    )

    started = operator.post("/api/v1/patrols/logs", json={**start, "unit": "CL-CAR-ARICA-1"})
    path = f"/api/v1/patrols/logs/{started.json()['id']}"
    at = "2025-11-24T12:30:00Z"
    for points in (
        [{"at": at, "lat": 95, "lon": -70.3}],
        [{"at": at, "lat": "-18.3", "lon": -70.3}],
        [{"at": "yesterday", "lat": -18.3, "lon": -70.3}],
        [{"at": at, "lat": -18.3}],
        [],
        [{"at": at, "lat": -18.3, "lon": -70.3}] * 5001,
    ):
        assert operator.post(f"{path}/points", json=points).status_code == 422, points[:1]
    assert login("pe.operator").post(f"{path}/points", json=[]).status_code in (404, 422)
    assert operator.get(path).json()["points"] == 0
    assert (
        operator.get(
            "/api/v1/patrols/report",
            params={"from": "2025-11-24T00:00Z", "to": "2026-01-24T00:00Z"},
        ).status_code
        == 422
    )


def _hito(node: TestNode, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HITO_NODE": node.code, "HITO_DATABASE_URL": node.settings.database_url,
           "HITO_SECRET_KEY": SECRET, "HITO_DEMO": "0"}  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "hito.cli", "patrols", *args],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip


def test_gpx_files_and_the_report_from_the_command_line(
    login: Login, nodes: dict[str, TestNode], sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    operator = login("cl.operator")
    supervisor = login("cl.pdi")
    units = [u.model_dump(mode="json") for u in demo_units("CL")]
    assert supervisor.post("/api/v1/patrols/units", json=units).status_code == 201
    begin = dt.datetime(2025, 11, 24, 9, tzinfo=dt.timezone(dt.timedelta(hours=-3)))
    started = operator.post(
        "/api/v1/patrols/logs", json={"unit": "CL-CAR-LITORAL", "started_at": begin.isoformat()}
    )
    patrol = started.json()["id"]
    walk = along_border("CL", first_vertex=24, last_vertex=29, start=begin, minutes=90)
    # the device lost its fix for 20 minutes halfway: two segments in the file
    gap = [Fix(f.at + dt.timedelta(minutes=20), f.lat, f.lon, 1) for f in walk[46:]]
    good = tmp_path / "litoral.gpx"
    good.write_bytes(to_gpx([*walk[:46], *gap]))
    bad = tmp_path / "bad.gpx"
    bad.write_bytes(to_gpx(walk[:10]).replace(b"<time>2025-11-24T12:05:00Z", b"<time>ayer"))

    node = nodes["CL"]
    refused = _hito(node, "import-gpx", str(bad), "--patrol", str(patrol))
    assert refused.returncode == 2
    assert f"{bad}:" in refused.stderr and "'ayer' is not an ISO 8601 time" in refused.stderr
    assert "nothing was imported" in refused.stderr
    with sessions() as session, unscoped(session):
        assert session.scalar(select(func.count()).select_from(PatrolPoint)) == 0
    done = _hito(node, "import-gpx", str(good), "--patrol", str(patrol))
    assert done.returncode == 0, done.stderr
    assert f"{len(walk)} points added" in done.stderr and "in 2 segments" in done.stderr
    assert len(operator.get(f"/api/v1/patrols/logs/{patrol}").json()["segments"]) == 2
    missing = _hito(node, "import-gpx", str(good), "--patrol", "99999")
    assert missing.returncode == 1 and "patrol 99999 not found" in missing.stderr

    report = _hito(node, "report", "--from", "2025-11-24", "--to", "2025-11-25")
    assert report.returncode == 0, report.stderr
    assert "planned shifts patrolled: 0 of 0" in report.stdout
    assert "1 patrols" in report.stdout and "S1-LITORAL" in report.stdout
    wrong = _hito(node, "report", "--from", "24/11/2025", "--to", "2025-11-25")
    assert wrong.returncode == 2 and "--from: '24/11/2025' is not an ISO 8601" in wrong.stderr
