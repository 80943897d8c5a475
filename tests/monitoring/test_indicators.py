"""The committee's indicators against hand-counted fixtures, each over what the asking user may
see; alerts for supervisors; the records behind a figure; exports read back."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import httpx
import hxl
import openpyxl
import pytest

from hito.monitoring.definitions import catalogue
from hito.monitoring.measures import MEASURES
from tests.factories import event_payload

Login = Callable[[str], httpx.Client]
AT = "2025-11-25T00:00:00-03:00"  # Monday midnight in Chile: the cut-off


def _event(client: httpx.Client, **fields: Any) -> dict[str, Any]:
    reply = client.post("/api/v1/events", json=event_payload(**fields))
    assert reply.status_code == 201, reply.text
    return reply.json()


def _values(client: httpx.Client, **params: Any) -> dict[str, dict[str, Any]]:
    reply = client.get("/api/v1/monitoring/indicators", params={"at": AT, **params})
    assert reply.status_code == 200, reply.text
    return {v["id"]: v for v in reply.json()}


def _world(chile: httpx.Client, sync: Callable[[], int]) -> dict[str, Any]:
    made = {
        "stranded": [
            _event(chile, headcount=70, occurred_at="2025-11-20T10:00:00-03:00"),
            _event(chile, headcount=20, occurred_at="2025-11-23T09:00:00-03:00"),
            # national: Peru never sees it
            _event(chile, headcount=15, occurred_at="2025-11-24T09:00:00-03:00",
                   sharing_level="national"),
            # after the cut-off: not counted
            _event(chile, headcount=500, occurred_at="2025-11-26T09:00:00-03:00"),
        ],
        "departures": [
            _event(chile, type="irregular_crossing", headcount=n,
                   occurred_at=f"2025-11-{day}T03:00:00-03:00")
            for day, n in ((18, 35), (20, 42), (22, 49), (24, 41), (10, 300))
        ],
    }  # fmt: skip
    closed = _event(chile, headcount=9, occurred_at="2025-11-21T10:00:00-03:00")
    patched = chile.patch(
        f"/api/v1/events/{closed['id']}", json={"version": closed["version"], "status": "closed"}
    )
    assert patched.status_code == 200, patched.text
    # weekend visitors: Saturday 22 and Sunday 23 in Chile, as Chile counted them leaving
    chacalluta = next(
        c for c in chile.get("/api/v1/crossing-points").json() if c["origin_node"] == "CL"
    )
    hours = [
        ("2025-11-21T23:00:00-03:00", 999),  # Friday night: not the weekend
        ("2025-11-22T00:00:00-03:00", 300),
        ("2025-11-22T14:00:00-03:00", 4100),
        ("2025-11-23T23:00:00-03:00", 2600),
        ("2025-11-24T00:00:00-03:00", 888),  # Monday: not the weekend
    ]
    feed = {
        "hours": [
            {"hour": hour, "counts": [{"direction": "exit", "category": "visitor",
                                       "nationality": "CL", "count": n},
                                      {"direction": "entry", "category": "visitor",
                                       "nationality": "CL", "count": 5}]}
            for hour, n in hours
        ]
    }  # fmt: skip
    sent = chile.post(f"/api/v1/crossing-points/{chacalluta['id']}/counts", json=feed)
    assert sent.status_code == 200, sent.text
    sync()
    return made


def test_indicators_match_hand_counts_for_each_side(login: Login, sync: Callable[[], int]) -> None:
    chile, peru = login("cl.pdi"), login("pe.operator")
    made = _world(chile, sync)
    mine, theirs = _values(chile), _values(peru)
    assert set(mine) == set(catalogue().indicators)
    # 70 + 20 + 15 open before the cut-off (the closed 9 and the later 500 are not counted)
    assert mine["stranded_now"]["value"] == 105
    assert mine["stranded_now"]["level"] == "critical"  # 100 or more
    assert theirs["stranded_now"]["value"] == 90  # the national 15 stays in Chile
    assert theirs["stranded_now"]["level"] == "warning"
    # 35 + 42 + 49 + 41 people in the 7 days before the cut-off (the 10th is older): 167 / 7
    assert mine["irregular_departures_per_day"]["value"] == pytest.approx(23.9)
    assert mine["irregular_departures_per_day"]["level"] == "ok"
    assert mine["interceptions_7d"]["value"] == 0
    # Saturday and Sunday in Chile: 300 + 4100 + 2600 leaving Chile
    for side in (mine, theirs):
        assert side["weekend_visitors"]["value"] == 7000
        assert side["weekend_visitors"]["level"] == "warning"  # under 8,000
        assert side["weekend_visitors"]["reference"] == 25000
    assert mine["separation_alerts_open"]["value"] == 0
    assert mine["overdue_requests"]["value"] == 0
    # no approved plan in the window: nothing to measure, said as such
    assert mine["critical_sector_coverage"]["value"] is None
    assert mine["critical_sector_coverage"]["level"] == "unknown"
    # the records behind a figure: the same ones the figure counted, as each side sees them
    drill = chile.get("/api/v1/monitoring/indicators/stranded_now/records", params={"at": AT})
    assert drill.status_code == 200
    stranded = [e["uid"] for e in made["stranded"][:3]]
    assert sorted(r["uid"] for r in drill.json()["records"]) == sorted(stranded)
    theirs_drill = peru.get("/api/v1/monitoring/indicators/stranded_now/records",
                            params={"at": AT}).json()  # fmt: skip
    assert sorted(r["uid"] for r in theirs_drill["records"]) == sorted(stranded[:2])
    assert theirs_drill["total"] == 2
    english = _values(chile, lang="en")
    assert english["stranded_now"]["label"] == "People stranded now"
    assert mine["stranded_now"]["label"] == "Personas varadas ahora"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # figures: both, above
def test_alerts_reach_supervisors_only(login: Login, sync: Callable[[], int]) -> None:
    chile = login("cl.pdi")
    _world(chile, sync)
    alerts = chile.get("/api/v1/monitoring/alerts", params={"at": AT})
    assert alerts.status_code == 200
    assert [(a["id"], a["level"]) for a in alerts.json()] == [
        ("stranded_now", "critical"), ("weekend_visitors", "warning")
    ]  # fmt: skip
    assert login("cl.viewer").get("/api/v1/monitoring/alerts").status_code == 403


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # the files, not the storage
def test_exports_read_back(login: Login, sync: Callable[[], int]) -> None:
    chile = login("cl.pdi")
    _world(chile, sync)
    as_csv = chile.get("/api/v1/monitoring/export", params={"at": AT, "format": "csv"})
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(as_csv.text))}
    assert rows["stranded_now"]["value"] == "105.0" and rows["stranded_now"]["level"] == "critical"
    as_hxl = chile.get("/api/v1/monitoring/export", params={"at": AT, "format": "hxl"})
    data = hxl.data(io.BytesIO(as_hxl.content))
    values = {row.get("#indicator+code"): row.get("#indicator+value+num") for row in data}
    assert values["weekend_visitors"] == "7000.0"
    as_xlsx = chile.get("/api/v1/monitoring/export", params={"at": AT, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][:3] == ("id", "label", "value")
    assert ("stranded_now", "Personas varadas ahora", 105) in [r[:3] for r in table]
    bad = chile.get("/api/v1/monitoring/export", params={"format": "pdf"})
    assert bad.status_code == 422


def test_every_defined_indicator_is_measured_and_nothing_else() -> None:
    assert set(MEASURES) == set(catalogue().indicators)


BAD_QUERIES = [
    ("/api/v1/monitoring/indicators/nothing_like_it/records", 404),
    ("/api/v1/monitoring/indicators/DROP%20TABLE/records", 422),
    ("/api/v1/monitoring/indicators?at=ayer", 422),
    ("/api/v1/monitoring/indicators?lang=fr", 422),
]


def test_bad_queries_are_refused(login: Login) -> None:
    viewer = login("cl.viewer")
    for path, status in BAD_QUERIES:  # one node reset for all of them
        reply = viewer.get(path)
        assert reply.status_code == status, path
        assert reply.headers["content-type"] == "application/problem+json"
