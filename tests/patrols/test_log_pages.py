"""The patrol-log pages over real HTTP with a signed-in browser session, on SQLite and
PostgreSQL: the patrols of both sides in a window, a patrol's track (its data embedded in the
page as the API gives it), the plan-against-actual report (the API's figures), a patrol that
does not exist, and dates that are not."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from hito.patrols.io import demo_units
from hito.patrols.walks import along_border
from tests.factories import event_payload
from tests.patrols.test_logs import VERTICES, _approved_plan, _json

Login = Callable[[str], httpx.Client]


@pytest.fixture(scope="session")
def backend() -> str:
    """The pages, not the storage: the services they call are tested on both backends."""
    return "sqlite"


SignedIn = Callable[[str], httpx.Client]
CHILE = ZoneInfo("America/Santiago")
SECTORS = {"S1-LITORAL", "S2-CHACALLUTA", "S3-ESCRITOS", "S4-PALCA", "S5-ANCOMARCA", "S6-VISVIRI"}
ROW = re.compile(
    r'<tr data-patrol="(\d+)" data-country="([A-Z]{2})" data-planned="(yes|no)" '
    r'data-findings="(\d+)">(.*?)</tr>',
    re.S,
)
DAY = "2025-11-25"  # the plan's day, in Chile's zone


def chilean_patrol(login: Login) -> tuple[dict[str, Any], dict[str, Any]]:
    """Chile's approved plan and a Carabineros unit's patrol on its first shift: two hours along
    its sector's line, the GPS lost for 20 minutes halfway (two segments), a group sighted."""
    operator = login("cl.operator")
    plan = _approved_plan(login("cl.pdi"))
    shift = next(a for a in plan["assignments"] if a["agency"] == "CL-CARABINEROS")
    started = operator.post(
        "/api/v1/patrols/logs", json={"unit": shift["unit"], "started_at": shift["start"]}
    )
    assert started.status_code == 201, started.text
    path = f"/api/v1/patrols/logs/{started.json()['id']}"
    first, last = VERTICES[shift["sector"]]
    walk = along_border("CL", first_vertex=first, last_vertex=last,
                        start=dt.datetime.fromisoformat(shift["start"]), minutes=120)  # fmt: skip
    track = walk[:50] + walk[70:]
    assert operator.post(f"{path}/points", json=_json(track)).json()["segments"] == 2
    sighting = event_payload(
        type="sighting", occurred_at=track[30].at.isoformat(),
        location={"lat": track[30].lat, "lon": track[30].lon}, headcount=6,
        description="Grupo de seis personas hacia el hito",
    )  # fmt: skip
    assert operator.post(f"{path}/findings", json=sighting).status_code == 201
    ended = operator.post(f"{path}/end", json={"ended_at": track[-1].at.isoformat()})
    assert ended.status_code == 200, ended.text
    patrol: dict[str, Any] = operator.get(path).json()
    return plan, patrol


