"""The committee's briefing: a PDF read back in both languages, and a binational briefing that
gives both delegations the same figures."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
from pypdf import PdfReader

from tests.monitoring.test_indicators import _world
from tests.nodes import SECRET, TestNode

Login = Callable[[str], httpx.Client]


def _hito(node: TestNode, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HITO_NODE": node.code, "HITO_DATABASE_URL": node.settings.database_url,
           "HITO_SECRET_KEY": SECRET, "HITO_DEMO": "0"}  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "hito.cli", "report", "briefing", *args],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip


def _text(path: Path) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_the_briefing_pdf_in_both_languages(
    login: Login, sync: Callable[[], int], nodes: dict[str, TestNode], tmp_path: Path
) -> None:
    _world(login("cl.pdi"), sync)
    period = ("--from", "2025-11-18", "--to", "2025-11-25")
    spanish, english = tmp_path / "informe.pdf", tmp_path / "briefing.pdf"
    done = _hito(nodes["CL"], *period, "--out", str(spanish))
    assert done.returncode == 0, done.stderr
    assert "2 alerts" in done.stdout
    pages, text = _text(spanish)
    assert pages >= 2
    for words in ("Informe para el Comité Binacional de Migraciones", "Alertas abiertas",
                  "Indicadores", "Personas varadas ahora", "Situación humanitaria",
                  "Definiciones", "Visitantes del último fin de semana"):  # fmt: skip
        assert words in text, words
    assert "105" in text and "7,000" in text  # stranded now, weekend visitors
    done = _hito(nodes["CL"], *period, "--out", str(english), "--lang", "en")
    assert done.returncode == 0, done.stderr
    _, text = _text(english)
    for words in ("Briefing for the Binational Migration Committee", "Open alerts",
                  "People stranded now", "Humanitarian situation (aggregates only)"):  # fmt: skip
        assert words in text, words
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
        out = tmp_path / f"{code}.html"
        done = _hito(nodes[code], "--from", "2025-11-18T00:00-03:00", "--to",
                     "2025-11-25T00:00-03:00", "--out", str(out), "--binational")  # fmt: skip
        assert done.returncode == 0, done.stderr
        html = out.read_text(encoding="utf-8")
        assert "Binacional: solo datos que ambos nodos comparten" in html
        rows = html.split("<tbody>")[1].split("</tbody>")[0]
        figures[code] = [
            cell.split("</td>")[0].strip() for cell in rows.split('<td class="num">')[1:]
        ]
    assert figures["CL"] == figures["PE"]
    # each node's local midnight is another hour: the binational briefing asks for offsets
    naive = _hito(nodes["PE"], "--from", "2025-11-18", "--to", "2025-11-25", "--out",
                  str(tmp_path / "x.html"), "--binational")  # fmt: skip
    assert naive.returncode == 2 and "with their UTC offset" in naive.stderr
    assert "90" in figures["CL"]  # the stranded people both sides see (Chile's national 15 not)
