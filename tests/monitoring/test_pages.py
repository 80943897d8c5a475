"""The monitoring pages over real HTTP with a signed-in browser session, on SQLite and
PostgreSQL: the dashboard's hand-counted figures in both languages and for each side, the open
alerts for duty supervisors only, the records behind a figure, the crossing's queue and both
sides' counts on the cut-off day, the briefing as a page and as a PDF read back, bad dates."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from hito.audit.models import AuditEntry
from hito.monitoring.definitions import catalogue
from hito.web import i18n_humanitarian, i18n_identity, i18n_patrols
from hito.web.i18n_monitoring import STRINGS
from tests.factories import event_payload
from tests.monitoring.test_indicators import _world
from tests.nodes import TestNode

Login = Callable[[str], httpx.Client]


@pytest.fixture(scope="session")
def backend() -> str:
    """The pages, not the storage: the services they call are tested on both backends."""
    return "sqlite"


SignedIn = Callable[[str], httpx.Client]
TEMPLATES = Path(__file__).resolve().parents[2] / "hito" / "web" / "templates" / "monitoring"
CUTOFF = {"at": "2025-11-24"}  # the end of Monday 24 November in the user's zone
PERIOD = {"from": "2025-11-18", "to": "2025-11-24"}


def _row(page: str, indicator: str) -> str:
    """The indicator's row of the dashboard's table."""
    found = re.search(rf'<tr class="mo-row-\w+" data-indicator="{indicator}".*?</tr>', page, re.S)
    assert found, f"no row for {indicator}"
    return found.group(0)


def _alerts(page: str) -> list[tuple[str, str]]:
    return re.findall(
        r'<li class="mo-alert [\w-]+" data-indicator="(\w+)" data-level="(\w+)"', page
    )


def _text(fragment: str) -> str:
    """The words of an HTML fragment, tags gone and spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _srcdoc(page: str) -> str:
    found = re.search(r'<iframe class="briefing"[^>]*srcdoc="([^"]*)"', page)
    assert found, "no briefing embedded in the page"
    return html.unescape(found.group(1))


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _audited(node: TestNode, action: str) -> int:
    with node.sessions() as session:
        return session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
        ) or 0  # fmt: skip


