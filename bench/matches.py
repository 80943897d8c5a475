"""Possible matches inside the platform: latency of GET /persons/{id}/matches over HTTP.

    .venv/bin/python bench/matches.py                    # 20,000 encounters, both countries
    .venv/bin/python bench/matches.py --persons 100000

Fills a SQLite node with encounters of both countries (synthetic, 40% of Chile's also met in
Peru, all shared binationally), trains the model once (`hito identity link-persons`), then asks
for the possible matches of random persons as a Chilean PDI officer would.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PASSWORD, env_for, hito, machine, percentile, server, token  # noqa: E402


def fill(database_url: str, persons: int) -> None:
    from hito.auth import Role, Scope, unrestricted
    from hito.db import make_engine, make_sessionmaker
    from hito.identity import link_persons
    from hito.identity.synthetic import registries
    from hito.people import PersonCreate, create_persons

    data = registries(persons // 2, persons // 2, seed=31)
    sessions = make_sessionmaker(make_engine(database_url))

    def as_person(row: dict[str, str]) -> PersonCreate:
        first, _, second = row["surnames"].partition(" ")
        documents = []
        if row["document_number"]:
            documents = [{"type": row["document_type"], "number": row["document_number"]}]
        return PersonCreate.model_validate(
            {
                "given_names": row["given_names"],
                "surname_1": first or None,
                "surname_2": second or None,
                "birth_date": row["birth_date"] or None,
                "sex": {"F": "female", "M": "male"}.get(row["sex"], "unknown"),
                "nationality": row["nationality"],
                "encountered_at": "2025-11-20T10:00:00-03:00",
                "documents": documents,
                "sharing_level": "binational",
            }
        )

    with sessions() as session:
        for rows, country, agency in ((data.left, "PE", "PE-MIGRACIONES"),
                                      (data.right, "CL", "CL-PDI")):  # fmt: skip
            from hito.agencies import agency_by_code

            kind = agency_by_code(session, code=agency).kind
            scope = Scope(None, "bench", agency, kind, country, frozenset({Role.admin}), "CL")
            for start in range(0, len(rows), 2000):
                create_persons(
                    session,
                    scope=scope,
                    people=[as_person(r) for r in rows[start : start + 2000]],
                    audit_it=False,
                )
            session.commit()
        started = time.perf_counter()
        summary = link_persons(session, scope=unrestricted("CL"))
        session.commit()
        print(
            f"link-persons: {summary['persons']:,} encounters → {summary['identities']:,} "
            f"identities in {time.perf_counter() - started:.1f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/node.db"
        env = env_for(url)
        hito(env, "db", "upgrade")
        hito(env, "user", "add", "bench.pdi", "--agency", "CL-PDI", "--role", "supervisor",
             stdin=PASSWORD + "\n")  # fmt: skip
        fill(url, args.persons)
        with server(env) as base:
            headers = {"Authorization": f"Bearer {token(base, 'bench.pdi')}"}
            rng = random.Random(1)
            with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
                client.get("/api/v1/persons/1/matches")  # first call loads Splink
                latencies, found = [], 0
                for _ in range(args.requests):
                    person_id = rng.randint(1, args.persons)
                    started = time.perf_counter()
                    reply = client.get(f"/api/v1/persons/{person_id}/matches")
                    latencies.append((time.perf_counter() - started) * 1000)
                    reply.raise_for_status()
                    found += bool(reply.json()["items"])
        print(
            f"GET /persons/{{id}}/matches over {args.persons:,} encounters, {args.requests} "
            f"requests: p50 {percentile(latencies, 50):.0f} ms, p95 "
            f"{percentile(latencies, 95):.0f} ms, max {max(latencies):.0f} ms; "
            f"{found / args.requests:.0%} had at least one possible match"
        )


if __name__ == "__main__":
    main()
