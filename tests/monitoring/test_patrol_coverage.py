"""Coverage of critical sectors against a hand-counted plan: only the shifts planned at high or
critical impact count, each patrolled by a patrol of its side, agency and kind of unit set out
for its sector; and a binational briefing gets the figure on both nodes from what they share."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import select

from hito.auth import unrestricted
from hito.auth.scoping import scoped_as, unscoped
from hito.exchange.agreements import shared_view
from hito.monitoring.indicators import drill_down, indicators
from hito.patrols.io import demo_units
from hito.patrols.models import PatrolAssignment, PatrolPlan, PlanStatus
from hito.patrols.plans import add_assignments
from hito.patrols.problem import Assignment, Impact, Problem, SectorShift, make_shifts
from tests.nodes import TestNode

Login = Callable[[str], httpx.Client]
CHILE = ZoneInfo("America/Santiago")
AT = dt.datetime(2025, 11, 25, tzinfo=CHILE)  # the cut-off: Monday 25, midnight in Chile
S1, S2, S3 = "S1-LITORAL", "S2-CHACALLUTA", "S3-ESCRITOS"
CRITICAL, HIGH, MEDIUM, LOW = Impact.critical, Impact.high, Impact.medium, Impact.low
# 8-hour shifts from midnight of Sunday 23 in Chile: 0 = 23rd 00–08, 1 = 08–16, 2 = 16–24,
# 3 = 24th 00–08, 4 = 08–16, 5 = 16–24, 6 = 25th 00–08 (after the cut-off)
SHIFTS = [
    # unit, sector, shift, the sector's level in that shift when planned
    ("CL-CAR-CHACALLUTA", S2, 1, CRITICAL),  # a: patrolled
    ("CL-PDI-ARICA", S2, 1, CRITICAL),  # b: only Carabineros went, on foot
    ("CL-CAR-ARICA-1", S1, 2, HIGH),  # c: patrolled, from half an hour before
    ("CL-CAR-ARICA-2", S1, 2, HIGH),  # d: the same agency and kind, but one patrol for two
    ("CL-CAR-ARICA-1", S1, 4, HIGH),  # e: its patrol set out for S3
    ("CL-CAR-CHACALLUTA", S2, 4, CRITICAL),  # f: its patrol ended as the shift began
    ("CL-CAR-CHACALLUTA", S2, 6, CRITICAL),  # g: ends after the cut-off: not judged yet
    ("CL-CAR-CHACALLUTA", S2, 3, MEDIUM),  # patrolled, not critical
    ("CL-CAR-LITORAL", S1, 0, LOW),  # patrolled, not critical
    ("CL-PDI-ARICA", S3, 5, LOW),  # not patrolled, not critical
]
PATROLS = [
    # unit, sector it set out for, from, to (Chile)
    ("CL-CAR-LITORAL", S1, "2025-11-23T01:00", "2025-11-23T05:00"),
    ("CL-CAR-CHACALLUTA", S2, "2025-11-23T09:00", "2025-11-23T15:00"),
    ("CL-CAR-ARICA-1", S1, "2025-11-23T15:30", "2025-11-23T20:00"),
    ("CL-CAR-CHACALLUTA", S2, "2025-11-24T00:00", "2025-11-24T08:00"),
    ("CL-CAR-ARICA-1", S3, "2025-11-24T09:00", "2025-11-24T15:00"),
    # never ended: under way for 12 hours at most, so not during b (it would cover b if it ran on)
    ("CL-PDI-ARICA", S2, "2025-11-22T20:00", None),
]
# Judged: a–f, six shifts at high or critical impact; patrolled: a and c. 2 / 6.
# Every shift judged, whatever its level (the measure before): 4 of 9 (a, c, and the two others).
EXPECTED = 33.3


def _world(node: TestNode, supervisor: httpx.Client) -> None:
    """Chile's units, an approved plan of the shifts above and the patrols above, each written
    by the services that write them in use."""
    units = [u.model_dump(mode="json") for u in demo_units("CL")]
    assert supervisor.post("/api/v1/patrols/units", json=units).status_code == 201
    shifts = make_shifts(dt.date(2025, 11, 23), 3, 8, CHILE)
    levels = {(sector, k): level for _, sector, k, level in SHIFTS}
    problem = Problem(
        shifts, [], [S1, S2, S3], ["CL"],
        {(s, k.index): SectorShift(1.0, levels.get((s, k.index), LOW))
         for s in (S1, S2, S3) for k in shifts},
    )  # fmt: skip
    with node.sessions() as session, unscoped(session):
        plan = PatrolPlan(
            country="CL", starts_at=shifts[0].start, days=3, shift_hours=8, seed=0,
            status=PlanStatus.draft, solver_status="BY HAND", objective=0.0, bound=0.0,
            coverage="[]", uncovered="[]", origin_node="CL", sharing_level="national",
        )  # fmt: skip
        session.add(plan)
        session.flush()
        planned = [Assignment(unit, sector, "CL", k) for unit, sector, k, _ in SHIFTS]
        add_assignments(session, plan, problem, planned)
        session.commit()
        plan_id = plan.id
    assert supervisor.post(f"/api/v1/patrols/plans/{plan_id}/approve").status_code == 200
    for unit, sector, start, end in PATROLS:
        began = dt.datetime.fromisoformat(start).replace(tzinfo=CHILE).isoformat()
        started = supervisor.post(
            "/api/v1/patrols/logs", json={"unit": unit, "sector": sector, "started_at": began}
        )
        assert started.status_code == 201, started.text
        if end is None:
            continue
        ended = dt.datetime.fromisoformat(end).replace(tzinfo=CHILE).isoformat()
        path = f"/api/v1/patrols/logs/{started.json()['id']}/end"
        assert supervisor.post(path, json={"ended_at": ended}).status_code == 200


def _coverage(client: httpx.Client) -> float | None:
    reply = client.get("/api/v1/monitoring/indicators", params={"at": AT.isoformat()})
    assert reply.status_code == 200, reply.text
    (found,) = [v for v in reply.json() if v["id"] == "critical_sector_coverage"]
    return found["value"]  # type: ignore[no-any-return]


def test_coverage_counts_only_the_shifts_planned_at_high_or_critical_impact(
    login: Login, nodes: dict[str, TestNode], signed_in: Login
) -> None:
    supervisor = login("cl.pdi")
    _world(nodes["CL"], supervisor)
    with nodes["CL"].sessions() as session, unscoped(session):
        kept = session.execute(
            select(PatrolAssignment.impact, PatrolAssignment.sharing_level)
        ).all()  # fmt: skip
    assert sorted(str(level) for level, _ in kept) == sorted(s[3].name for s in SHIFTS)
    assert {str(level) for _, level in kept} == {"binational"}  # approved with its plan
    assert _coverage(supervisor) == EXPECTED
    drill = supervisor.get(
        "/api/v1/monitoring/indicators/critical_sector_coverage/records",
        params={"at": AT.isoformat()},
    )
    assert drill.status_code == 200 and drill.json()["total"] == 6  # a–f
    # each said patrolled or not by the same matching as the figure: a and c
    listed = sorted((r["at"], r["detail"]) for r in drill.json()["records"])
    day_shift, evening = "2025-11-23T11:00:00Z", "2025-11-23T19:00:00Z"  # 08:00 and 16:00 -03
    assert listed == [
        (day_shift, "critical; not patrolled"), (day_shift, "critical; patrolled"),
        (evening, "high; not patrolled"), (evening, "high; patrolled"),
        ("2025-11-24T11:00:00Z", "critical; not patrolled"),
        ("2025-11-24T11:00:00Z", "high; not patrolled"),
    ]  # fmt: skip
    page = signed_in("cl.pdi").get(
        "/monitoring/indicators/critical_sector_coverage", params={"at": "2025-11-24", "lang": "es"}
    )
    assert page.status_code == 200
    assert page.text.count("crítico; patrullado") == 1 and page.text.count("sin patrullar") == 4


def test_a_binational_briefing_shows_the_coverage_on_both_nodes(
    login: Login, sync: Callable[[], int], nodes: dict[str, TestNode]
) -> None:
    _world(nodes["CL"], login("cl.pdi"))
    sync()
    assert _coverage(login("pe.operator")) == EXPECTED  # Peru reads Chile's plan and patrols
    for node in nodes.values():
        with node.sessions() as session:
            scope = unrestricted(node.code)
            reader = shared_view(session, scope)  # as the binational briefing reads
            with scoped_as(session, reader):
                (figure,) = indicators(session, scope=reader, at=AT,
                                       only=["critical_sector_coverage"])  # fmt: skip
            session.rollback()
        assert figure.value == EXPECTED, node.code


def test_a_side_whose_patrols_the_reader_may_not_read_is_not_judged(
    login: Login, sync: Callable[[], int], nodes: dict[str, TestNode]
) -> None:
    """Plans and patrols are shared under separate rules: a reader given Chile's plans but not
    its patrols gets no figure, not 0% (every shift would read as not patrolled)."""
    _world(nodes["CL"], login("cl.pdi"))
    sync()
    for node in nodes.values():
        with node.sessions() as session:
            shared = shared_view(session, unrestricted(node.code))
            assert "patrol" in dict(shared.shared_levels)
            reader = dataclasses.replace(
                shared,
                shared_levels=tuple(t for t in shared.shared_levels if t[0] != "patrol"),
            )  # an agreement that sends plans, not patrols
            with scoped_as(session, reader):
                (figure,) = indicators(session, scope=reader, at=AT,
                                       only=["critical_sector_coverage"])  # fmt: skip
                # and the records behind it are those it counts: none
                drill = drill_down(session, scope=reader, indicator="critical_sector_coverage",
                                   at=AT)  # fmt: skip
            session.rollback()
        assert figure.value is None, node.code
        assert drill.total == 0 and drill.records == [], node.code