def test_the_dashboard_shows_the_hand_counted_figures(
    login: Login, signed_in: SignedIn, sync: Callable[[], int], nodes: dict[str, TestNode]
) -> None:
    _world(login("cl.pdi"), sync)
    supervisor = signed_in("cl.pdi")
    measured = _audited(nodes["CL"], "monitoring.indicators")
    page = supervisor.get("/monitoring", params=CUTOFF)
    assert page.status_code == 200, page.text
    # measured once for the table and the alerts alike: one read, one audit entry
    assert _audited(nodes["CL"], "monitoring.indicators") == measured + 1
    text = page.text
    assert "Tablero de monitoreo" in text and "2025-11-25 00:00" in text  # the cut-off, local
    assert set(re.findall(r'<tr class="mo-row-\w+" data-indicator="(\w+)"', text)) == set(
        catalogue().indicators
    )
    # 70 + 20 + 15 open before the cut-off (the closed 9 and the later 500 are not counted)
    stranded = _text(_row(text, "stranded_now"))
    assert 'data-level="critical" data-value="105.0"' in _row(text, "stranded_now")
    assert "Personas varadas ahora" in stranded and "105 personas" in stranded
    assert "crítico" in stranded and "aviso ≥ 50 · crítico ≥ 100" in stranded
    assert "Suma de las personas de los grupos varados" in stranded  # the definition, at hand
    visitors = _text(_row(text, "weekend_visitors"))
    assert "7,000 personas" in visitors and "aviso" in visitors
    assert "aviso ≤ 8,000 · crítico ≤ 5,000 · referencia 25,000" in visitors
    departures = _row(text, "irregular_departures_per_day")
    assert 'data-level="ok"' in departures and "23.9" in departures and "normal" in departures
    coverage = _row(text, "critical_sector_coverage")
    assert 'data-level="unknown"' in coverage and "sin datos" in coverage
    assert 'href="/monitoring/indicators/stranded_now?at=2025-11-24"' in text
    # the open alerts, the critical first
    assert _alerts(text) == [("stranded_now", "critical"), ("weekend_visitors", "warning")]
    assert "Alertas abiertas" in text
    # too short a history: the reason, not a chart
    for series in ("irregular_departures", "stranded"):
        panel = text.split(f'<figure class="forecast" data-series="{series}">')[1]
        panel = panel.split("</figure>")[0]
        assert "Sin pronóstico" in panel and "al menos 21" in panel and "<img" not in panel, series
    # Chacalluta on Monday 24 (Chile): the 00:00 hour, both ways, no booths reported
    assert "Paso fronterizo CHACALLUTA: flujo y espera" in text
    queue = text.split('<table class="queue">')[1].split("</table>")[0]
    leaving = re.search(r'<tr data-hour="00:00" data-direction="exit".*?</tr>', queue, re.S)
    assert leaving, queue
    assert "salida de Chile" in leaving.group(0) and ">888<" in leaving.group(0)
    assert "no informado" in leaving.group(0)
    needed = re.search(r'data-figure="booths_needed">(\d+)<', leaving.group(0))
    assert needed and int(needed.group(1)) >= 1
    assert re.search(r'<tr data-hour="00:00" data-direction="entry".*?>5<', queue, re.S)
    assert queue.count("<tr data-hour=") == 2  # the 23:00 of Sunday is another day
    assert text.count('<img class="chart queue"') == 2
    # both sides' counts: Chile counted both flows, Peru reported none
    sides = text.split('<table class="sides">')[1].split("</table>")[0]
    out = re.search(r'data-travel="CL→PE" data-category="visitor">(.*?)</tr>', sides, re.S)
    assert out, sides
    assert '<td class="num" data-node="CL">888</td>' in out.group(1)
    assert "no informado" in out.group(1) and 'data-figure="difference">—<' in out.group(1)
    back = re.search(r'data-travel="PE→CL" data-category="visitor">(.*?)</tr>', sides, re.S)
    assert back and '<td class="num" data-node="CL">5</td>' in back.group(1)

    english = supervisor.get("/monitoring", params={**CUTOFF, "lang": "en"}).text
    assert "Monitoring dashboard" in english and "Open alerts" in english
    stranded = _text(_row(english, "stranded_now"))
    assert "People stranded now" in stranded and "105 people" in stranded
    assert "critical" in stranded and "warning ≥ 50 · critical ≥ 100" in stranded
    assert "7,000 people" in _text(_row(english, "weekend_visitors"))
    assert "Crossing CHACALLUTA: throughput and wait" in english and "out of Chile" in english

    # now (no cut-off): the group of the 26th counts as well, and no weekend is counted
    now = supervisor.get("/monitoring", params={"lang": "es"}).text
    assert 'data-value="605.0"' in _row(now, "stranded_now")
    assert 'data-level="unknown"' in _row(now, "weekend_visitors")
    assert 'href="/monitoring/indicators/stranded_now"' in now


def test_alerts_for_supervisors_only_and_each_side_its_own_figures(
    login: Login, signed_in: SignedIn, sync: Callable[[], int], nodes: dict[str, TestNode]
) -> None:
    _world(login("cl.pdi"), sync)
    viewer = signed_in("cl.viewer").get("/monitoring", params=CUTOFF)
    assert viewer.status_code == 200
    assert "mo-alerts" not in viewer.text and "Alertas abiertas" not in viewer.text
    assert 'data-value="105.0"' in _row(viewer.text, "stranded_now")  # the figures, all of them
    # Peru's users: Chile's national group stays in Chile
    operator = signed_in("pe.operator").get("/monitoring", params=CUTOFF)
    assert operator.status_code == 200 and "mo-alerts" not in operator.text
    stranded = _row(operator.text, "stranded_now")
    assert 'data-level="warning" data-value="90.0"' in stranded and "90 personas" in _text(stranded)
    assert "7,000" in _row(operator.text, "weekend_visitors")
    assert "Paso fronterizo SANTA-ROSA" in operator.text  # Peru's own crossing point
    assert "2025-11-25 00:00" in operator.text and "America/Lima" in operator.text
    supervisor = signed_in("pe.supervisor").get("/monitoring", params=CUTOFF).text
    assert _alerts(supervisor) == [("stranded_now", "warning"), ("weekend_visitors", "warning")]
    # not signed in: to the login, for each page
    for path in ("/monitoring", "/monitoring/indicators/stranded_now", "/monitoring/briefing",
                 "/monitoring/briefing.pdf"):  # fmt: skip
        reply = httpx.get(f"{nodes['CL'].url}{path}")
        assert reply.status_code == 303 and reply.headers["location"].startswith("/login"), path


