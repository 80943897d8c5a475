"""The duty supervisor's patrol pages in headless Chromium (Debian's, driven by Playwright), on a
tablet's screen: approving a draft on the plan board, a field officer who cannot, the sector
risk map drawn by Leaflet, and a patrol's track and the plan-against-actual report."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser import screenshot, sign_in
from tests.nodes import TestNode
from tests.patrols.test_log_pages import chilean_patrol
from tests.patrols.test_pages import _plan, _units
from tests.patrols.test_plans import _stranded_group

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("backend", ["sqlite"], indirect=True),  # the pages, not the storage
]
Login = Callable[[str], httpx.Client]


def test_a_supervisor_approves_the_draft_an_officer_cannot(
    page: Page, nodes: dict[str, TestNode], login: Login
) -> None:
    base = nodes["CL"].url
    _units(login, "CL")
    _stranded_group(login("cl.operator"))
    plan = _plan(login, "cl.operator")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # A field officer sees the board, no button; a POST made by hand is refused.
    sign_in(page, base, "cl.operator")
    page.get_by_role("link", name="Patrullas").click()
    expect(page.get_by_role("heading", name="Planes de patrullaje")).to_be_visible()
    page.locator(f"tr[data-plan='{plan['id']}']").get_by_role("link", name="Abrir").click()
    expect(page.locator("h1 .state")).to_have_text("borrador")
    expect(page.locator("table.board tr[data-unit]")).not_to_have_count(0)
    expect(page.get_by_role("button", name="Aprobar plan")).to_have_count(0)
    forged = page.request.post(f"{base}/patrols/plans/{plan['id']}/approve")
    assert forged.status == 403
    page.reload()
    expect(page.locator("h1 .state")).to_have_text("borrador")

    # The supervisor approves it from the board.
    page.context.clear_cookies()
    sign_in(page, base, "cl.pdi")
    page.goto(f"{base}/patrols/plans/{plan['id']}")
    chacalluta = page.locator("table.board span.post[data-sector='S2-CHACALLUTA']")
    expect(chacalluta.first).to_be_visible()
    expect(page.locator("table.heat td[data-p]")).to_have_count(len(plan["coverage"]))
    screenshot(page, "patrols-board.png")
    page.get_by_role("button", name="Aprobar plan").click()
    expect(page.get_by_role("status")).to_have_text("Plan aprobado y compartido con el otro lado.")
    expect(page.locator("h1 .state")).to_have_text("aprobado")
    expect(page.get_by_role("button", name="Aprobar plan")).to_have_count(0)
    assert login("cl.operator").get(f"/api/v1/patrols/plans/{plan['id']}").json()["status"] == (
        "approved"
    )
    page.goto(f"{base}/patrols/plans?status=approved&lang=en")
    expect(page.locator(f"tr[data-plan='{plan['id']}'] .state")).to_have_text("approved")
    assert errors == []


def test_the_risk_map_draws_the_six_sectors_by_level_and_the_hotspots(
    page: Page, nodes: dict[str, TestNode], login: Login
) -> None:
    base = nodes["CL"].url
    _stranded_group(login("cl.operator"))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, base, "cl.pdi")
    page.goto(f"{base}/patrols/risk?at=2025-11-25T12:00")
    expect(page.get_by_role("heading", name="Mapa de riesgo por sector")).to_be_visible()
    sectors = page.locator("#risk-map path.sector")
    expect(sectors).to_have_count(6)
    expect(page.locator("#risk-map path.border-line")).to_have_count(1)
    expect(page.locator("#risk-map path.hotspot")).not_to_have_count(0)
    expect(page.locator("#risk-map path.hotspot-dot")).to_have_count(
        page.locator("#risk-map path.hotspot").count()
    )
    expect(page.locator("#risk-map path.sector-S2-CHACALLUTA")).to_have_attribute(
        "data-level", "critical"
    )
    expect(page.locator("#risk-map path.sector-S6-VISVIRI")).to_have_attribute("data-level", "low")
    legend = page.locator(".risk-legend")
    expect(legend.locator("li[data-level=critical] .count")).to_have_text("1")
    expect(legend.locator("li[data-level=low] .count")).not_to_have_text("0")
    assert page.evaluate("window.hitoRiskMap.sectors.getLayers().length") == 6
    screenshot(page, "patrols-risk.png")

    page.get_by_role("button", name="Noche").click()
    expect(page.get_by_role("button", name="Noche")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="Día")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#risk-map path.sector-S2-CHACALLUTA")).to_have_attribute(
        "data-level", "critical"
    )
    page.locator("#risk-map path.sector-S2-CHACALLUTA").dispatch_event("click")
    expect(page.locator(".leaflet-popup-content")).to_contain_text("S2-CHACALLUTA")
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Noche")
    # the hotspots layer can be switched off
    page.locator(".leaflet-control-layers").get_by_text("Puntos calientes (celdas H3)").click()
    expect(page.locator("#risk-map path.hotspot")).to_have_count(0)
    expect(page.locator("#risk-map path.hotspot-dot")).to_have_count(0)
    assert errors == []


def test_a_patrols_track_drawn_segment_by_segment_and_the_report(
    page: Page, nodes: dict[str, TestNode], login: Login
) -> None:
    base = nodes["CL"].url
    _, patrol = chilean_patrol(login)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, base, "cl.pdi")
    page.goto(f"{base}/patrols/logs?from=2025-11-25&to=2025-11-25")
    row = page.locator(f"tr[data-patrol='{patrol['id']}']")
    expect(row.locator("td").first).to_have_text("Chile")
    screenshot(page, "patrols-logs.png")
    row.get_by_role("link", name="Abrir").click()
    expect(page.get_by_role("heading", name=f"Patrullaje nº {patrol['id']}")).to_be_visible()
    # one line per segment: none drawn across the GPS's gap
    expect(page.locator("#track-map path.track-segment")).to_have_count(len(patrol["segments"]))
    assert len(patrol["segments"]) == 2
    expect(page.locator("#track-map path.track-start")).to_have_count(1)
    expect(page.locator("#track-map path.track-end")).to_have_count(1)
    expect(page.locator("#track-map path.border-line")).to_have_count(1)
    expect(page.locator("#track-map path.sector")).to_have_count(6)
    finding = page.locator("#track-map path.finding")
    expect(finding).to_have_count(1)
    screenshot(page, "patrols-track.png")
    finding.dispatch_event("click")
    expect(page.locator(".leaflet-popup-content")).to_contain_text(
        f"Avistamiento #{patrol['findings'][0]}"
    )

    page.get_by_role("link", name="Plan versus lo realizado").click()
    page.get_by_label("Desde el día").fill("2025-11-25")
    page.get_by_label("Hasta el día (incluido)").fill("2025-11-25")
    page.get_by_role("button", name="Ver").click()
    window = {"from": "2025-11-25T00:00:00-03:00", "to": "2025-11-26T00:00:00-03:00"}
    report = login("cl.pdi").get("/api/v1/patrols/report", params=window).json()
    share = page.locator("dd[data-figure=patrolled_share]")
    expect(share).to_have_text(f"{report['patrolled_share'] * 100:.0f} %")
    expect(page.locator("tr[data-patrolled=yes]")).to_have_count(1)
    screenshot(page, "patrols-report.png")
    page.locator("tr[data-patrolled=yes]").get_by_role("link", name="Ver recorrido").click()
    expect(page).to_have_url(f"{base}/patrols/logs/{patrol['id']}")
    assert errors == []