def peruvian_patrol(login: Login) -> dict[str, Any]:
    """A Peruvian police vehicle's hour at Chacalluta, off any plan, the same day."""
    units = [u.model_dump(mode="json") for u in demo_units("PE")]
    assert login("pe.supervisor").post("/api/v1/patrols/units", json=units).status_code == 201
    operator = login("pe.operator")
    begin = dt.datetime(2025, 11, 25, 9, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    started = operator.post(
        "/api/v1/patrols/logs",
        json={"unit": "PE-PNP-TACNA-1", "started_at": begin.isoformat(), "sector": "S2-CHACALLUTA"},
    )
    assert started.status_code == 201, started.text
    path = f"/api/v1/patrols/logs/{started.json()['id']}"
    walk = along_border("PE", first_vertex=24, last_vertex=28, start=begin, minutes=60)
    assert operator.post(f"{path}/points", json=_json(walk)).status_code == 200
    assert operator.post(f"{path}/end", json={"ended_at": walk[-1].at.isoformat()}).is_success
    patrol: dict[str, Any] = operator.get(path).json()
    return patrol


def _embedded(html: str, element_id: str) -> Any:
    found = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert found, f"no #{element_id} in the page"
    return json.loads(found.group(1))


def _rows(html: str) -> dict[int, tuple[str, str, int, str]]:
    """The listed patrols: id → (side, planned, findings, the row's cells)."""
    return {int(i): (c, p, int(f), cells) for i, c, p, f, cells in ROW.findall(html)}


def _typed_window(html: str) -> tuple[str, str]:
    (first,) = re.findall(r'<input type="date" name="from" value="([^"]*)"', html)
    (last,) = re.findall(r'<input type="date" name="to" value="([^"]*)"', html)
    return first, last


def _last_week() -> tuple[str, str]:
    today = dt.datetime.now(CHILE).date()
    return (today - dt.timedelta(days=6)).isoformat(), today.isoformat()


def test_the_patrols_of_both_sides_in_a_window(
    login: Login, signed_in: SignedIn, sync: Callable[[], int]
) -> None:
    _, chile = chilean_patrol(login)
    peru = peruvian_patrol(login)
    sync()
    supervisor = signed_in("cl.pdi")
    page = supervisor.get("/patrols/logs", params={"from": DAY, "to": DAY})
    assert page.status_code == 200, page.text
    assert "Patrullajes realizados" in page.text and 'role="alert"' not in page.text
    rows = _rows(page.text)
    api = login("cl.pdi").get(
        "/api/v1/patrols/logs",
        params={"start": f"{DAY}T00:00:00-03:00", "end": "2025-11-26T00:00:00-03:00"},
    )
    assert set(rows) == {p["id"] for p in api.json()} and len(rows) == 2
    side, planned, findings, cells = rows[chile["id"]]
    assert (side, planned, findings) == ("CL", "yes", 1)
    assert f'<strong class="code">{chile["unit"]}</strong>' in cells and "CL-CARABINEROS" in cells
    assert chile["sector"] in cells and f"{chile['hours']:.1f}" in cells
    assert (
        dt.datetime.fromisoformat(chile["started_at"]).astimezone(CHILE).strftime("%Y-%m-%d %H:%M")
        in cells
    )  # in the user's zone
    (received,) = [i for i in rows if i != chile["id"]]
    side, planned, findings, cells = rows[received]
    assert (side, planned, findings) == ("PE", "no", 0)
    assert "<strong>PE-PNP</strong> · vehículo" in cells  # the other side names no unit
    assert "PE-PNP-TACNA" not in page.text and "el otro lado" in cells
    assert f"{peru['km']:.1f}" in cells and f">{peru['points']}<" in cells

    only_peru = _rows(supervisor.get(f"/patrols/logs?from={DAY}&to={DAY}&country=PE").text)
    assert list(only_peru) == [received]
    assert _rows(supervisor.get("/patrols/logs?from=2025-11-26").text) == {}
    # a week up to the day typed, or from it
    assert set(_rows(supervisor.get(f"/patrols/logs?to={DAY}").text)) == set(rows)
    assert set(_rows(supervisor.get("/patrols/logs?from=2025-11-19").text)) == set(rows)
    # Peru's node lists both too, Chile's without its unit's code
    theirs = signed_in("pe.supervisor").get(f"/patrols/logs?from={DAY}&to={DAY}&lang=en")
    assert "Patrol logs" in theirs.text and len(_rows(theirs.text)) == 2
    assert "CL-CAR-" not in theirs.text and "<strong>CL-CARABINEROS</strong>" in theirs.text

    default = supervisor.get("/patrols/logs")
    assert _typed_window(default.text) == _last_week() and 'role="alert"' not in default.text
    assert "No hay patrullajes en el período." in default.text
    for bad in ({"from": "ayer"}, {"from": "2025-02-30"}, {"to": "25/11/2025"},
                {"from": "0001-01-01"}, {"from": "9999-12-31"},
                {"from": "2025-11-26", "to": DAY}):  # fmt: skip
        refused = supervisor.get("/patrols/logs", params=bad)
        assert refused.status_code == 200 and 'role="alert"' in refused.text, bad
        assert "se muestran los últimos 7 días" in refused.text
        assert _typed_window(refused.text) == _last_week(), bad
    assert httpx.get(f"{supervisor.base_url}/patrols/logs").status_code == 303  # to the login


def test_a_patrols_track_its_segments_ends_and_findings_on_the_map(
    login: Login, signed_in: SignedIn, sync: Callable[[], int]
) -> None:
    _, chile = chilean_patrol(login)
    officer = signed_in("cl.operator")
    page = officer.get(f"/patrols/logs/{chile['id']}")
    assert page.status_code == 200, page.text
    layers = _embedded(page.text, "track-layers")
    assert len(layers["segments"]) == len(chile["segments"]) == 2
    assert [len(s) for s in layers["segments"]] == [len(s) for s in chile["segments"]]
    assert layers["segments"][1][0] == chile["segments"][1][0][:2]
    first, last = chile["segments"][0][0], chile["segments"][-1][-1]
    start, end = layers["ends"]
    assert [start["lat"], start["lon"]] == first[:2] and [end["lat"], end["lon"]] == last[:2]
    local = dt.datetime.fromisoformat(first[2]).astimezone(CHILE).strftime("%Y-%m-%d %H:%M")
    assert start["at"] == local and layers["ended"] is True
    (finding,) = layers["findings"]
    event = login("cl.operator").get(f"/api/v1/events/{chile['findings'][0]}").json()
    assert finding["id"] == event["id"] and finding["type"] == "Avistamiento"
    assert (finding["lat"], finding["lon"]) == (event["location"]["lat"], event["location"]["lon"])
    assert {s["code"] for s in layers["sectors"]} == SECTORS
    assert layers["border"]["geometry"]["type"] == "LineString"
    assert 'data-segments="2"' in page.text
    assert f'<dd class="unit">{chile["unit"]}</dd>' in page.text
    assert "sí, en un turno de un plan aprobado" in page.text and local in page.text
    assert f"{chile['hours']:.1f} h" in page.text and f"{chile['km']:.1f} km" in page.text
    assert f'<tr data-event="{event["id"]}">' in page.text
    assert "Grupo de seis personas hacia el hito" in page.text
    assert (
        "Each segment ends where the GPS"
        in officer.get(f"/patrols/logs/{chile['id']}?lang=en").text
    )

    # on Peru's node: the same track, Chile's unit unnamed
    sync()
    (received,) = (
        login("pe.operator")
        .get(
            "/api/v1/patrols/logs", params={"start": f"{DAY}T00:00:00Z", "end": "2025-11-27T00:00Z"}
        )
        .json()
    )
    theirs = signed_in("pe.operator").get(f"/patrols/logs/{received['id']}")
    assert theirs.status_code == 200 and "CL-CAR-" not in theirs.text
    assert len(_embedded(theirs.text, "track-layers")["segments"]) == 2

    # a patrol under way with no fix yet: no line, no marker, the sectors shown
    idle = login("cl.operator").post(
        "/api/v1/patrols/logs",
        json={"unit": "CL-CAR-ARICA-1", "started_at": "2025-11-26T08:00:00-03:00"},
    )
    assert idle.status_code == 201, idle.text
    waiting = officer.get(f"/patrols/logs/{idle.json()['id']}?lang=es")
    assert "Sin recorrido registrado." in waiting.text and "en curso" in waiting.text
    empty = _embedded(waiting.text, "track-layers")
    assert (empty["segments"], empty["ends"], empty["ended"]) == ([], [], False)
    assert len(empty["sectors"]) == 6

    for missing in ("/patrols/logs/999999", "/patrols/logs/0", "/patrols/logs/99999999999"):
        assert officer.get(missing).status_code == 404, missing
    assert httpx.get(f"{officer.base_url}/patrols/logs/{chile['id']}").status_code == 303


def test_the_report_page_shows_the_apis_figures(
    login: Login, signed_in: SignedIn, sync: Callable[[], int]
) -> None:
    plan, chile = chilean_patrol(login)
    peruvian_patrol(login)
    sync()
    supervisor = signed_in("cl.pdi")
    page = supervisor.get("/patrols/report", params={"from": DAY, "to": DAY})
    assert page.status_code == 200, page.text
    assert "Plan versus lo realizado" in page.text and 'role="alert"' not in page.text
    api = login("cl.pdi").get(
        "/api/v1/patrols/report",
        params={"from": f"{DAY}T00:00:00-03:00", "to": "2025-11-26T00:00:00-03:00"},
    )
    assert api.status_code == 200, api.text
    report = api.json()
    assert report["planned"] == len(plan["assignments"]) and report["patrolled"] == 1
    assert report["patrols"] == 2
    figures = dict(re.findall(r'data-figure="(\w+)" data-value="([^"]*)"', page.text))
    assert figures.keys() == {"patrolled_share", "planned", "patrolled", "patrols", "hours", "km",
                              "outside_sectors_hours"}  # fmt: skip
    for name, value in figures.items():
        assert float(value) == report[name], name
    assert f"{report['patrolled_share'] * 100:.0f} %" in page.text

    sectors = re.findall(
        r'<tr data-sector="([\w-]+)" data-border-km="([^"]*)" data-border-covered-km="([^"]*)" '
        r'data-border-share="([^"]*)" data-hours="([^"]*)" data-km="([^"]*)" '
        r'data-findings="(\d+)" data-findings-per-hour="([^"]*)">',
        page.text,
    )
    assert [s[0] for s in sectors] == [s["sector"] for s in report["sectors"]]
    for row, expected in zip(sectors, report["sectors"], strict=True):
        keys = ("border_km", "border_covered_km", "border_share", "hours", "km", "findings")
        assert tuple(float(v) for v in row[1:7]) == tuple(expected[k] for k in keys), row[0]
        rate = expected["findings_per_hour"]
        assert row[7] == ("" if rate is None else str(rate))
    worked = next(s for s in report["sectors"] if s["sector"] == chile["sector"])
    assert worked["findings"] == 1 and worked["border_share"] > 0.5
    row = page.text.split(f'<tr data-sector="{chile["sector"]}"')[1].split("</tr>")[0]
    assert f'style="width: {min(worked["border_share"], 1) * 100:.1f}%"' in row  # the bar
    for agency in worked["agencies"]:
        assert (
            f'data-agency="{agency["agency"]}">{agency["agency"]}: {agency["hours"]:.1f} h' in row
        )

    shifts = re.findall(r'<tr data-sector="[\w-]+" data-country="CL" data-patrolled="(yes|no)"'
                        r'(?: data-patrol="(\d+)")?>', page.text)  # fmt: skip
    assert len(shifts) == len(report["shifts"]) == len(plan["assignments"])
    assert [p for done, p in shifts if done == "yes"] == [str(chile["id"])]
    assert f'<a href="/patrols/logs/{chile["id"]}">Ver recorrido</a>' in page.text
    assert "Planned shifts patrolled" in supervisor.get(f"/patrols/report?from={DAY}&lang=en").text

    longest = supervisor.get("/patrols/report", params={"from": "2025-11-01", "to": "2025-12-01"})
    assert 'role="alert"' not in longest.text
    assert _typed_window(longest.text) == ("2025-11-01", "2025-12-01")
    for bad in ({"from": "2025-10-31", "to": "2025-12-01"}, {"from": DAY, "to": "2025-11-24"},
                {"from": "hoy"}, {"to": "2025-11-31"}, {"from": "0001-01-01"}):  # fmt: skip
        refused = supervisor.get("/patrols/report", params=bad)
        assert refused.status_code == 200 and 'role="alert"' in refused.text, bad
        assert _typed_window(refused.text) == _last_week(), bad
    assert "at most 31 days" in supervisor.get("/patrols/report?from=2025-10-01&to=2025-11-30").text
    default = supervisor.get("/patrols/report")
    assert _typed_window(default.text) == _last_week() and "no-shifts" in default.text
    assert httpx.get(f"{supervisor.base_url}/patrols/report").status_code == 303