def test_the_records_behind_a_figure(
    login: Login, signed_in: SignedIn, sync: Callable[[], int]
) -> None:
    made = _world(login("cl.pdi"), sync)
    stranded = made["stranded"]
    chile = signed_in("cl.pdi").get("/monitoring/indicators/stranded_now", params=CUTOFF)
    assert chile.status_code == 200
    assert "Registros detrás de la cifra: Personas varadas ahora" in chile.text
    uids = re.findall(r'<tr data-uid="([^"]+)"', chile.text)
    assert sorted(uids) == sorted(e["uid"] for e in stranded[:3])
    assert uids[0] == stranded[2]["uid"]  # the newest first
    assert 'data-figure="total">3<' in chile.text and 'data-value="105.0"' in chile.text
    row = chile.text.split(f'<tr data-uid="{stranded[0]["uid"]}">')[1].split("</tr>")[0]
    assert "2025-11-20 10:00" in row and ">70<" in row  # Chile's time; the group's people
    assert 'href="/monitoring?at=2025-11-24"' in chile.text
    peru = signed_in("pe.operator").get("/monitoring/indicators/stranded_now", params=CUTOFF)
    assert sorted(re.findall(r'<tr data-uid="([^"]+)"', peru.text)) == sorted(
        e["uid"] for e in stranded[:2]
    )
    row = peru.text.split(f'<tr data-uid="{stranded[0]["uid"]}">')[1].split("</tr>")[0]
    assert "2025-11-20 08:00" in row  # Lima's time
    departures = signed_in("cl.viewer").get(
        "/monitoring/indicators/irregular_departures_per_day", params={**CUTOFF, "lang": "en"}
    )
    assert "Records behind the figure: Irregular departures per day" in departures.text
    assert sorted(re.findall(r'<tr data-uid="([^"]+)"', departures.text)) == sorted(
        e["uid"]
        for e in made["departures"][:4]  # the 10th is older than the week
    )
    lag = signed_in("cl.pdi").get("/monitoring/indicators/exchange_lag")
    assert lag.status_code == 200 and "not-listed" in lag.text and 'href="/node"' in lag.text
    for missing in ("nothing_like_it", "DROP%20TABLE", "stranded_now%00", "x" * 300):
        reply = signed_in("cl.pdi").get(f"/monitoring/indicators/{missing}")
        assert reply.status_code == 404 and "<h1>404</h1>" in reply.text, missing


def test_the_briefing_page_and_its_pdf(
    login: Login, signed_in: SignedIn, sync: Callable[[], int]
) -> None:
    _world(login("cl.pdi"), sync)
    supervisor = signed_in("cl.pdi")
    page = supervisor.get("/monitoring/briefing", params=PERIOD)
    assert page.status_code == 200, page.text
    assert 'value="2025-11-18"' in page.text and 'value="2025-11-24"' in page.text
    embedded = _srcdoc(page.text)
    for words in ("Informe para el Comité Binacional de Migraciones", "Alertas abiertas",
                  "Indicadores", "Personas varadas ahora", "Situación humanitaria",
                  "Definiciones", "2025-11-18 00:00 – 2025-11-25 00:00"):  # fmt: skip
        assert words in embedded, words
    assert "105" in embedded and "7,000" in embedded
    link = re.search(r'<a class="button pdf" href="([^"]+)"', page.text)
    assert link, page.text
    pdf_url = html.unescape(link.group(1))
    assert pdf_url == "/monitoring/briefing.pdf?from=2025-11-18&to=2025-11-24&lang=es"
    pdf = supervisor.get(pdf_url)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == (
        'attachment; filename="informe-cl-2025-11-18-2025-11-24.pdf"'
    )
    text = _pdf_text(pdf.content)
    for words in ("Informe para el Comité Binacional de Migraciones", "Alertas abiertas",
                  "Indicadores", "Situación humanitaria", "Definiciones"):  # fmt: skip
        assert words in text, words
    assert "105" in text and "7,000" in text

    # in English, and binational: only what both nodes share (Chile's national group is out)
    english = supervisor.get("/monitoring/briefing", params={**PERIOD, "binational": "1",
                                                             "lang": "en"})  # fmt: skip
    embedded = _srcdoc(english.text)
    assert "Briefing for the Binational Migration Committee" in embedded
    assert "Binational: only what both nodes share" in embedded
    assert "People stranded now: 90 people (warning)" in embedded  # among the alerts
    stranded = embedded.split("<td>People stranded now ")[1].split("</tr>")[0]
    assert ">90<" in stranded and ">105<" not in stranded
    assert 'name="binational" value="1" checked' in english.text
    pdf = supervisor.get(
        "/monitoring/briefing.pdf", params={**PERIOD, "binational": "1", "lang": "en"}
    )
    assert pdf.headers["content-disposition"].endswith(
        'filename="briefing-cl-2025-11-18-2025-11-24.pdf"'
    )
    assert "Open alerts" in _pdf_text(pdf.content)

    # by default the last seven days, today's included
    default = supervisor.get("/monitoring/briefing")
    assert default.status_code == 200 and "<iframe" in default.text
    today = dt.datetime.now(ZoneInfo("America/Santiago")).date()
    typed = re.findall(r'name="(?:from|to)" value="(\d{4}-\d{2}-\d{2})"', default.text)
    assert typed == [(today - dt.timedelta(days=6)).isoformat(), today.isoformat()]


