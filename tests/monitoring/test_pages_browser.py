"""The duty supervisor's monitoring pages in headless Chromium (Debian's, driven by Playwright),
on a tablet's screen: the dashboard and its alerts, an indicator's records, the briefing and its
PDF."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser import screenshot, sign_in
from tests.monitoring.test_indicators import _world
from tests.nodes import TestNode

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("backend", ["sqlite"], indirect=True),  # the pages, not the storage
]
Login = Callable[[str], httpx.Client]


def test_a_supervisor_reads_the_alerts_the_records_and_the_briefing(
    page: Page, nodes: dict[str, TestNode], login: Login, sync: Callable[[], int]
) -> None:
    base = nodes["CL"].url
    made = _world(login("cl.pdi"), sync)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, base, "cl.pdi")

    # the dashboard, at the end of Monday 24 November
    page.get_by_role("link", name="Monitoreo").click()
    expect(page.get_by_role("heading", name="Tablero de monitoreo")).to_be_visible()
    page.get_by_label("Día de corte").fill("2025-11-24")
    page.get_by_role("button", name="Ver").click()
    expect(page.locator(".as-of")).to_have_text("2025-11-25 00:00")
    alerts = page.locator(".mo-alerts li")
    expect(alerts).to_have_count(2)
    expect(alerts.first).to_contain_text("Personas varadas ahora: 105 personas")
    expect(alerts.first.locator(".mo-level")).to_have_text("crítico")
    expect(alerts.nth(1)).to_contain_text("Visitantes del último fin de semana: 7,000 personas")
    row = page.locator("table.indicators tr[data-indicator=stranded_now]")
    expect(row.locator(".mo-level")).to_have_text("crítico")
    colour = row.locator(".mo-level").evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour == "rgb(142, 0, 0)"
    row.get_by_text("Definición").click()  # the definition, unfolded
    expect(row.locator("details p").first).to_contain_text("Suma de las personas")
    expect(page.locator("figure.forecast .no-forecast")).to_have_count(2)  # too short a history
    expect(page.locator("img.chart.queue")).to_have_count(2)
    screenshot(page, "monitoring-dashboard.png")

    # the records behind the figure
    row.get_by_role("link", name="Personas varadas ahora").click()
    expect(
        page.get_by_role("heading", name="Registros detrás de la cifra: Personas varadas ahora")
    ).to_be_visible()
    expect(page).to_have_url(f"{base}/monitoring/indicators/stranded_now?at=2025-11-24")
    expect(page.locator("table.records tbody tr")).to_have_count(3)
    uids = page.locator("table.records tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.uid)"
    )
    assert sorted(uids) == sorted(e["uid"] for e in made["stranded"][:3])
    expect(page.locator("[data-figure=total]")).to_have_text("3")

    # the briefing of the week, and its PDF
    page.get_by_role("link", name="Volver al tablero").click()
    page.get_by_role("link", name="Informe para el comité").click()
    expect(page.get_by_role("heading", name="Informe para el comité")).to_be_visible()
    page.get_by_label("Desde el día").fill("2025-11-18")
    page.get_by_label("Hasta el día (incluido)").fill("2025-11-24")
    page.get_by_role("button", name="Preparar informe").click()
    expect(page.locator(".briefing-period")).to_have_text("2025-11-18 – 2025-11-24")
    briefing = page.frame_locator("iframe.briefing")
    expect(
        briefing.get_by_role("heading", name="Informe para el Comité Binacional de Migraciones")
    ).to_be_visible()
    expect(briefing.get_by_role("heading", name="Alertas abiertas")).to_be_visible()
    screenshot(page, "monitoring-briefing.png")
    href = page.get_by_role("link", name="Descargar PDF").get_attribute("href")
    assert href and re.fullmatch(
        r"/monitoring/briefing\.pdf\?from=2025-11-18&to=2025-11-24\S*", href
    )
    pdf = page.request.get(f"{base}{href}")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")
    assert errors == []
