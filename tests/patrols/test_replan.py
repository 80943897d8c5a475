"""Re-planning: the smallest change to one shift that covers a new high-impact post."""

from __future__ import annotations

from hito.patrols.check import violations
from hito.patrols.planner import solve
from hito.patrols.problem import Assignment, Impact, Plan, Problem, Unit
from hito.patrols.replan import replan
from tests.patrols.test_planner import problem, unit

LEVELS = {"S1": Impact.medium, "S2": Impact.medium, "S3": Impact.low}


def _one_side(units: list[Unit], risk: dict[str, float]) -> Problem:
    case = problem(units, LEVELS, days=1, risk=risk)
    case.countries = ["CL"]
    return case


def test_an_idle_unit_is_sent_and_nothing_else_moves() -> None:
    units = [unit("CL-1", "CARAB", "CL", S1=10, S2=10), unit("CL-2", "PDI", "CL", S2=10, S3=10),
             unit("CL-3", "PDI", "CL", S3=10)]  # fmt: skip
    case = _one_side(units, {"S1": 3.0, "S2": 2.0, "S3": 0.0})  # S3 worth nothing yet
    current = solve(case, seconds=3)
    assert not any(a.sector == "S3" for a in current.assignments)
    change = replan(case, current, post=("S3", "CL", 1), seconds=3)
    assert change.covers
    assert change.removed == [] and change.added == [Assignment("CL-3", "S3", "CL", 1)]
    assert violations(case, change.plan) == []
    others = [a for a in change.plan.assignments if a.shift != 1]
    assert others == [a for a in current.assignments if a.shift != 1]


def test_one_unit_moves_when_none_is_idle() -> None:
    units = [unit("CL-1", "CARAB", "CL", S1=10, S3=10), unit("CL-2", "PDI", "CL", S2=10)]
    case = _one_side(units, {"S1": 3.0, "S2": 2.0, "S3": 0.0})
    current = Plan([Assignment("CL-1", "S1", "CL", 1), Assignment("CL-2", "S2", "CL", 1)],
                   5.0, 5.0, "GIVEN", 0.0)  # fmt: skip
    change = replan(case, current, post=("S3", "CL", 1), seconds=3)
    assert change.covers
    assert change.added == [Assignment("CL-1", "S3", "CL", 1)]
    assert change.removed == [Assignment("CL-1", "S1", "CL", 1)]
    assert violations(case, change.plan) == []


def test_a_unit_due_next_shift_is_sent_now_when_none_is_free() -> None:
    units = [unit("CL-1", "CARAB", "CL", S1=10, S3=10), unit("CL-2", "PDI", "CL", S1=10, S3=10)]
    case = _one_side(units, {"S1": 3.0, "S2": 0.0, "S3": 0.0})
    # CL-1 worked shift 0 (no rest for shift 1); CL-2 is due on S1 in shift 2, which its
    # shift 1 would leave without rest: only moving it from shift 2 to shift 1 covers S3.
    current = Plan([Assignment("CL-1", "S1", "CL", 0), Assignment("CL-2", "S1", "CL", 2)],
                   6.0, 6.0, "GIVEN", 0.0)  # fmt: skip
    change = replan(case, current, post=("S3", "CL", 1), seconds=3)
    assert change.covers
    assert change.added == [Assignment("CL-2", "S3", "CL", 1)]
    assert change.removed == [Assignment("CL-2", "S1", "CL", 2)]
    assert violations(case, change.plan) == []
    assert Assignment("CL-1", "S1", "CL", 0) in change.plan.assignments  # the past stays


def test_rest_is_kept_and_an_impossible_post_changes_nothing() -> None:
    units = [unit("CL-1", "CARAB", "CL", S1=10, S3=10)]
    case = _one_side(units, {"S1": 3.0, "S2": 0.0, "S3": 0.0})
    current = Plan([Assignment("CL-1", "S1", "CL", 0)], 3.0, 3.0, "GIVEN", 0.0)
    # CL-1 worked shift 0: shift 1 would leave it no rest; S2 nobody reaches at all.
    for post in (("S3", "CL", 1), ("S2", "CL", 2)):
        change = replan(case, current, post=post, seconds=3)
        assert not change.covers and change.added == [] and change.removed == []
        assert violations(case, change.plan) == []