def test_a_forecast_with_its_backtest_beside_it(login: Login, signed_in: SignedIn) -> None:
    chile = login("cl.operator")
    start = dt.datetime(2025, 10, 1, 15, tzinfo=dt.UTC)
    events = [
        event_payload(type="irregular_crossing", headcount=30 + (d % 7) * 3,
                      occurred_at=(start + dt.timedelta(days=d)).isoformat())
        for d in range(50)
    ]  # fmt: skip
    assert chile.post("/api/v1/events/batch", json={"events": events}).status_code == 201
    same = chile.get(
        "/api/v1/monitoring/forecasts",
        params={"series": "irregular_departures", "at": "2025-11-20T00:00:00-03:00"},
    ).json()
    page = signed_in("cl.viewer").get("/monitoring", params={"at": "2025-11-19"}).text
    panel = page.split('<figure class="forecast" data-series="irregular_departures">')[1]
    panel = panel.split("</figure>")[0]
    assert '<img class="chart" src="data:image/png;base64,' in panel
    assert "intervalo de predicción 80 %" in panel and "AutoETS" in panel
    backtest = same["backtest"]
    assert f'data-value="{backtest["mae"]}"><strong>{backtest["mae"]:.2f}</strong>' in panel
    assert f"<strong>{backtest['coverage'] * 100:.0f} %</strong>" in panel
    assert f'data-figure="windows">{backtest["windows"]}<' in panel
    stranded = page.split('<figure class="forecast" data-series="stranded">')[1]
    assert "al menos 21" in stranded.split("</figure>")[0]


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"from": "2025-13-40", "to": "2025-11-24"}, "is not a date"),
        ({"from": "ayer"}, "is not a date"),
        ({"from": "2025-11-24", "to": "2025-11-18"}, "must not be before"),
        ({"from": "2025-01-01", "to": "2025-12-31"}, "at most 92 days"),
        ({"from": "0001-01-01", "to": "0001-01-02"}, "between 1900-01-01 and 2199-12-31"),
        ({"from": "9999-12-31"}, "between 1900-01-01 and 2199-12-31"),
    ],
)
def test_bad_dates_are_said_not_crashed(
    signed_in: SignedIn, params: dict[str, str], reason: str
) -> None:
    viewer = signed_in("cl.viewer")
    page = viewer.get("/monitoring/briefing", params=params)
    assert page.status_code == 200
    assert 'role="alert"' in page.text and reason in html.unescape(page.text), page.text
    assert "<iframe" not in page.text and "briefing.pdf" not in page.text
    pdf = viewer.get("/monitoring/briefing.pdf", params=params)
    assert pdf.status_code == 303 and pdf.headers["location"].startswith("/monitoring/briefing?")
    assert 'role="alert"' in viewer.get(pdf.headers["location"]).text


@pytest.mark.parametrize("at", ["ayer", "2025-02-30", "0001-01-01", "9999-12-31", "2025-11-24x"])
def test_a_bad_cut_off_is_said_and_now_shown(signed_in: SignedIn, at: str) -> None:
    viewer = signed_in("cl.viewer")
    for path in ("/monitoring", "/monitoring/indicators/stranded_now"):
        page = viewer.get(path, params={"at": at})
        assert page.status_code == 200 and 'role="alert"' in page.text, (path, at)


def test_every_word_the_monitoring_pages_use_exists_in_both_languages() -> None:
    used: set[str] = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"\bt\.(mo_[a-z_]+)", template.read_text(encoding="utf-8")))
    assert used and used <= set(STRINGS), sorted(used - set(STRINGS))
    assert all(es and en for es, en in STRINGS.values())
    assert all(key.startswith("mo_") for key in STRINGS)
    others: dict[str, Any] = {
        **i18n_humanitarian.STRINGS, **i18n_identity.STRINGS, **i18n_patrols.STRINGS
    }  # fmt: skip
    assert not set(STRINGS) & set(others)
