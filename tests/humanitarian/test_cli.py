"""`hito humanitarian …` on a real node: the queue, the rules (show, dry run, load, refusals
with line numbers), and the aggregate export read back with libhxl, small cells suppressed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import hxl
import yaml

from hito.humanitarian.rules import default_rules_text
from tests.humanitarian.test_cases_api import Login, _person, _screen
from tests.nodes import SECRET, TestNode

HITO = [sys.executable, "-m", "hito.cli", "humanitarian"]


def _run(node: TestNode, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "HITO_NODE": node.code,
        "HITO_DATABASE_URL": node.settings.database_url,
        "HITO_SECRET_KEY": SECRET,
        "HITO_DEMO": "0",
    }
    return subprocess.run([*HITO, *args], env=env, capture_output=True, text=True, check=False)


def test_queue_and_rules_from_the_command_line(
    login: Login, nodes: dict[str, TestNode], tmp_path: Path
) -> None:
    oim = login("cl.oim")
    pregnant = _screen(oim, _person(oim, protection=None), {"pregnant": True})["case_id"]
    child = _screen(
        oim, _person(oim, birth_date="2015-01", protection=None), {"child_status": "unaccompanied"}
    )["case_id"]
    node = nodes["CL"]
    queue = _run(node, "queue")
    assert queue.returncode == 0, queue.stderr
    lines = queue.stdout.splitlines()
    assert [int(line.split()[0]) for line in lines] == [child, pregnant]
    assert "menor no acompañado → crítica" in lines[0]
    police = _run(node, "queue", "--agency", "CL-CARABINEROS")
    assert "menor no acompañado" not in police.stdout and "(motivos reservados)" in police.stdout
    assert _run(node, "queue", "--priority", "urgent").returncode == 2

    shown = _run(node, "rules", "show")
    assert shown.returncode == 0 and shown.stdout.startswith("version 1:")
    assert "unaccompanied_child" in shown.stdout

    document = yaml.safe_load(default_rules_text())
    document["version"] = 2
    next(r for r in document["rules"] if r["code"] == "pregnancy")["priority"] = "high"
    rules = tmp_path / "rules.yaml"
    rules.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    dry = _run(node, "rules", "load", str(rules), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"case {pregnant}: medium → high" in dry.stdout and "dry run" in dry.stdout
    assert "version 1:" in _run(node, "rules", "show").stdout  # nothing written
    loaded = _run(node, "rules", "load", str(rules))
    assert loaded.returncode == 0 and "1 changed" in loaded.stdout, loaded.stdout
    assert "version 2:" in _run(node, "rules", "show").stdout

    broken = tmp_path / "broken.yaml"
    broken.write_text(
        rules.read_text(encoding="utf-8").replace("pregnant: true", "pregnat: true", 1),
        encoding="utf-8",
    )
    refused = _run(node, "rules", "load", str(broken))
    assert refused.returncode == 1
    assert f"{broken}:" in refused.stderr and "unknown fact 'pregnat'" in refused.stderr
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("title: niño".encode("latin-1"))
    assert _run(node, "rules", "load", str(latin1)).returncode == 2
    assert _run(node, "rules", "load", str(tmp_path / "missing.yaml")).returncode == 2


def test_the_export_is_valid_hxl_and_hides_small_cells(
    login: Login, nodes: dict[str, TestNode], tmp_path: Path
) -> None:
    oim = login("cl.oim")
    # Six women, five older women and two older men in need: the men's cell is hidden, and so
    # is the next smallest (the older women), or the men's count would follow from the total.
    for number in range(6):
        woman = _person(oim, given_names=f"Mujer {number}", birth_date="1990-01", protection=None)
        _screen(oim, woman, {"pregnant": True})
    for number in range(5):
        woman = _person(oim, given_names=f"Abuela {number}", birth_date="1945-01", protection=None)
        _screen(oim, woman, {"disability": True})
    for number in range(2):
        man = _person(
            oim, given_names=f"Hombre {number}", sex="male", birth_date="1940-01", protection=None
        )
        _screen(oim, man, {"disability": True})
    out = tmp_path / "needs.hxl.csv"
    done = _run(nodes["CL"], "export", "--format", "hxl", "--out", str(out))
    assert done.returncode == 0, done.stderr
    with out.open("rb") as stream:
        dataset = hxl.data(stream)
        tags = [column.display_tag for column in dataset.columns]
        rows = list(dataset)
    assert "#inneed+ind" in tags and "#inneed+f+adults" in tags and "#inneed+m+elderly" in tags
    (row,) = rows
    assert row.get("#country+code") == "CL"
    assert row.get("#inneed+ind") == "13"
    assert row.get("#inneed+f+adults") == "6"
    assert row.get("#inneed+m+elderly") in ("", None)  # two people: suppressed
    assert row.get("#inneed+f+elderly") in ("", None)  # five, hidden with them
    assert row.get("#inneed+f+children") == "0"
    assert "Mujer" not in out.read_text(encoding="utf-8")
    assert _run(nodes["CL"], "export", "--format", "xlsx", "--out", str(out)).returncode == 2


def test_overdue_referrals_are_escalated_by_the_follow_up(
    login: Login, nodes: dict[str, TestNode]
) -> None:
    import datetime as dt

    from sqlalchemy import update

    from hito.auth.scoping import unscoped
    from hito.humanitarian.models import Referral

    oim = login("cl.oim")
    consent = {"given": True, "explained": "Se explicó la evaluación.", "language": "es",
               "share_with": ["service_providers"], "parts": ["health"]}  # fmt: skip
    person = _person(oim, protection=None)
    given = oim.post(f"/api/v1/humanitarian/persons/{person}/consent", json=consent).json()
    case_id = oim.post(
        f"/api/v1/humanitarian/persons/{person}/screenings",
        json={"consent_id": given["id"], "details": {"violence": True}},
    ).json()["case_id"]
    point = next(f for f in oim.get("/api/v1/facilities").json() if f["kind"] == "service_point"
                 and f["origin_node"] == "CL")  # fmt: skip
    made = oim.post(
        f"/api/v1/humanitarian/cases/{case_id}/referrals",
        json={"facility_id": point["id"], "service": "health"},
    ).json()
    with nodes["CL"].sessions() as session, unscoped(session):
        session.execute(
            update(Referral)
            .where(Referral.id == made["id"])
            .values(deadline=dt.datetime(2025, 11, 26, tzinfo=dt.UTC))
        )
        session.commit()
    done = _run(nodes["CL"], "escalate")
    assert done.returncode == 0 and "1 referral(s) escalated" in done.stdout, done.stderr
    (late,) = oim.get("/api/v1/humanitarian/referrals", params={"overdue": True}).json()
    assert late["id"] == made["id"] and late["escalated_at"] is not None
    assert "0 referral(s)" in _run(nodes["CL"], "escalate").stdout  # once is enough
