"""The committee's briefing: a PDF read back in both languages, and a binational briefing that
gives both delegations the same figures."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from pypdf import PdfReader

from hito.auth import unrestricted
from hito.monitoring.briefing import build_briefing, render_pdf
from tests.monitoring.test_indicators import _world
from tests.nodes import SECRET, TestNode

Login = Callable[[str], httpx.Client]
ZONE = ZoneInfo("America/Santiago")


def _hito(node: TestNode, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HITO_NODE": node.code, "HITO_DATABASE_URL": node.settings.database_url,
           "HITO_SECRET_KEY": SECRET, "HITO_DEMO": "0"}  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "hito.cli", "report", "briefing", *args],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip


def _briefing(node: TestNode, lang: str, *, binational: bool = False) -> bytes:
    """The briefing of 18–24 November built in this process, as the CLI and the page build it."""
    start = dt.datetime(2025, 11, 18, tzinfo=ZONE)
    end = dt.datetime(2025, 11, 25, tzinfo=ZONE)
    with node.sessions() as session:
        done = build_briefing(session, scope=unrestricted(node.code), start=start, end=end,
                              lang=lang, binational=binational)  # fmt: skip
        session.rollback()
    return render_pdf(done, zone=ZONE)


def _text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_the_briefing_pdf_in_both_languages(
    login: Login, sync: Callable[[], int], nodes: dict[str, TestNode]
) -> None:
    _world(login("cl.pdi"), sync)
    pages, text = _text(_briefing(nodes["CL"], "es"))
    assert pages >= 2
    for words in ("Informe para el Comité Binacional de Migraciones", "Alertas abiertas",
                  "Indicadores", "Personas varadas ahora", "Situación humanitaria",
                  "Definiciones", "Visitantes del último fin de semana"):  # fmt: skip
        assert words in text, words
    assert "105" in text and "7,000" in text  # stranded now, weekend visitors
    # too short a history to forecast: said in the reader's language
    assert "sin pronóstico" in text and "días de historia" in text
    _, text = _text(_briefing(nodes["CL"], "en"))
    for words in ("Briefing for the Binational Migration Committee", "Open alerts",
                  "People stranded now", "Humanitarian situation (aggregates only)",
                  "no forecast", "days of history"):  # fmt: skip
        assert words in text, words
    assert "105" in text and "días" not in text


@pytest.mark.slow  # the same briefing as above, through a process of its own
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_briefing_from_the_command_line(
    login: Login, sync: Callable[[], int], nodes: dict[str, TestNode], tmp_path: Path
) -> None:
    _world(login("cl.pdi"), sync)
    spanish = tmp_path / "informe.pdf"
    done = _hito(nodes["CL"], "--from", "2025-11-18", "--to", "2025-11-25", "--out", str(spanish))
    assert done.returncode == 0, done.stderr
    assert "2 alerts" in done.stdout
    _, text = _text(spanish.read_bytes())
    assert "Personas varadas ahora" in text and "105" in text
    wrong = _hito(nodes["CL"], "--from", "2025-11-25", "--to", "2025-11-18", "--out",
                  str(tmp_path / "x.pdf"))  # fmt: skip
    assert wrong.returncode == 2 and "'to' must be after 'from'" in wrong.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_a_binational_briefing_gives_both_delegations_the_same_figures(
    login: Login, sync: Callable[[], int], nodes: dict[str, TestNode], tmp_path: Path
) -> None:
    _world(login("cl.pdi"), sync)
    figures = {}
    for code in ("CL", "PE"):
        _, text = _text(_briefing(nodes[code], "es", binational=True))
        assert "Binacional: solo datos que ambos nodos comparten" in text
        figures[code] = text[text.index("Indicadores") : text.index("Situación humanitaria")]
    assert figures["CL"] == figures["PE"]
    # the stranded people both sides see (Chile's national 15 not among them)
    assert "Personas varadas ahora (personas) 90" in figures["CL"]
    # each node's local midnight is another hour: the binational briefing asks for offsets
    naive = _hito(nodes["PE"], "--from", "2025-11-18", "--to", "2025-11-25", "--out",
                  str(tmp_path / "x.html"), "--binational")  # fmt: skip
    assert naive.returncode == 2 and "with their UTC offset" in naive.stderr
