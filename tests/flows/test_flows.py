"""Flow monitoring over real HTTP between the two nodes: points and counts stored, shared as
aggregates, summed with small cells suppressed, refused when inconsistent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from hito.auth.scoping import unscoped
from hito.flows.models import FlowCell, FlowCount

Login = Callable[[str], httpx.Client]
POINT = {
    "code": "VARADOS-CHACALLUTA",
    "name": "Franja al norte del complejo Chacalluta",
    "kind": "stranded_area",
    "location": {"lat": -18.305, "lon": -70.322},
}


def _count(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "present",
        "period_start": "2025-11-24T10:00:00-03:00",
        "period_end": "2025-11-24T10:30:00-03:00",
        "total": 70,
        "cells": [
            {"sex": "f", "age_group": "adults", "nationality": "VE", "people": 22},
            {"sex": "m", "age_group": "adults", "nationality": "VE", "people": 25},
            {"sex": "f", "age_group": "children", "nationality": "VE", "people": 12},
            {"sex": "m", "age_group": "children", "nationality": "VE", "people": 8},
            {"sex": "f", "age_group": "elderly", "nationality": "CO", "people": 3},
        ],
        "surveyed": 20,
        "answers": [
            {"question": "origin", "answer": "CL", "people": 18},
            {"question": "origin", "answer": "PE", "people": 2},
            {"question": "destination", "answer": "VE", "people": 20},
            {"question": "need", "answer": "medical", "people": 6},
            {"question": "need", "answer": "maternal", "people": 3},
            {"question": "need", "answer": "none", "people": 11},
        ],
    }
    body.update(overrides)
    return body


def test_counts_are_shared_and_summed_with_small_cells_hidden(
    login: Login, sync: Callable[[], int]
) -> None:
    supervisor, operator, peru = login("cl.pdi"), login("cl.operator"), login("pe.operator")
    made = supervisor.post("/api/v1/flows/points", json=POINT)
    assert made.status_code == 201, made.text
    point = made.json()
    assert point["country"] == "CL"
    counted = operator.post(f"/api/v1/flows/points/{point['id']}/counts", json=_count())
    assert counted.status_code == 201, counted.text
    sync()
    window = {"from": "2025-11-24T00:00:00-03:00", "to": "2025-11-25T00:00:00-03:00"}
    for client in (operator, peru):
        (figures,) = client.get("/api/v1/flows/summary", params=window).json()
        assert figures["point"] == "VARADOS-CHACALLUTA" and figures["present"] == 70
        # 3 elderly women: hidden, and with them the next smallest cell (8 boys), so that the
        # 3 cannot be worked out from the total
        assert figures["by_sex_age"] == {
            "f adults": 22, "f children": 12, "f elderly": None, "m adults": 25,
            "m children": None,
        }  # fmt: skip
        # likewise: 67 Venezuelans shown would give away the 3 Colombians
        assert figures["by_nationality"] == {"VE": None, "CO": None}
        assert figures["answers"]["need"] == {"none": 11, "medical": None, "maternal": None}
        assert figures["answers"]["origin"] == {"CL": None, "PE": None}
        assert figures["answers"]["destination"] == {"VE": 20}
        assert figures["surveyed"] == 20
    (theirs,) = peru.get("/api/v1/flows/points").json()
    assert theirs["uid"] == point["uid"] and theirs["origin_node"] == "CL"
    # Peru counts nothing at Chile's point
    refused = peru.post(f"/api/v1/flows/points/{theirs['id']}/counts", json=_count())
    assert refused.status_code == 403
    assert login("cl.viewer").post("/api/v1/flows/points", json={**POINT, "code": "X1"}
                                   ).status_code == 403  # fmt: skip
    assert supervisor.post("/api/v1/flows/points", json=POINT).status_code == 409


INCONSISTENT: list[tuple[dict[str, Any], str]] = [
    ({"total": 10}, "more people in the breakdown than the total"),
    ({"surveyed": 80}, "surveyed: more than the total"),
    ({"answers": [{"question": "need", "answer": "wifi", "people": 1}]}, "not a need"),
    ({"answers": [{"question": "origin", "answer": "ZZ", "people": 1}]}, "ISO 3166"),
    ({"answers": [{"question": "origin", "answer": "CL", "people": 21}]}, "more origin"),
    ({"period_end": "2025-11-23T10:00:00-03:00"}, "before period_start"),
    (
        {"cells": [{"sex": "f", "age_group": "adults", "nationality": "VE", "people": 1}] * 2},
        "appears twice",
    ),
    ({"total": "70"}, "valid integer"),
]


def test_inconsistent_counts_are_refused_and_change_nothing(
    login: Login, sessions: sessionmaker[Session]
) -> None:
    supervisor = login("cl.pdi")
    point = supervisor.post("/api/v1/flows/points", json=POINT).json()
    for change, words in INCONSISTENT:  # one node reset for all of them
        reply = supervisor.post(f"/api/v1/flows/points/{point['id']}/counts", json=_count(**change))
        assert reply.status_code == 422, change
        assert words in reply.text, reply.text
    with sessions() as session, unscoped(session):
        assert session.scalar(select(func.count()).select_from(FlowCount)) == 0
        assert session.scalar(select(func.count()).select_from(FlowCell)) == 0
