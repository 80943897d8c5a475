"""The joint-patrol pages over real HTTP with a signed-in browser session, on SQLite and
PostgreSQL: the sector risk map (its data embedded in the page), the plan list, the plan board
of both sides with joint shifts marked, drafting from the page, and approving (supervisors
only: the button is not shown to others and their POST is refused)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from hito.patrols.io import demo_units
from hito.web.i18n_patrols import STRINGS
from tests.patrols.test_plans import _stranded_group

Login = Callable[[str], httpx.Client]


@pytest.fixture(scope="session")
def backend() -> str:
    """The pages, not the storage: the services they call are tested on both backends."""
    return "sqlite"


SignedIn = Callable[[str], httpx.Client]
TEMPLATES = Path(__file__).resolve().parents[2] / "hito" / "web" / "templates" / "patrols"
SECTORS = {"S1-LITORAL", "S2-CHACALLUTA", "S3-ESCRITOS", "S4-PALCA", "S5-ANCOMARCA", "S6-VISVIRI"}


def _units(login: Login, country: str) -> None:
    supervisor = login("cl.pdi" if country == "CL" else "pe.supervisor")
    units = [u.model_dump(mode="json") for u in demo_units(country)]
    assert supervisor.post("/api/v1/patrols/units", json=units).status_code == 201


def _plan(login: Login, username: str, **request: Any) -> dict[str, Any]:
    body = {"first_day": "2025-11-25", "days": 1, "seed": 3, "seconds": 2, **request}
    reply = login(username).post("/api/v1/patrols/plans", json=body)
    assert reply.status_code == 201, reply.text
    plan: dict[str, Any] = reply.json()
    return plan


def _embedded(html: str, element_id: str) -> Any:
    found = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert found, f"no #{element_id} in the page"
    return json.loads(found.group(1))


def test_the_risk_map_embeds_sectors_levels_line_and_hotspots(
    login: Login, signed_in: SignedIn
) -> None:
    _stranded_group(login("cl.operator"))
    officer = signed_in("cl.operator")
    page = officer.get("/patrols/risk", params={"at": "2025-11-25T12:00"})
    assert page.status_code == 200, page.text
    assert "Mapa de riesgo por sector" in page.text and "2025-11-25 12:00" in page.text
    layers = _embedded(page.text, "risk-layers")
    assert {s["code"] for s in layers["sectors"]} == SECTORS
    chacalluta = next(s for s in layers["sectors"] if s["code"] == "S2-CHACALLUTA")
    assert (chacalluta["day_level"], chacalluta["night_level"]) == ("critical", "critical")
    assert chacalluta["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert chacalluta["day"] > 0 and chacalluta["night"] > 0
    quiet = next(s for s in layers["sectors"] if s["code"] == "S6-VISVIRI")
    assert (quiet["day"], quiet["day_level"], quiet["override"]) == (0, "low", None)
    assert layers["border"]["geometry"]["type"] == "LineString"
    assert layers["kind"] == "day"  # noon
    assert layers["hotspots"], "the stranded group and the crossings are hotspots"
    assert all(len(h["boundary"]) >= 5 and h["events"] >= 1 for h in layers["hotspots"])
    assert '<tr data-sector="S2-CHACALLUTA" data-day-level="critical"' in page.text
    night = officer.get("/patrols/risk", params={"at": "2025-11-25T23:00", "lang": "en"})
    assert (
        "Sector risk map" in night.text and _embedded(night.text, "risk-layers")["kind"] == "night"
    )
    # a month later nothing is recent: every sector low, no hotspot
    later = _embedded(officer.get("/patrols/risk?at=2026-01-10T12:00").text, "risk-layers")
    assert {s["day_level"] for s in later["sectors"]} == {"low"} and later["hotspots"] == []
    for bad in ("soon", "0001-01-01T00:00", "2025-13-40T00:00"):
        refused = officer.get("/patrols/risk", params={"at": bad})
        assert refused.status_code == 200 and 'role="alert"' in refused.text, bad
    assert httpx.get(f"{officer.base_url}/patrols/risk").status_code == 303  # to the login


def test_a_supervisors_override_and_its_reason_on_the_map(
    login: Login, signed_in: SignedIn
) -> None:
    override = {"sector": "S4-PALCA", "level": "high", "reason": "Paso cerrado por nevazón"}
    reply = login("cl.pdi").post("/api/v1/patrols/overrides", json=override)
    assert reply.status_code == 201, reply.text
    page = signed_in("cl.viewer").get("/patrols/risk")
    palca = next(
        s for s in _embedded(page.text, "risk-layers")["sectors"] if s["code"] == "S4-PALCA"
    )
    assert palca["day_level"] == palca["night_level"] == "high"
    assert palca["computed_day_level"] == "low"
    assert palca["override"]["reason"] == "Paso cerrado por nevazón"
    assert palca["override"]["set_by"] == "cl.pdi" and palca["override"]["expires_at"]
    row = page.text.split('<tr data-sector="S4-PALCA"')[1].split("</tr>")[0]
    assert "Paso cerrado por nevazón" in row and "calculado: bajo" in row and "alto" in row


def test_a_supervisor_approves_a_draft_on_the_board_and_an_officer_cannot(
    login: Login, signed_in: SignedIn
) -> None:
    _units(login, "CL")
    _stranded_group(login("cl.operator"))
    plan = _plan(login, "cl.operator")
    board_url = f"/patrols/plans/{plan['id']}"
    supervisor, officer = signed_in("cl.pdi"), signed_in("cl.operator")

    listed = supervisor.get("/patrols/plans")
    assert f'<tr data-plan="{plan["id"]}" data-country="CL" data-status="draft">' in listed.text
    assert officer.get("/patrols/plans", params={"country": "PE"}).text.count("data-plan=") == 0
    assert "data-plan=" in officer.get("/patrols/plans?on=2025-11-25").text
    assert "data-plan=" not in officer.get("/patrols/plans?on=2025-11-27").text
    assert 'role="alert"' in officer.get("/patrols/plans?on=someday").text

    board = supervisor.get(board_url)
    assert board.status_code == 200
    assert f'action="{board_url}/approve"' in board.text and "Aprobar plan" in board.text
    rows = re.findall(r'<tr data-unit="([A-Z0-9-]+)"', board.text)
    assert set(rows) == {u.code for u in demo_units("CL")}  # those given no shift too
    assert {a["unit"] for a in plan["assignments"]} < set(rows)
    shifts = board.text.count('title="Día">') + board.text.count('title="Noche">')
    assert shifts == 2 * 3  # three 8-hour shifts, in the board's head and in the heat table's
    assert "00:00" in board.text and "16:00" in board.text  # Chile's local midnight, not UTC
    assert 'data-sector="S2-CHACALLUTA"' in board.text
    assert 'class="post joint"' not in board.text  # Peru has no plan: nothing is joint
    assert "no-counterpart" in board.text
    for u in plan["uncovered"]:
        assert f'data-reason="{u["reason"]}"' in board.text
    assert board.text.count("data-p=") == len(plan["coverage"])
    assert f"{plan['gap'] * 100:.1f} %" in board.text

    seen = officer.get(board_url)
    assert seen.status_code == 200 and "/approve" not in seen.text
    forged = officer.post(f"{board_url}/approve")
    assert forged.status_code == 403 and 'role="alert"' in forged.text
    assert login("cl.operator").get(f"/api/v1{board_url}").json()["status"] == "draft"

    approved = supervisor.post(f"{board_url}/approve")
    assert approved.status_code == 303 and approved.headers["location"].endswith("?approved=1")
    after = supervisor.get(approved.headers["location"])
    assert "Plan aprobado y compartido con el otro lado." in after.text
    assert 'data-status="approved"' in after.text and "/approve" not in after.text
    again = supervisor.post(f"{board_url}/approve")
    assert again.status_code == 409 and "ya está aprobado" in again.text  # the reader's language
    english = supervisor.get(f"{board_url}?lang=en")
    assert "Plan board" in english.text and "approved" in english.text
    for missing in ("/patrols/plans/999999", "/patrols/plans/99999999999"):
        assert supervisor.get(missing).status_code == 404
        assert supervisor.post(f"{missing}/approve").status_code == 404

    # an approved plan is withdrawn on the board, with a reason; an officer cannot
    assert f'action="{board_url}/withdraw"' in after.text and "Retirar plan" in after.text
    assert "/withdraw" not in officer.get(board_url).text
    assert officer.post(f"{board_url}/withdraw", data={"reason": "por error"}).status_code == 403
    for bad in ("", "  ", "x\x00y", "a" * 600):
        refused = supervisor.post(f"{board_url}/withdraw", data={"reason": bad})
        assert refused.status_code == 422 and 'role="alert"' in refused.text, bad
    withdrawn = supervisor.post(f"{board_url}/withdraw", data={"reason": "Aprobado por error"})
    assert withdrawn.status_code == 303 and withdrawn.headers["location"].endswith("?withdrawn=1")
    back = supervisor.get(withdrawn.headers["location"])
    assert "Plan withdrawn: it is a draft again." in back.text  # English since ?lang=en above
    assert 'data-status="draft"' in back.text and f'action="{board_url}/approve"' in back.text


def test_the_other_sides_approved_plan_beside_ours_joint_shifts_marked(
    login: Login, signed_in: SignedIn, sync: Callable[[], int]
) -> None:
    _units(login, "CL")
    _units(login, "PE")
    _stranded_group(login("cl.operator"))  # binational: Peru's risk counts it as well
    sync()
    peru = _plan(login, "pe.operator")
    assert login("pe.supervisor").post(f"/api/v1/patrols/plans/{peru['id']}/approve").is_success
    sync()
    chile = _plan(login, "cl.operator")
    supervisor = signed_in("cl.pdi")
    received = supervisor.get("/patrols/plans", params={"country": "PE"})
    (received_id,) = re.findall(r'<tr data-plan="(\d+)" data-country="PE"', received.text)
    assert "Recibido de PE" in received.text

    board = supervisor.get(f"/patrols/plans/{chile['id']}").text
    sides = re.findall(r'<tbody class="side" data-country="([A-Z]{2})"', board)
    assert sides == ["CL", "PE"] and "no-counterpart" not in board
    peru_side = board.split('<tbody class="side" data-country="PE"')[1].split("</tbody>")[0]
    assert 'data-unit=""' in peru_side and "PE-" in peru_side  # by agency and kind, no unit
    assert "PE-PNP" in peru_side
    covered = {a["sector"] for a in chile["assignments"]} & {
        a["sector"] for a in peru["assignments"]
    }
    assert "S2-CHACALLUTA" in covered  # critical on both sides, covered on both
    # joint, and critical when planned: on our plan and on theirs (the level travels with it)
    joint_critical = 'class="post joint at-critical" data-sector="S2-CHACALLUTA" data-impact='
    assert joint_critical + '"critical" title="S2-CHACALLUTA · conjunto · crítico"' in board
    assert joint_critical + '"critical"' in peru_side

    theirs = supervisor.get(f"/patrols/plans/{received_id}")
    assert theirs.status_code == 200 and "/approve" not in theirs.text
    assert "solo su nodo lo modifica" in theirs.text
    refused = supervisor.post(f"/patrols/plans/{received_id}/approve")
    assert refused.status_code == 409 and 'role="alert"' in refused.text


def test_drafting_a_plan_from_the_page(login: Login, signed_in: SignedIn) -> None:
    officer, viewer = signed_in("cl.operator"), signed_in("cl.viewer")
    form = {"first_day": "2025-11-25", "days": "1", "shift_hours": "12"}
    empty = officer.post("/patrols/plans", data=form)
    assert empty.status_code == 422 and "No hay unidades de patrullaje" in empty.text
    _units(login, "CL")
    assert 'method="post" action="/patrols/plans"' in officer.get("/patrols/plans").text
    assert 'method="post" action="/patrols/plans"' not in viewer.get("/patrols/plans").text
    assert viewer.post("/patrols/plans", data=form).status_code == 403
    for bad in ({**form, "days": "0"}, {**form, "days": "x"}, {**form, "shift_hours": "7"},
                {**form, "first_day": "0001-01-01"}):  # fmt: skip
        refused = officer.post("/patrols/plans", data=bad)
        assert refused.status_code == 422 and 'role="alert"' in refused.text, bad
        assert f'value="{bad["first_day"]}"' in refused.text  # what was typed stays
    drafted = officer.post("/patrols/plans", data=form)
    assert drafted.status_code == 303, drafted.text
    board = officer.get(drafted.headers["location"])
    assert "Borrador preparado" in board.text and 'data-status="draft"' in board.text
    assert 'title="Día">00:00<' in board.text and 'title="Día">12:00<' in board.text
    assert "20:00<" not in board.text  # two shifts of 12 hours, both by day
    assert login("cl.operator").get("/api/v1/patrols/plans").json()[0]["shift_hours"] == 12


def test_every_word_the_patrol_pages_use_exists_in_both_languages() -> None:
    used: set[str] = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"\bt\.(pt_[a-z_]+)", template.read_text(encoding="utf-8")))
    assert used and used <= set(STRINGS), sorted(used - set(STRINGS))
    assert all(es and en for es, en in STRINGS.values())
