"""The caseworker's queue over 100,000 open cases, and re-deciding all of them on new rules.

Targets (issue 9): the queue answers p95 at most 50 ms through the API, filtered and sorted;
every open case is decided again after a rule change in at most 10 s. Printed beside their
floors on the same machine: the same page read with bare sqlite3, and the facts of every open
case read with bare sqlite3.
Run: .venv/bin/python bench/humanitarian.py [--cases 100000] [--requests 100]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sqlite3
import tempfile
import time
from typing import Any

import httpx
import yaml
from _common import PASSWORD, env_for, hito, machine, percentile, server, token
from sqlalchemy import insert, select

from hito.auth import unrestricted
from hito.auth.scoping import unscoped
from hito.db import make_engine, make_sessionmaker
from hito.humanitarian import load_rules, parse_rule_set
from hito.humanitarian.models import (
    CaseEncounter,
    CaseNeed,
    CaseReasons,
    HumanitarianCase,
    Screening,
    ScreeningDetail,
)
from hito.humanitarian.rulebook import shipped
from hito.humanitarian.rules import default_rules_text
from hito.models import Agency, Person, PersonGroup, Sector
from hito.records import new_uid

START = dt.datetime(2025, 11, 1, tzinfo=dt.UTC)


def _facts(rng: random.Random) -> dict[str, Any]:
    age = rng.choice(
        [rng.randint(0, 17), rng.randint(18, 59), rng.randint(18, 59), rng.randint(60, 90)]
    )
    pregnant = age >= 16 and age < 45 and rng.random() < 0.08
    return {
        "pregnant": pregnant,
        "pregnancy_months": rng.randint(1, 9) if pregnant else None,
        "pregnancy_high_risk": pregnant and rng.random() < 0.2,
        "child_status": rng.choice(["accompanied"] * 8 + ["separated", "unaccompanied"])
        if age < 18
        else None,
        "illness": rng.choice([None] * 17 + ["cancer", "chronic", "other_serious"]),
        "treatment_interrupted": rng.random() < 0.05,
        "disability": rng.random() < 0.04,
        "elderly_without_support": age >= 60 and rng.random() < 0.3,
        "single_caregiver": rng.random() < 0.06,
        "violence": rng.random() < 0.03,
        "trafficking": rng.random() < 0.005,
        "threats": rng.random() < 0.02,
        "age": age,
    }


def fill(database_url: str, count: int) -> int:
    """Persons, groups, and one open case per person with a screening; returns a group id."""
    rng = random.Random(9)
    sessions = make_sessionmaker(make_engine(database_url))
    rules = shipped()
    with sessions() as session, unscoped(session):
        agency = session.scalar(select(Agency.id).where(Agency.code == "INT-OIM"))
        sectors = list(session.scalars(select(Sector.id)))
        now = dt.datetime.now(dt.UTC)
        shared = {"origin_node": "CL", "version": 1, "sharing_level": "humanitarian"}
        groups = count // 4
        session.execute(
            insert(PersonGroup),
            [{"id": g, "uid": new_uid(), **shared, "kind": "family", "label": "",
              "reporting_agency_id": agency, "created_at": now, "updated_at": now}
             for g in range(1, groups + 1)],
        )  # fmt: skip
        for start in range(1, count + 1, 10_000):
            ids = range(start, min(start + 10_000, count + 1))
            people, cases, screenings, details, needs, reasons, encounters = (
                [],
                [],
                [],
                [],
                [],
                [],
                [],
            )
            for i in ids:
                facts = _facts(rng)
                decision = rules.decide(facts)
                at = START + dt.timedelta(minutes=rng.randrange(30 * 24 * 60))
                group = rng.randint(1, groups)
                person_uid = new_uid()
                people.append({"id": i, "uid": person_uid, **shared, "given_names": "Persona",
                               "sex": "female", "encountered_at": at, "reporting_agency_id": agency,
                               "group_id": group, "vulnerabilities": "", "protection_notes": "",
                               "created_at": now, "updated_at": now})  # fmt: skip
                cases.append({"id": i, "uid": new_uid(), **shared, "status": "open",
                              "person_id": i, "person_uid": person_uid,
                              "group_id": group, "sector_id": rng.choice(sectors),
                              "priority": decision.priority.value,
                              "priority_rank": decision.priority.rank,
                              "rule_set_version": 1, "vulnerable": decision.vulnerable,
                              "latest_screening_id": i, "opened_at": at,
                              "created_at": now, "updated_at": now})  # fmt: skip
                screenings.append({"id": i, "uid": new_uid(), **shared, "case_id": i,
                                   "person_id": i, "screened": True,
                                   "age_years": facts.pop("age"), "age_uncertainty_years": 0,
                                   "screened_at": at, "source": "screening",
                                   "created_at": now, "updated_at": now})  # fmt: skip
                details.append({"screening_id": i, **facts, "notes": ""})
                needs += [{"case_id": i, "need": n.value} for n in decision.needs]
                reasons.append(
                    {
                        "case_id": i,
                        "reasons": json.dumps(list(decision.reasons), ensure_ascii=False),
                    }
                )
                encounters.append(
                    {"person_id": i, "case_id": i, "added_because": "screening", "added_at": now}
                )
            tables = ((Person, people), (HumanitarianCase, cases), (Screening, screenings),
                      (ScreeningDetail, details), (CaseNeed, needs), (CaseReasons, reasons),
                      (CaseEncounter, encounters))  # fmt: skip
            for model, rows in tables:
                if rows:
                    session.execute(insert(model.__table__), rows)  # type: ignore[attr-defined]
            print(f"\r  filled {ids[-1]:,}/{count:,} cases", end="", flush=True)
        session.commit()
    print()
    return 1


QUERIES: dict[str, dict[str, Any]] = {
    "no filter": {},
    "need (medical)": {"need": "medical"},
    "priority (critical)": {"priority": "critical"},
    "sector": {"sector": "S2-CHACALLUTA"},
    "group": {"group_id": 1},
    "side + need": {"side": "CL", "need": "child_protection"},
}


def bare_page(path: str, requests: int) -> list[float]:
    connection = sqlite3.connect(path)
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        connection.execute(
            "SELECT * FROM humanitarian_case WHERE status = 'open' "
            "ORDER BY priority_rank, opened_at, id LIMIT 51"
        ).fetchall()
        times.append(time.perf_counter() - start)
    connection.close()
    return times


def bare_facts(path: str) -> float:
    connection = sqlite3.connect(path)
    start = time.perf_counter()
    connection.execute(
        "SELECT c.id, c.priority, s.age_years, s.age_uncertainty_years, r.reasons, d.* "
        "FROM humanitarian_case c JOIN screening s ON s.id = c.latest_screening_id "
        "LEFT JOIN screening_detail d ON d.screening_id = s.id "
        "LEFT JOIN case_reasons r ON r.case_id = c.id WHERE c.status = 'open'"
    ).fetchall()
    seconds = time.perf_counter() - start
    connection.close()
    return seconds


def redecide(database_url: str, version: int, change: str) -> tuple[float, int, int]:
    document = yaml.safe_load(default_rules_text())
    document["version"] = version
    for rule in document["rules"]:
        if change == "priority" and rule["code"] in ("pregnancy", "disability"):
            rule["priority"] = "high"
        if change == "reasons" and rule["code"] == "young_child":
            rule["reason"]["es"] = "niño o niña menor de 5 años"
    rules = parse_rule_set(yaml.safe_dump(document, allow_unicode=True))
    sessions = make_sessionmaker(make_engine(database_url))
    started = time.perf_counter()
    with sessions() as session, unscoped(session):
        report = load_rules(session, scope=unrestricted("CL"), document=rules)
        session.commit()
    return time.perf_counter() - started, report.open_cases, len(report.changes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=100, help="per query kind and user")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/bench.db"
        env = env_for(f"sqlite:///{path}")
        env["HITO_EXCHANGE"] = "0"
        hito(env, "db", "upgrade")
        for user, agency, role in [
            ("oim", "INT-OIM", "caseworker"),
            ("carabineros", "CL-CARABINEROS", "operator"),
        ]:
            hito(
                env, "user", "add", user, "--agency", agency, "--role", role, stdin=PASSWORD + "\n"
            )
        started = time.perf_counter()
        fill(env["HITO_DATABASE_URL"], args.cases)
        print(f"  {args.cases:,} open cases written in {time.perf_counter() - started:.0f} s")
        all_times: list[float] = []
        with server(env) as url:
            for user in ("oim", "carabineros"):
                with httpx.Client(base_url=url, timeout=30) as client:
                    client.headers["Authorization"] = f"Bearer {token(url, user)}"
                    for name, params in QUERIES.items():
                        times, cursor = [], None
                        for i in range(args.requests):
                            query = dict(params)
                            if cursor and i % 5:  # a few pages deep, then from the top again
                                query["cursor"] = cursor
                            start = time.perf_counter()
                            reply = client.get("/api/v1/humanitarian/queue", params=query)
                            times.append(time.perf_counter() - start)
                            reply.raise_for_status()
                            cursor = reply.json()["next_cursor"]
                        all_times += times
                        print(
                            f"  {user:12} {name:22} p50 {percentile(times, 50) * 1000:6.1f} ms"
                            f"  p95 {percentile(times, 95) * 1000:6.1f} ms"
                            f"  ({len(reply.json()['items'])} cases/page)"
                        )
        p95 = percentile(all_times, 95) * 1000
        floor = bare_page(path, args.requests)
        print(
            f"queue over {args.cases:,} open cases, {len(all_times)} requests of 50 cases: "
            f"p50 {percentile(all_times, 50) * 1000:.1f} ms, p95 {p95:.1f} ms, "
            f"p99 {percentile(all_times, 99) * 1000:.1f} ms   (target p95 <= 50 ms: "
            f"{'MET' if p95 <= 50 else 'NOT MET'})"
        )
        print(f"  bare sqlite3, the same first page: p95 {percentile(floor, 95) * 1000:.2f} ms")
        read = bare_facts(path)
        for version, change in ((2, "priority"), (3, "reasons")):
            seconds, count, changed = redecide(env["HITO_DATABASE_URL"], version, change)
            print(
                f"rules version {version} ({change} of some rules changed): {count:,} open cases "
                f"decided again, {changed:,} changed, written with their history, in "
                f"{seconds:.1f} s   (target <= 10 s: {'MET' if seconds <= 10 else 'NOT MET'})"
            )
        print(f"  bare sqlite3 reading the facts of every open case: {read:.2f} s")


if __name__ == "__main__":
    main()
