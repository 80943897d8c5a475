"""The planner: every hard rule checked on the plan it returns, and uncovered posts explained."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from hito.patrols.check import objective, violations
from hito.patrols.greedy import greedy
from hito.patrols.planner import relaxation, solve
from hito.patrols.problem import (
    Assignment,
    Impact,
    Plan,
    Problem,
    SectorShift,
    ShiftKind,
    Unit,
    make_shifts,
    shift_kind,
)

ZONE = ZoneInfo("America/Santiago")
DAY = dt.date(2025, 11, 24)


def unit(code: str, agency: str, country: str, **travel: int) -> Unit:
    return Unit(code, agency, country, "vehicle", 4, travel)


def problem(
    units: list[Unit],
    impacts: dict[str, Impact],
    *,
    days: int = 1,
    risk: dict[str, float] | None = None,
) -> Problem:
    shifts = make_shifts(DAY, days, 8, ZONE)
    sectors = list(impacts)
    table = {
        (s, k.index): SectorShift((risk or {}).get(s, 1.0), impacts[s])
        for s in sectors
        for k in shifts
    }
    return Problem(shifts, units, sectors, ["CL", "PE"], table)


def test_shifts_and_their_kinds() -> None:
    shifts = make_shifts(DAY, 2, 8, ZONE)
    assert len(shifts) == 6
    assert shifts[0].start.hour == 0 and shifts[0].start.tzinfo == ZONE
    assert [shift_kind(k, ZONE) for k in shifts[:3]] == [
        ShiftKind.night, ShiftKind.day, ShiftKind.night
    ]  # fmt: skip
    with pytest.raises(ValueError, match="does not divide"):
        make_shifts(DAY, 1, 7, ZONE)
    with pytest.raises(ValueError, match="1 to 31 days"):
        make_shifts(DAY, 0, 8, ZONE)


def test_a_plan_keeps_every_rule_and_is_worth_what_it_says() -> None:
    units = [
        unit("CL-1", "CARAB", "CL", S1=30, S2=60),
        unit("CL-2", "PDI", "CL", S1=40, S2=20),
        unit("CL-3", "EJERCITO", "CL", S2=100),
        unit("PE-1", "PNP", "PE", S1=30, S2=30),
        unit("PE-2", "EJERCITO", "PE", S1=50),
        unit("PE-3", "PNP", "PE", S2=200),  # too far: 400 minutes of travel in an 8 h shift
    ]
    case = problem(
        units, {"S1": Impact.critical, "S2": Impact.medium}, days=2, risk={"S1": 3.0, "S2": 1.0}
    )
    plan = solve(case, seconds=5)
    assert plan.status == "OPTIMAL"
    assert violations(case, plan) == []
    assert plan.objective == pytest.approx(objective(case, plan), abs=0.01)
    assert plan.objective == pytest.approx(plan.bound, abs=0.01)
    # No unit twice in a row (8 h of rest), none on the other side, PE-3 never.
    worked: dict[str, list[int]] = {}
    for a in plan.assignments:
        assert a.unit[:2] == a.country
        worked.setdefault(a.unit, []).append(a.shift)
    assert "PE-3" not in worked
    for shifts in worked.values():
        assert all(b - a >= 2 for a, b in zip(shifts, shifts[1:], strict=False))
    # S1 is critical: two agencies on each side, both sides together, whenever it is covered.
    s1 = [a for a in plan.assignments if a.sector == "S1"]
    assert s1, "the critical sector is worth covering"
    for shift in {a.shift for a in s1}:
        for country in ("CL", "PE"):
            crew = [a for a in s1 if a.shift == shift and a.country == country]
            assert len({u.agency for u in units if u.code in {a.unit for a in crew}}) == 2


def test_the_checker_finds_each_broken_rule() -> None:
    units = [unit("CL-1", "CARAB", "CL", S1=30), unit("CL-2", "CARAB", "CL", S1=30),
             unit("PE-1", "PNP", "PE", S1=300)]  # fmt: skip
    case = problem(units, {"S1": Impact.high, "S2": Impact.critical})
    bad = Plan(
        [
            Assignment("CL-1", "S1", "PE", 0),  # wrong side
            Assignment("CL-1", "S1", "CL", 1),  # no rest after shift 0
            Assignment("CL-2", "S1", "CL", 1),  # a high post with one agency (CARAB twice)
            Assignment("PE-1", "S1", "PE", 2),  # 300 minutes each way
            Assignment("CL-2", "S2", "CL", 2),  # cannot reach S2; S2 critical, PE side empty
            Assignment("XX-9", "S1", "CL", 2),  # no such unit
        ],
        0.0, 0.0, "EDITED", 0.0,
    )  # fmt: skip
    found = "\n".join(violations(case, bad))
    for expected in (
        "a CL unit on the PE side",
        "0 h rest between shifts 0 and 1",
        "S1/CL shift 1: high with one agency",
        "300 min each way",
        "CL-2 in shift 2 at S2/CL: cannot reach",
        "S2 shift 2: critical, PE side uncovered",
        "XX-9: no such unit",
    ):
        assert expected in found


def test_availability_and_shift_length_are_kept() -> None:
    shifts = make_shifts(DAY, 1, 8, ZONE)
    only_day = Unit("CL-1", "CARAB", "CL", "foot", 2, {"S1": 10},
                    available=((shifts[1].start, shifts[1].end),))  # fmt: skip
    short = Unit("CL-2", "PDI", "CL", "drone", 1, {"S1": 10}, max_shift_hours=6)
    case = problem([only_day, short], {"S1": Impact.medium})
    plan = solve(case, seconds=5)
    assert [(a.unit, a.shift) for a in plan.assignments] == [("CL-1", 1)]
    assert violations(case, plan) == []
    late = Plan([Assignment("CL-1", "S1", "CL", 2), Assignment("CL-2", "S1", "CL", 0)],
                0.0, 0.0, "EDITED", 0.0)  # fmt: skip
    found = violations(case, late)
    assert any("outside its availability" in f for f in found)
    assert any("8 h shift, its maximum is 6 h" in f for f in found)


@pytest.mark.parametrize(
    ("units", "reason"),
    [
        ([], "no_unit_available"),
        ([unit("CL-1", "CARAB", "CL", S2=10), unit("PE-1", "PNP", "PE", S1=10)], "no_unit_reaches"),
        ([unit("CL-1", "CARAB", "CL", S1=10), unit("CL-2", "CARAB", "CL", S1=20)], "one_agency"),
        (
            [
                unit("CL-1", "CARAB", "CL", S1=10),
                unit("CL-2", "PDI", "CL", S1=20),
                unit("PE-1", "PNP", "PE", S1=10),
            ],
            "joint",
        ),  # fmt: skip
    ],
)
def test_an_uncovered_critical_post_says_which_rule_stops_it(
    units: list[Unit], reason: str
) -> None:
    case = problem(units, {"S1": Impact.critical, "S2": Impact.low})
    plan = solve(case, seconds=5)
    assert violations(case, plan) == []
    mine = [u for u in plan.uncovered if u.sector == "S1" and u.country == "CL"]
    assert len(mine) == len(case.shifts)
    assert {u.reason for u in mine} == {reason}


def test_capacity_is_the_reason_when_units_go_where_more_is_at_stake() -> None:
    units = [
        unit(code, agency, code[:2], S1=10, S2=10)
        for code, agency in (("CL-1", "CARAB"), ("CL-2", "PDI"), ("PE-1", "PNP"), ("PE-2", "EJ"))
    ]
    case = problem(units, {"S1": Impact.high, "S2": Impact.critical}, risk={"S1": 1.0, "S2": 5.0})
    plan = solve(case, seconds=5)
    assert violations(case, plan) == []
    s1 = [u for u in plan.uncovered if u.sector == "S1"]
    assert s1 and {u.reason for u in s1} == {"capacity"}
    assert all(u.sector == "S1" for u in plan.uncovered if u.shift != 1)


def test_the_planner_beats_or_matches_greedy_and_both_keep_the_rules() -> None:
    units = [
        unit(f"{c}-{n}", agency, c, **{s: 20 + 30 * abs(i - n % 4) for i, s in
             enumerate(["S1", "S2", "S3", "S4"])})
        for c, agencies in (("CL", ["CARAB", "PDI"]), ("PE", ["PNP", "EJ"]))
        for n, agency in enumerate(agencies * 3)
    ]  # fmt: skip
    impacts = {"S1": Impact.critical, "S2": Impact.high, "S3": Impact.medium, "S4": Impact.low}
    case = problem(units, impacts, days=2, risk={"S1": 2.0, "S2": 1.5, "S3": 1.0, "S4": 0.5})
    best, base = solve(case, seconds=5), greedy(case)
    assert violations(case, best) == [] and violations(case, base) == []
    assert objective(case, best) >= objective(case, base) - 1e-6
    assert best.gap <= 0.005


def test_the_relaxation_guides_greedy_past_its_nearest_unit_trap() -> None:
    """Y reaches only S1, X both: plain greedy gives S1 its nearest unit (X) and leaves S2
    bare; the linear relaxation puts Y on S1 and X on S2, and the guided greedy follows it."""
    x, y = unit("CL-X", "CARAB", "CL", S1=10, S2=20), unit("CL-Y", "PDI", "CL", S1=30)
    case = problem([x, y], {"S1": Impact.medium, "S2": Impact.medium},
                   risk={"S1": 2.0, "S2": 1.8})  # fmt: skip
    worth = {post: case.value(post) for post in case.posts()}
    guide = relaxation(case, worth)
    plain, guided = greedy(case), greedy(case, guide=guide)
    assert violations(case, plain) == [] and violations(case, guided) == []
    # three shifts a day, rest between two: each unit works the first and the last
    assert guide.bound == pytest.approx(objective(case, guided))
    assert objective(case, plain) == pytest.approx(guide.bound * (3 * 2.0) / (2 * 2.0 + 2 * 1.8))
    assert {(a.unit, a.sector) for a in guided.assignments} == {("CL-Y", "S1"), ("CL-X", "S2")}
    # the relaxation is a bound on every plan, the planner's too
    assert solve(case, seconds=2).objective <= guide.bound + 1e-6
