"""The hito command, run as a user runs it: a real process against a real SQLite file."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import hxl
import pytest

HITO = [sys.executable, "-m", "hito.cli"]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environment = {
        **os.environ,
        "HITO_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "HITO_DEMO": "0",
        "HITO_SECRET_KEY": "cli-test-secret-0123456789",
    }
    done = subprocess.run(
        [*HITO, "db", "upgrade"], env=environment, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return environment


def hito(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*HITO, *args], env=env, input=stdin, capture_output=True, text=True, check=False
    )


def add_user(
    env: dict[str, str], username: str, agency: str, password: str = "una clave larga"
) -> subprocess.CompletedProcess[str]:
    return hito(
        env,
        "user",
        "add",
        username,
        "--agency",
        agency,
        "--role",
        "operator",
        stdin=password + "\n",
    )


def test_user_add_reads_password_from_stdin(env: dict[str, str]) -> None:
    done = add_user(env, "ana.pdi", "CL-PDI")
    assert done.returncode == 0, done.stderr
    assert "ana.pdi" in done.stdout
    again = add_user(env, "ana.pdi", "CL-PDI")
    assert again.returncode == 1 and "already exists" in again.stderr
    bad = add_user(env, "x.y", "XX-NONE")
    assert bad.returncode == 1 and "unknown agency" in bad.stderr
    short = add_user(env, "z.z", "CL-PDI", password="short")
    assert short.returncode == 1 and "at least 8" in short.stderr


def test_settings_error_is_one_clear_line(env: dict[str, str]) -> None:
    env = {**env, "HITO_SECRET_KEY": "hito-demo-secret-key-not-for-production"}
    done = hito(env, "db", "upgrade")
    assert done.returncode == 1
    assert "HITO_SECRET_KEY" in done.stderr and "Traceback" not in done.stderr


CSV_OK = """type,occurred_at,lat,lon,headcount,description,sharing_level
stranded_group,2025-11-24T13:00:00-03:00,-18.305,-70.322,100,"Grupo varado, Chacalluta",binational
irregular_crossing,2025-11-25T03:00:00-03:00,-18.33,-70.39,7,Salida irregular,binational
"""


def test_import_csv_then_export_csv_geojson_hxl(env: dict[str, str], tmp_path: Path) -> None:
    source = tmp_path / "events.csv"
    source.write_text(CSV_OK, encoding="utf-8")
    done = hito(env, "import", "events", str(source))
    assert done.returncode == 0, done.stderr
    assert "imported 2 events" in done.stdout
    exported = hito(env, "export", "events", "--format", "csv")
    assert exported.stdout.splitlines()[1].startswith("1,stranded_group,2025-11-24T16:00:00+00:00")
    geo = json.loads(hito(env, "export", "events", "--format", "geojson").stdout)
    assert [f["geometry"]["coordinates"] for f in geo["features"]] == [
        [-70.322, -18.305],
        [-70.39, -18.33],
    ]
    assert geo["features"][0]["properties"]["sector"] == "S2-CHACALLUTA"
    data = hxl.data(
        io.BytesIO(hito(env, "export", "events", "--format", "hxl").stdout.encode()),
        hxl.InputOptions(allow_local=True),
    )
    rows = list(data)
    assert [r.get("#event+type") for r in rows] == ["stranded_group", "irregular_crossing"]
    assert [r.get("#affected+total") for r in rows] == ["100", "7"]
    assert rows[0].get("#geo+lat") == "-18.305" and rows[0].get("#org+code") == "CL-SERMIG"
    assert "#date+occurred" in [c.display_tag for c in data.columns]


def test_import_geojson(env: dict[str, str], tmp_path: Path) -> None:
    source = tmp_path / "events.geojson"
    source.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [-70.25, -18.01]},
                        "properties": {
                            "type": "official_measure",
                            "occurred_at": "2025-11-20T10:00:00-05:00",
                            "description": "Estado de emergencia en Tacna",
                        },
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    refused = hito(env, "import", "events", str(source), "--agency", "PE-RREE")
    assert refused.returncode == 2 and "this node serves CL" in refused.stderr
    peru = {**env, "HITO_NODE": "PE"}
    done = hito(peru, "import", "events", str(source), "--agency", "PE-RREE")
    assert done.returncode == 0, done.stderr
    exported = hito(peru, "export", "events", "--agency", "PE-RREE").stdout
    assert "official_measure" in exported and "PE-RREE" in exported


def test_import_reports_every_bad_line_and_writes_nothing(
    env: dict[str, str], tmp_path: Path
) -> None:
    source = tmp_path / "bad.csv"
    source.write_text(
        CSV_OK + "earthquake,2025-11-25T03:00:00-03:00,-18.33,-70.39,7,x,national\n"
        "sighting,not-a-date,-98,-70.39,-3,x,national\n",
        encoding="utf-8",
    )
    done = hito(env, "import", "events", str(source))
    assert done.returncode == 1
    assert "line 4: type:" in done.stderr
    assert "line 5: occurred_at:" in done.stderr
    assert "line 5: location.lat:" in done.stderr and "line 5: headcount:" in done.stderr
    assert "nothing was imported" in done.stderr
    assert hito(env, "export", "events").stdout.count("\n") == 1  # header only


def test_import_refuses_unusable_files(env: dict[str, str], tmp_path: Path) -> None:
    latin = tmp_path / "latin1.csv"
    latin.write_bytes(b"type,occurred_at,lat,lon\n" + "sighting,ñ,1,1\n".encode("latin-1"))
    no_columns = tmp_path / "cols.csv"
    no_columns.write_text("a,b\n1,2\n", encoding="utf-8")
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    for path, message in [
        (latin, "line 2: file: latin1.csv is not valid UTF-8"),
        (no_columns, "missing column(s): lat, lon, occurred_at, type"),
        (empty, "missing column(s)"),
    ]:
        done = hito(env, "import", "events", str(path))
        assert done.returncode == 1 and message in done.stderr, done.stderr


def test_demo_load_only_in_demo_mode_and_only_once(env: dict[str, str]) -> None:
    refused = hito(env, "demo", "load")
    assert refused.returncode == 1 and "demo mode" in refused.stderr
    demo = {**env, "HITO_DEMO": "1"}
    loaded = hito(demo, "demo", "load")
    assert loaded.returncode == 0, loaded.stderr
    assert "demo loaded on CL:" in loaded.stdout and "carabineros (CL-CARABINEROS" in loaded.stdout
    assert "pnp" not in loaded.stdout  # Peru's users are on Peru's node
    again = hito(demo, "demo", "load")
    assert "not loaded again" in again.stdout
    exported = hito(demo, "export", "events", "--format", "geojson", "--agency", "INT-OIM")
    types = [f["properties"]["type"] for f in json.loads(exported.stdout)["features"]]
    assert types.count("stranded_group") == 1
    assert (
        28 * 30
        <= sum(
            f["properties"]["headcount"] or 0
            for f in json.loads(exported.stdout)["features"]
            if f["properties"]["type"] == "irregular_crossing"
        )
        <= 28 * 50
    )
    verified = hito(demo, "audit", "verify")
    assert verified.returncode == 0 and verified.stdout.startswith("audit chain intact")
    peru = {**demo, "HITO_NODE": "PE", "HITO_DATABASE_URL": env["HITO_DATABASE_URL"] + ".pe"}
    assert hito(peru, "demo", "load").returncode == 0
    peru_types = hito(peru, "export", "events", "--agency", "PE-PNP").stdout
    assert "stranded_group" not in peru_types  # Chile's, until the exchange brings it
    assert "official_measure" in peru_types and "interception" in peru_types
