"""A person's path through the pages, in headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from hito.db import make_engine, make_sessionmaker
from hito.demo import finish_demo
from hito.demo.up import DemoNode, prepare
from hito.exchange import read_key
from hito.exchange.worker import ExchangeWorker
from hito.settings import DEMO_PASSWORD
from tests.nodes import LiveServer, TestNode, free_port, sync

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Demo:
    cl: str
    pe: str


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """Both demo nodes, as `make run` prepares them, served with their exchange running."""
    folder = tmp_path_factory.mktemp("demo")
    ports = {"CL": free_port(), "PE": free_port()}
    nodes = [DemoNode(code, port, folder, "127.0.0.1") for code, port in ports.items()]
    prepare(nodes, say=lambda _: None)
    running: dict[str, TestNode] = {}
    workers = []
    for node in nodes:
        settings = node.settings().model_copy(
            update={"node_modules": ROOT / "node_modules", "exchange_interval": 0.2}
        )
        sessions = make_sessionmaker(make_engine(settings.database_url))
        server = LiveServer(settings, port=node.port).__enter__()
        running[node.code] = TestNode(
            node.code, settings, sessions, read_key(settings.key_path), server
        )
    sync(running)
    for code in ("PE", "CL"):  # Peru observes the stranded group; linkage on both
        with running[code].sessions() as session:
            finish_demo(session, settings=running[code].settings)
            session.commit()
        sync(running)
    for node in running.values():
        worker = ExchangeWorker(node.exchange())
        worker.start()
        workers.append(worker)
    yield Demo(cl=running["CL"].url, pe=running["PE"].url)
    for worker in workers:
        worker.stop()
    for node in running.values():
        node.server.__exit__()


def _login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/events?lang=es")
    expect(page.get_by_role("heading", name="Ingresar")).to_be_visible()
    page.get_by_label("Usuario").fill(username)
    page.get_by_label("Contraseña").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Ingresar").click()
    expect(page.get_by_role("heading", name="Eventos")).to_be_visible()


def test_officer_finds_the_stranded_group_in_the_list_and_on_the_map(
    page: Page, demo: Demo
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _login(page, demo.cl, "carabineros")
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
    expect(history.nth(1)).to_contain_text("Recibido de PE")  # Peru's count, on Chile's node
    expect(history.nth(2)).to_contain_text("20")
    expect(page.get_by_text("America/Santiago").first).to_be_visible()

    page.get_by_role("link", name="Ver en el mapa").click()
    stranded = page.locator("path.event-stranded_group")
    expect(stranded).to_have_count(1)
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Grupo varado")
    expect(page.locator("path.border-line")).to_have_count(1)
    expect(page.locator("path.crossing")).to_have_count(2)  # Chacalluta, and Peru's Santa Rosa
    assert page.locator("path.event").count() > 100
    assert page.locator("path.event.origin-PE").count() > 10  # Peru's shared events, here
    page.screenshot(path=str(ROOT / "var" / "map.png")) if (ROOT / "var").is_dir() else None
    assert errors == []


def test_english_toggle_and_peruvian_time(page: Page, demo: Demo) -> None:
    _login(page, demo.pe, "pnp")
    page.get_by_role("link", name="EN", exact=True).click()
    expect(page.get_by_role("heading", name="Events")).to_be_visible()
    expect(page.get_by_text("America/Lima")).to_be_visible()
    page.goto(f"{demo.pe}/map")
    expect(page.get_by_role("heading", name="Map")).to_be_visible()


def test_unknown_event_page_is_a_404(page: Page, demo: Demo) -> None:
    _login(page, demo.cl, "pdi")
    for event_id in ("999999", "99999999999999999999999"):
        reply = page.goto(f"{demo.cl}/events/{event_id}")
        assert reply is not None and reply.status == 404, event_id
        expect(page.get_by_role("link", name="Volver a la lista")).to_be_visible()


def test_wrong_password_stays_on_login(page: Page, demo: Demo) -> None:
    page.goto(f"{demo.cl}/login")
    page.get_by_label("Usuario").fill("carabineros")
    page.get_by_label("Contraseña").fill("wrong password")
    page.get_by_role("button", name="Ingresar").click()
    expect(page.get_by_role("alert")).to_have_text("Usuario o contraseña incorrectos")


def test_html_in_descriptions_is_shown_as_text(page: Page, demo: Demo) -> None:
    import httpx

    token = httpx.post(
        f"{demo.cl}/api/v1/auth/token",
        data={"username": "sermig", "password": DEMO_PASSWORD},
    ).json()
    httpx.post(
        f"{demo.cl}/api/v1/events",
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
    _login(page, demo.cl, "sermig")
    expect(page.get_by_text("<img src=x onerror=alert(1)>")).to_be_visible()
    page.goto(f"{demo.cl}/map")
    expect(page.locator("path.event").first).to_be_attached()
    assert dialogs == []


def test_supervisor_filters_a_day_and_an_agency(page: Page, demo: Demo) -> None:
    _login(page, demo.cl, "pdi")
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


def test_both_nodes_in_one_browser_and_peru_events_on_chiles_map(page: Page, demo: Demo) -> None:
    """One browser, both nodes signed in side by side (each node's own session cookie); an event
    Peru's police report reaches Chile's map within two seconds."""
    _login(page, demo.pe, "pnp")
    _login(page, demo.cl, "carabineros")
    page.goto(f"{demo.pe}/events")
    expect(page.get_by_text("Conectado como")).to_contain_text("pnp")
    page.goto(f"{demo.cl}/events")
    expect(page.get_by_text("Conectado como")).to_contain_text("carabineros")
    token = httpx.post(
        f"{demo.pe}/api/v1/auth/token", data={"username": "pnp", "password": DEMO_PASSWORD}
    ).json()["access_token"]
    reported = httpx.post(
        f"{demo.pe}/api/v1/events",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "type": "interception",
            "occurred_at": "2025-11-28T06:30:00-05:00",
            "location": {"lat": -18.31, "lon": -70.36},
            "headcount": 9,
            "sharing_level": "binational",
            "description": "Interceptación PNP en la franja, lado peruano",
        },
    )
    assert reported.status_code == 201
    uid = reported.json()["uid"]
    chile = httpx.post(
        f"{demo.cl}/api/v1/auth/token", data={"username": "carabineros", "password": DEMO_PASSWORD}
    ).json()["access_token"]
    started = time.monotonic()
    while time.monotonic() - started < 2.0:
        found = httpx.get(
            f"{demo.cl}/api/v1/events",
            params={"uid": uid},
            headers={"Authorization": f"Bearer {chile}"},
        ).json()["items"]
        if found:
            break
        time.sleep(0.05)
    assert found, "Peru's event did not reach Chile within 2 s"
    page.goto(f"{demo.cl}/map#event-{found[0]['id']}")
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Origen: PE")
    page.goto(f"{demo.cl}/events/{found[0]['id']}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Recibido de PE")
    expect(page.locator(".notice")).to_contain_text("pertenece a PE")
    page.get_by_label("Nota").fill("Visto también por Carabineros en el km 5")
    page.get_by_role("button", name="Anotar").click()
    expect(page.locator("ul.annotations")).to_contain_text("km 5")


def test_link_and_agreement_pages_agree_on_both_nodes(page: Page, demo: Demo) -> None:
    shas = []
    for base, username, peer in [(demo.cl, "minrel", "PE"), (demo.pe, "rree", "CL")]:
        _login(page, base, username)
        page.goto(f"{base}/agreement")
        expect(page.locator("tr[data-record-type=person]").last).to_contain_text("protection")
        shas.append(page.locator("[data-sha256]").inner_text())
        page.goto(f"{base}/node")
        link = page.locator(f"table.link[data-peer={peer}]")
        expect(link.locator("[data-field=held]")).to_have_text("0")
    assert shas[0] == shas[1] and len(shas[0]) == 64


def test_a_request_for_information_asked_in_peru_answered_in_chile(page: Page, demo: Demo) -> None:
    _login(page, demo.pe, "migraciones")
    page.goto(f"{demo.pe}/requests/new")
    page.get_by_label("Sobre").select_option("document")
    page.get_by_label("Nº de documento").fill("V-19.876.543")
    page.get_by_label("Motivo").fill("Cédula presentada en Santa Rosa, ¿alerta en Chile?")
    page.get_by_label("Plazo").fill("2030-01-01T12:00")
    page.get_by_role("button", name="Enviar solicitud").click()
    expect(page.locator("h1 .state")).to_have_text("Abierta")
    _login(page, demo.cl, "pdi")
    page.goto(f"{demo.cl}/requests?box=inbox")
    row = page.locator("tr[data-state=open]").filter(has_text="V-19.876.543")
    expect(row).to_have_count(1, timeout=5000)
    row.get_by_role("link").click()
    page.get_by_label("Respuesta").first.fill("Sin alertas vigentes en Chile para ese documento.")
    page.get_by_role("button", name="Responder").click()
    expect(page.locator("h1 .state")).to_have_text("Respondida")
    page.goto(f"{demo.pe}/requests?box=outbox")
    answered = page.locator("tr[data-state=answered]").filter(has_text="V-19.876.543")
    expect(answered).to_have_count(1, timeout=5000)


def test_caseworker_screens_on_a_tablet_through_a_dropped_connection_and_refers(
    page: Page, demo: Demo
) -> None:
    import httpx

    token = httpx.post(
        f"{demo.cl}/api/v1/auth/token", data={"username": "oim", "password": DEMO_PASSWORD}
    ).json()["access_token"]
    person = httpx.post(
        f"{demo.cl}/api/v1/persons",
        headers={"Authorization": f"Bearer {token}"},
        json={"given_names": "Daniela", "surname_1": "Rondón", "sex": "female",
              "birth_date": "1996-04-02", "nationality": "VE", "sharing_level": "humanitarian",
              "encountered_at": "2025-11-24T16:00:00-03:00"},
    ).json()["id"]  # fmt: skip
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _login(page, demo.cl, "oim")
    page.get_by_role("link", name="Humanitario").click()
    expect(page.get_by_role("heading", name="Casos por atender")).to_be_visible()
    page.get_by_label("Evaluar el encuentro nº").fill(str(person))
    page.get_by_role("button", name="Evaluar").click()
    expect(
        page.get_by_role("heading", name=f"Evaluación de vulnerabilidad · Persona {person}")
    ).to_be_visible()

    page.get_by_label("Qué se explicó a la persona").fill(
        "Se explicó la evaluación, para qué sirve y con quién se comparte."
    )
    page.get_by_label("Acepta la evaluación").check()
    page.get_by_label("servicios a los que se le derive").check()
    page.get_by_label("salud", exact=True).check()
    page.get_by_label("embarazo", exact=True).check()
    page.get_by_label("embarazo de alto riesgo").check()
    page.get_by_label("Meses de embarazo").fill("7")
    page.get_by_label("Notas (reservadas)").fill("presión alta, sin control desde Lima")

    page.reload()  # a flat battery, a closed tab: what was typed is still there
    expect(page.get_by_role("status")).to_have_text("Se recuperó lo escrito en este dispositivo.")
    expect(page.get_by_label("Meses de embarazo")).to_have_value("7")
    expect(page.get_by_label("embarazo de alto riesgo")).to_be_checked()

    page.context.set_offline(True)
    page.get_by_role("button", name="Guardar").click()
    expect(page.locator(".offline")).to_be_visible()
    expect(page.get_by_label("Notas (reservadas)")).to_have_value(
        "presión alta, sin control desde Lima"
    )
    page.context.set_offline(False)
    page.get_by_role("button", name="Guardar").click()

    expect(page.locator("h1 .priority")).to_have_text("crítica")
    expect(page.locator(".reasons")).to_contain_text("embarazo de alto riesgo, 7 meses → crítica")
    assert page.evaluate(f"localStorage.getItem('screening-CL-oim-{person}')") is None

    page.get_by_label("Albergue o punto de atención").select_option(
        label="Punto de atención humanitaria Chacalluta (CL)"
    )
    page.get_by_label("Servicio").select_option("health")
    page.get_by_role("button", name="Derivar").click()
    expect(page.locator("table.referrals tbody tr[data-state=pending]")).to_have_count(1)
    page.get_by_role("link", name="Humanitario").click()
    expect(page.locator("tr[data-priority=critical]").first).to_be_visible()
    assert errors == []


def test_the_demo_humanitarian_plan_on_both_sides(page: Page, demo: Demo) -> None:
    _login(page, demo.cl, "oim")
    page.goto(f"{demo.cl}/humanitarian")
    critical = page.locator("tr[data-priority=critical]")
    expect(critical.filter(has_text="menor no acompañado → crítica")).to_have_count(3)
    expect(critical.filter(has_text="embarazo de alto riesgo").first).to_be_visible()
    expect(page.locator("tr", has_text="cáncer, tratamiento interrumpido → alta")).to_have_count(1)
    page.get_by_role("link", name="Alertas de separación").click()
    expect(page.locator("tr[data-state=open]")).to_have_count(1)  # the father's planned removal
    page.goto(f"{demo.cl}/humanitarian/shelters")
    arica = page.locator("section.shelter", has_text="Albergue transitorio Arica")
    expect(arica.locator("tr[data-category=women] td").nth(1)).to_have_text("24")
    expect(arica.locator(".free")).not_to_have_text("0")
    # Police see the queue's priorities, never the reasons.
    page.context.clear_cookies()
    _login(page, demo.cl, "carabineros")
    page.goto(f"{demo.cl}/humanitarian")
    expect(page.locator("tr[data-priority=critical]").first).to_be_visible()
    assert page.locator("tr[data-priority=critical]").count() >= 4  # the tablet test adds one
    expect(page.get_by_text("menor no acompañado")).to_have_count(0)
    # Peru's shelter counts its own beds.
    page.context.clear_cookies()
    _login(page, demo.pe, "oim")
    page.goto(f"{demo.pe}/humanitarian/shelters")
    tacna = page.locator("section.shelter", has_text="Albergue temporal Tacna")
    expect(tacna.locator("tr[data-category=men] td").nth(4)).to_have_text("0")  # full


def test_analyst_decides_a_pair_by_its_weights_then_screens_a_name(page: Page, demo: Demo) -> None:
    _login(page, demo.cl, "pdi")
    page.get_by_role("link", name="Verificación").click()
    expect(page.get_by_role("heading", name="Pares por revisar")).to_be_visible()
    pending = page.locator("tr[data-review]")
    expect(pending).not_to_have_count(0)
    review_id = pending.first.get_attribute("data-review")
    # Filters narrow the queue: no pair of Haitians in the demo, both bounds kept in the form.
    page.get_by_label("Nacionalidad").fill("HT")
    page.get_by_role("button", name="Filtrar").click()
    expect(page.get_by_text("No hay pares en esta banda.")).to_be_visible()
    expect(page.get_by_label("Nacionalidad")).to_have_value("HT")
    page.goto(f"{demo.cl}/identity/reviews?min_probability=0.9&max_probability=0.2")
    expect(page.get_by_role("alert")).to_contain_text("min_probability is above max_probability")
    # The pair: both records side by side, and the weights each field added or took away.
    page.goto(f"{demo.cl}/identity/reviews/{review_id}")
    expect(page.get_by_role("heading", name="Cómo se llegó a la probabilidad")).to_be_visible()
    rows = page.locator(".wf-row[data-field]")
    expect(rows.filter(has_text="Fecha de nacimiento")).to_have_count(1)
    weights = [float(w.replace("+", "")) for w in page.locator(".wf-weight").all_inner_texts()]
    assert abs(sum(weights[:-1]) - weights[-1]) < 0.05  # the steps add up to the total
    page.get_by_label("Motivo (queda en la auditoría)").fill("Misma fecha y apellido; cédula vista")
    page.get_by_role("button", name="Es la misma persona").click()
    expect(page.get_by_role("status")).to_contain_text(f"Par nº {review_id}")
    expect(page.locator(f"tr[data-review='{review_id}']")).to_have_count(0)
    page.goto(f"{demo.cl}/identity/reviews/{review_id}?lang=en")
    expect(page.get_by_text("Decided: same person — Misma fecha y apellido")).to_be_visible()
    # A person's page: the identity's encounters and the documents with their checks.
    page.locator("table.pair thead a").first.click()
    expect(page.get_by_role("heading", name="Encounters of the same identity")).to_be_visible()
    # Screening: a name and a date, the candidate explained, recorded as a false positive.
    page.goto(f"{demo.cl}/identity/screen?lang=es")
    page.get_by_label("Nombres").fill("Yorman Jose")
    page.get_by_label("Apellidos").fill("Briceno Marcano")
    page.get_by_label("Fecha de nacimiento").fill("1988-06-02")
    page.get_by_role("button", name="Evaluar").click()
    candidate = page.locator("section.candidate").filter(has_text="OA-2025-0140")
    expect(candidate).to_have_count(1)
    expect(candidate.locator("tr").filter(has_text="Fecha de nacimiento")).to_contain_text(
        "same date"
    )
    candidate.get_by_role("button", name="Falso positivo").click()
    expect(page.get_by_role("status")).to_have_text("Decisión guardada.")
    expect(page.locator("section.candidate").filter(has_text="OA-2025-0140")).to_have_count(0)
    expect(page.get_by_text("candidatos ya marcados como falsos positivos")).to_be_visible()
