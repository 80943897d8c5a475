"""A person's path through the pages, in headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from hito.bootstrap import prepare_database
from hito.db import make_engine, make_sessionmaker, session_scope
from hito.demo import load_demo
from hito.settings import DEMO_PASSWORD, Settings
from tests.conftest import LiveServer

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    settings = Settings(database_url=url, demo=True, node_modules=ROOT / "node_modules")
    prepare_database(settings)
    with session_scope(make_sessionmaker(make_engine(url))) as session:
        assert load_demo(session, settings=settings) is not None
    with LiveServer(settings) as live:
        yield live


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1024, "height": 768})  # a tablet
    tab = context.new_page()
    yield tab
    context.close()


def _login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/events")
    expect(page.get_by_role("heading", name="Ingresar")).to_be_visible()
    page.get_by_label("Usuario").fill(username)
    page.get_by_label("Contraseña").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Ingresar").click()
    expect(page.get_by_role("heading", name="Eventos")).to_be_visible()


def test_officer_finds_the_stranded_group_in_the_list_and_on_the_map(
    page: Page, demo_server: LiveServer
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _login(page, demo_server.url, "carabineros")
    page.get_by_label("Tipo").select_option("stranded_group")
    page.get_by_role("button", name="Filtrar").click()
    rows = page.locator("tr[data-event-type]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Grupo varado")
    rows.first.get_by_role("link").click()
    expect(page.locator("#headcount")).to_have_text("20")
    history = page.locator("table.observations tbody tr")
    expect(history).to_have_count(3)
    expect(history.nth(0)).to_contain_text("100")
    expect(history.nth(1)).to_contain_text("70")
    expect(history.nth(2)).to_contain_text("20")
    expect(page.get_by_text("America/Santiago").first).to_be_visible()

    page.get_by_role("link", name="Ver en el mapa").click()
    stranded = page.locator("path.event-stranded_group")
    expect(stranded).to_have_count(1)
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Grupo varado")
    expect(page.locator("path.border-line")).to_have_count(1)
    expect(page.locator("path.crossing")).to_have_count(1)
    assert page.locator("path.event").count() > 100
    page.screenshot(path=str(ROOT / "var" / "map.png")) if (ROOT / "var").is_dir() else None
    assert errors == []


def test_english_toggle_and_peruvian_time(page: Page, demo_server: LiveServer) -> None:
    _login(page, demo_server.url, "pnp")
    page.get_by_role("link", name="EN", exact=True).click()
    expect(page.get_by_role("heading", name="Events")).to_be_visible()
    expect(page.get_by_text("America/Lima")).to_be_visible()
    page.goto(f"{demo_server.url}/map")
    expect(page.get_by_role("heading", name="Map")).to_be_visible()


def test_unknown_event_page_is_a_404(page: Page, demo_server: LiveServer) -> None:
    _login(page, demo_server.url, "pdi")
    for event_id in ("999999", "99999999999999999999999"):
        reply = page.goto(f"{demo_server.url}/events/{event_id}")
        assert reply is not None and reply.status == 404, event_id
        expect(page.get_by_role("link", name="Volver a la lista")).to_be_visible()


def test_wrong_password_stays_on_login(page: Page, demo_server: LiveServer) -> None:
    page.goto(f"{demo_server.url}/login")
    page.get_by_label("Usuario").fill("carabineros")
    page.get_by_label("Contraseña").fill("wrong password")
    page.get_by_role("button", name="Ingresar").click()
    expect(page.get_by_role("alert")).to_have_text("Usuario o contraseña incorrectos")


def test_html_in_descriptions_is_shown_as_text(page: Page, demo_server: LiveServer) -> None:
    import httpx

    token = httpx.post(
        f"{demo_server.url}/api/v1/auth/token",
        data={"username": "sermig", "password": DEMO_PASSWORD},
    ).json()
    httpx.post(
        f"{demo_server.url}/api/v1/events",
        headers={"Authorization": f"Bearer {token['access_token']}"},
        json={
            "type": "other",
            "occurred_at": "2025-12-01T10:00:00-03:00",
            "location": {"lat": -18.3, "lon": -70.3},
            "description": "<img src=x onerror=alert(1)>",
        },
    )
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _login(page, demo_server.url, "sermig")
    expect(page.get_by_text("<img src=x onerror=alert(1)>")).to_be_visible()
    page.goto(f"{demo_server.url}/map")
    expect(page.locator("path.event").first).to_be_attached()
    assert dialogs == []


def test_supervisor_filters_a_day_and_an_agency(page: Page, demo_server: LiveServer) -> None:
    _login(page, demo_server.url, "pdi")
    page.get_by_label("Desde").fill("2025-11-20")
    page.get_by_label("Hasta").fill("2025-11-20")
    page.get_by_role("button", name="Filtrar").click()
    rows = page.locator("tr[data-event-type]")
    expect(rows.filter(has_text="Medida oficial")).to_have_count(1)  # the Tacna emergency
    days = {text[:10] for text in rows.locator("td:first-child").all_inner_texts()}
    assert days == {"2025-11-20"}  # whole day in America/Santiago, both ends included
    page.get_by_label("Institución").select_option("PE-MIGRACIONES")
    page.get_by_label("Desde").fill("")
    page.get_by_label("Hasta").fill("")
    page.get_by_role("button", name="Filtrar").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Alteración en paso fronterizo")
