"""The demo's flow monitoring, November 2025: Chile counts the stranded area north of
Chacalluta and Arica's bus terminal, Peru Tacna's; people present or passing by sex, age group
and nationality, with a short survey of some. Figures follow the reported group (about 100, then
70, then 20 people) and invented terminal flows."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy.orm import Session

from hito.auth import Scope
from hito.demo.scenario import CL_TZ, STRANDED_AT
from hito.flows import FlowCountCreate, FlowPointCreate, create_point, record_count
from hito.flows.models import CountKind, PointKind
from hito.places import Location, town

SEED = 20251125
STRANDED = [(dt.date(2025, 11, 24), 100), (dt.date(2025, 11, 25), 70), (dt.date(2025, 11, 26),
            70), (dt.date(2025, 11, 27), 45), (dt.date(2025, 11, 28), 20)]  # fmt: skip


def _points(node: str) -> list[tuple[str, str, PointKind, tuple[float, float]]]:
    if node == "CL":
        return [
            ("VARADOS-CHACALLUTA", "Franja al norte del complejo Chacalluta",
             PointKind.stranded_area, (STRANDED_AT.lat, STRANDED_AT.lon)),
            ("TERMINAL-ARICA", "Terminal internacional de buses de Arica", PointKind.bus_terminal,
             town("Arica")),
        ]  # fmt: skip
    return [
        ("TERMINAL-TACNA", "Terminal terrestre de Tacna", PointKind.bus_terminal, town("Tacna"))
    ]


def _breakdown(rng: random.Random, total: int) -> tuple[list[dict[str, object]], int,
                                                       list[dict[str, object]]]:  # fmt: skip
    shares = {
        ("f", "adults"): 0.33, ("m", "adults"): 0.35, ("f", "children"): 0.15,
        ("m", "children"): 0.14, ("f", "elderly"): 0.015, ("m", "elderly"): 0.015,
    }  # fmt: skip
    cells, left = [], total
    for (sex, age), share in shares.items():
        people = min(left, round(total * share))
        left -= people
        if people:
            cells.append({"sex": sex, "age_group": age, "nationality": "VE", "people": people})
    surveyed = total // 4
    needs = {"medical": surveyed // 4, "maternal": surveyed // 8, "child_protection": surveyed // 8}
    answers: list[dict[str, object]] = [
        {"question": "origin", "answer": "CL", "people": surveyed},
        {"question": "destination", "answer": rng.choice(["VE", "PE"]), "people": surveyed},
        *({"question": "need", "answer": need, "people": n} for need, n in needs.items() if n),
    ]
    return cells, surveyed, answers


def load_flows(session: Session, *, scope: Scope, node: str) -> int:
    """This node's points and November's counts; how many counts."""
    rng = random.Random(f"{SEED}-{node}")
    made = 0
    for code, name, kind, (lat, lon) in _points(node):
        point = create_point(session, scope=scope, data=FlowPointCreate(
            code=code, name=name, kind=kind, location=Location(lat=lat, lon=lon)))  # fmt: skip
        if kind is PointKind.stranded_area:
            counts = [(CountKind.present, day, 10, 10.5, total) for day, total in STRANDED]
        else:
            counts = [
                (CountKind.departed, dt.date(2025, 11, 3) + dt.timedelta(days=d), 6, 22,
                 rng.randint(25, 60))
                for d in range(0, 28, 2)
            ]  # fmt: skip
        for count_kind, day, first, last, total in counts:
            start = dt.datetime.combine(day, dt.time(), CL_TZ) + dt.timedelta(hours=first)
            cells, surveyed, answers = _breakdown(rng, total)
            data = FlowCountCreate.model_validate(
                {"kind": count_kind, "period_start": start.isoformat(),
                 "period_end": (start + dt.timedelta(hours=last - first)).isoformat(),
                 "total": total, "cells": cells, "surveyed": surveyed, "answers": answers}
            )  # fmt: skip
            record_count(session, scope=scope, point_id=point.id, data=data)
            made += 1
    return made
