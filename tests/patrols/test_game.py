"""The security game: coverage against a hand-solved game, sampling, drawn plans converging."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from hito.patrols import game
from hito.patrols.check import violations
from hito.patrols.problem import Assignment, Impact, Plan, Problem, SectorShift
from tests.patrols.test_planner import problem, unit


def _one_side(risks: dict[str, float]) -> Problem:
    case = problem([], dict.fromkeys(risks, Impact.low), risk=risks)
    case.countries = ["CL"]
    case.shifts = case.shifts[:1]
    case.risk = {(s, 0): SectorShift(r, Impact.low) for s, r in risks.items()}
    return case


def test_coverage_solves_a_game_by_hand() -> None:
    # Worth 2 and 1, one patrol: the attacker is indifferent when 2(1 − c1) = 1(1 − c2) and
    # c1 + c2 = 1, so c1 = 2/3, c2 = 1/3 and the attacker expects 2/3.
    case = _one_side({"S1": 2.0, "S2": 1.0})
    posts = {("S1", "CL", 0), ("S2", "CL", 0)}
    cover = game.coverage(case, {("CL", 0): 1}, posts)
    assert cover.probability[("S1", "CL", 0)] == pytest.approx(2 / 3)
    assert cover.probability[("S2", "CL", 0)] == pytest.approx(1 / 3)
    assert cover.attacker_value[("CL", 0)] == pytest.approx(2 / 3)
    # Three posts worth 4, 2, 1 and two patrols: 4(1 − a) = 2(1 − b) = 1(1 − c), a + b + c = 2
    # gives v = 4/7 (a = 6/7, b = 5/7, c = 3/7).
    case = _one_side({"S1": 4.0, "S2": 2.0, "S3": 1.0})
    posts = {(s, "CL", 0) for s in ("S1", "S2", "S3")}
    cover = game.coverage(case, {("CL", 0): 2}, posts)
    assert [cover.probability[(s, "CL", 0)] for s in ("S1", "S2", "S3")] == pytest.approx(
        [6 / 7, 5 / 7, 3 / 7]
    )
    assert cover.attacker_value[("CL", 0)] == pytest.approx(4 / 7)
    # As many patrols as posts: everything covered, nothing left to gain.
    cover = game.coverage(case, {("CL", 0): 3}, posts)
    assert list(cover.probability.values()) == pytest.approx([1.0, 1.0, 1.0])


def test_sampling_draws_each_post_with_its_probability() -> None:
    probabilities = {("S1", "CL", 0): 0.9, ("S2", "CL", 0): 0.6, ("S3", "CL", 0): 0.5}
    rng = random.Random(7)
    counts: Counter[tuple[str, str, int]] = Counter()
    sizes: Counter[int] = Counter()
    for _ in range(4000):
        drawn = game.sample(probabilities, rng)
        counts.update(drawn)
        sizes[len(drawn)] += 1
    for post, p in probabilities.items():
        assert counts[post] / 4000 == pytest.approx(p, abs=0.03)
    assert set(sizes) == {2}  # 0.9 + 0.6 + 0.5 = 2: always two posts


def test_drawn_plans_keep_the_rules_and_follow_the_probabilities() -> None:
    units = [unit("CL-1", "CARAB", "CL", S1=10, S2=10, S3=10)]
    case = problem(units, {"S1": Impact.low, "S2": Impact.low, "S3": Impact.low},
                   risk={"S1": 3.0, "S2": 2.0, "S3": 1.0})  # fmt: skip
    case.countries = ["CL"]
    case.shifts = case.shifts[:1]
    reachable = {(s, "CL", 0) for s in ("S1", "S2", "S3")}
    cover = game.coverage(case, {("CL", 0): 1}, reachable)
    weeks = [game.draw(case, cover, seed=n, seconds=2) for n in range(150)]
    assert all(violations(case, week) == [] for week in weeks)
    seen = Counter(post for week in weeks for post in week.covered())
    for post, p in cover.probability.items():
        assert seen[post] / len(weeks) == pytest.approx(p, abs=0.1)
    # Risks 3, 2, 1 and one patrol: 3(1 − a) = 2(1 − b) with a + b = 1 gives a = 3/5, b = 2/5
    # and the attacker 6/5, more than the least risky sector's whole worth: never patrolled.
    assert [cover.probability[(s, "CL", 0)] for s in ("S1", "S2", "S3")] == pytest.approx(
        [3 / 5, 2 / 5, 0.0]
    )
    assert cover.attacker_value[("CL", 0)] == pytest.approx(6 / 5)


def test_predictability_of_a_series() -> None:
    case = _one_side({"S1": 1.0, "S2": 1.0})

    def week(sector: str) -> Plan:
        return Plan([Assignment("CL-1", sector, "CL", 0)], 1.0, 1.0, "DRAWN", 0.0)

    same = game.predictability(case, [week("S1")] * 4, shifts_per_week=1)
    assert same.entropy_bits == 0.0 and same.repeat_share == 1.0
    varied = game.predictability(case, [week("S1"), week("S2")] * 2, shifts_per_week=1)
    assert varied.entropy_bits == pytest.approx(1.0) and varied.max_entropy_bits == 1.0
    assert varied.repeat_share == 0.0
