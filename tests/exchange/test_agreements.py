"""Sharing agreements as data: validated with line numbers, held identically by both nodes,
loaded and shown by the CLI and the API, and protective by default."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from hito.exchange.agreements import AgreementError, example_agreement, parse_agreement
from tests.nodes import TestNode

Login = Callable[[str], httpx.Client]
HITO = [sys.executable, "-m", "hito.cli"]


def _problems(text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(AgreementError) as caught:
        parse_agreement(text)
    return caught.value.problems


def test_the_demo_agreement_is_sound() -> None:
    document = parse_agreement(example_agreement())
    assert document.code == "CL-PE-COMITE-MIGRATORIO" and document.parties == ["CL", "PE"]
    person = {str(r.audience): r.fields for r in document.record_types["person"]}
    assert "protection" in person["humanitarian"] and "documents" not in person["humanitarian"]
    assert "documents" in person["security"] and "protection" not in person["security"]


@pytest.mark.parametrize(
    "change,where,message",
    [
        # national records never leave
        ("  event:\n    - levels: [binational]", "  event:\n    - levels: [national]",
         "national records never leave"),
        # health and protection details: humanitarian audiences only
        ("reporting_agency, protection]", "reporting_agency, protection]\n      audience: security",
         None),
        ("      fields: [list_name,", "      fields: [list_name, favourite_colour,",
         "unknown field(s) favourite_colour"),
        ("  crossing_point:\n",
         "  vehicle_plates:\n    - levels: [binational]\n      audience: all\n"
         "      fields: [plate]\n  crossing_point:\n",
         "unknown record type 'vehicle_plates'"),
        ("fields: [code, name, location, opening_hours, status]", "fields: [name, opening_hours]",
         "cannot be shared without code, location, status"),
        ("valid_to: 2027-11-01T00:00:00-03:00", "valid_to: 2020-11-01T00:00:00-03:00",
         "must be after valid_from"),
        ("parties: [CL, PE]", "parties: [CL, CL]", "binds the two nodes"),
    ],
)  # fmt: skip
def test_unsound_agreements_are_refused_with_their_line(
    change: str, where: str, message: str | None
) -> None:
    text = example_agreement()
    assert change in text
    problems = _problems(text.replace(change, where, 1))
    assert problems, "an unsound agreement was accepted"
    line, place, what = problems[0]
    if message:
        assert any(message in p[2] for p in problems), problems
    assert line is None or 1 <= line <= text.count("\n") + 10


def test_protection_to_the_police_is_refused_naming_the_line() -> None:
    text = example_agreement().replace(
        "               reporting_agency, protection]",
        "               reporting_agency, protection]\n    - levels: [binational]\n"
        "      audience: all\n      fields: [encountered_at, reporting_agency, protection]",
    )
    problems = _problems(text)
    (duplicate,) = [p for p in problems if "more than one rule" in p[2]]
    (sensitive,) = [p for p in problems if "health and protection" in p[2]]
    lines = text.splitlines()
    assert "fields: [encountered_at, reporting_agency, protection]" in lines[sensitive[0] - 1]
    assert "levels: [binational]" in lines[duplicate[0] - 1]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("", "an agreement is a mapping"),
        ("[1, 2]", "an agreement is a mapping"),
        ("code: [unclosed", "not valid YAML"),
        ("\x85\x00", "not valid YAML"),
        ("code: X\nversion: one\n", "version"),
    ],
)
def test_unreadable_agreements_are_refused(text: str, expected: str) -> None:
    problems = _problems(text)
    assert any(expected in f"{p[1]} {p[2]}" for p in problems), problems


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*HITO, *args], env=env, capture_output=True, text=True, check=False)


def test_both_nodes_print_the_same_sha_for_the_same_text(tmp_path: Path) -> None:
    """`hito agreement example | load | show`, as an operator runs them on each node."""
    shas = []
    source = tmp_path / "agreement.yaml"
    base = {**os.environ, "HITO_DEMO": "0", "HITO_SECRET_KEY": "cli-test-secret-0123456789"}
    example = _cli(base, "agreement", "example")
    assert example.returncode == 0
    source.write_text(example.stdout, encoding="utf-8")
    as_json = tmp_path / "agreement.json"
    for code in ("CL", "PE"):
        env = {**base, "HITO_NODE": code, "HITO_DATABASE_URL": f"sqlite:///{tmp_path / code}.db"}
        assert _cli(env, "db", "upgrade").returncode == 0
        loaded = _cli(env, "agreement", "load", str(source))
        assert loaded.returncode == 0, loaded.stderr
        assert "version 1 loaded" in loaded.stdout
        shas.append(loaded.stdout.split()[-1])
    assert shas[0] == shas[1] and len(shas[0]) == 64
    shown = _cli(env, "agreement", "show")
    assert "in force" in shown.stdout and "person" in shown.stdout and shas[0] in shown.stdout
    dumped = _cli(env, "agreement", "show", "--json")
    as_json.write_text(dumped.stdout, encoding="utf-8")
    same = _cli(env, "agreement", "load", str(as_json))  # the same content, as JSON
    assert "already loaded" in same.stdout and shas[0] in same.stdout, same.stderr
    empty = {**env, "HITO_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}
    assert _cli(empty, "db", "upgrade").returncode == 0
    assert "nothing leaves this node" in _cli(empty, "agreement", "show").stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(source.read_text().replace("levels: [binational]", "levels: [national]", 1))
    refused = _cli(env, "agreement", "load", str(bad))
    assert refused.returncode == 1
    assert f"{bad}:" in refused.stderr and "national records never leave" in refused.stderr
    changed = tmp_path / "changed.yaml"
    changed.write_text(source.read_text().replace("title: Intercambio", "title: Otro intercambio"))
    conflict = _cli(env, "agreement", "load", str(changed))
    assert conflict.returncode == 1 and "give the new text a new version" in conflict.stderr
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("título: café".encode("latin-1"))
    assert _cli(env, "agreement", "load", str(latin)).returncode == 2


def test_the_agreement_through_the_api(login: Login, nodes: dict[str, TestNode]) -> None:
    shown = {
        code: login(f"{code.lower()}.viewer").get("/api/v1/agreements").json() for code in nodes
    }
    assert shown["CL"][0]["sha256"] == shown["PE"][0]["sha256"]
    assert shown["CL"][0]["in_force"] is True
    current = login("pe.viewer").get("/api/v1/agreements/current").json()
    assert current["document"]["code"] == "CL-PE-COMITE-MIGRATORIO"
    refused = login("cl.viewer").post("/api/v1/agreements", json={"document": example_agreement()})
    assert refused.status_code == 403
    national = example_agreement().replace("levels: [binational]", "levels: [national]", 1)
    bad = login("cl.admin").post("/api/v1/agreements", json={"document": national})
    assert bad.status_code == 422
    assert any("national records never leave" in e["message"] for e in bad.json()["errors"])
    newer = example_agreement().replace("version: 1", "version: 2")
    loaded = login("cl.admin").post("/api/v1/agreements", json={"document": newer})
    assert loaded.status_code == 201 and loaded.json()["version"] == 2
    older = login("cl.admin").post("/api/v1/agreements", json={"document": example_agreement()})
    assert older.status_code == 201  # the same version 1 again: already loaded, no change
    versions = [a["version"] for a in login("cl.viewer").get("/api/v1/agreements").json()]
    assert versions == [1, 2]
