"""Unpredictable plans: coverage probabilities from a Stackelberg security game, weekly plans
drawn to follow them, and how predictable a series of plans is.

Those who move people across the line watch the patrols (the attacker), then pick a sector in
a shift; what they gain there is its worth when no patrol is on it, nothing when one is. With
gains and losses opposed, the defender's strong Stackelberg strategy is the maximin one: the
coverage that makes the best post left to the attacker as poor as possible (the zero-sum
special case of ERASER, Kiekintveld et al., 2009). One linear program per side and shift, all
solved together by OR-Tools' GLOP:

    minimise Σ v_kc   such that   v_kc ≥ (1 − c_p) · w_p,   Σ_p c_p ≤ m_kc,   0 ≤ c_p ≤ 1

where m_kc is how many posts the side can staff in the shift (taken from a plan that keeps every
hard rule). A week's plan is then drawn: in each shift and side a set of posts is sampled with
exactly those inclusion probabilities (systematic sampling), and the planner staffs the drawn
posts under the same hard rules.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from hito.patrols.planner import solve
from hito.patrols.problem import Plan, Post, Problem


@dataclass
class Coverage:
    probability: dict[Post, float]
    attacker_value: dict[tuple[str, int], float]  # (country, shift) -> the best post's worth
    seconds: float


def staffing(plan: Plan) -> dict[tuple[str, int], int]:
    """How many posts each side staffs in each shift in a plan."""
    return Counter((post[1], post[2]) for post in plan.covered())


def coverage(
    problem: Problem, budget: Mapping[tuple[str, int], int], reachable: set[Post]
) -> Coverage:
    """The maximin coverage per post; posts no unit can take get none."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    groups: dict[tuple[str, int], list[Post]] = defaultdict(list)
    for post in reachable:
        groups[post[1], post[2]].append(post)
    prob: dict[Post, pywraplp.Variable] = {}
    values: dict[tuple[str, int], pywraplp.Variable] = {}
    objective = solver.Objective()
    for key, posts in groups.items():
        v = values[key] = solver.NumVar(0.0, solver.infinity(), f"v{key}")
        objective.SetCoefficient(v, 1.0)
        capacity = solver.Constraint(0.0, float(budget.get(key, 0)))
        for post in posts:
            c = prob[post] = solver.NumVar(0.0, 1.0, f"c{post}")
            capacity.SetCoefficient(c, 1.0)
            worth = problem.value(post)
            # v ≥ (1 − c) · w   ⇔   v + w · c ≥ w
            row = solver.Constraint(worth, solver.infinity())
            row.SetCoefficient(v, 1.0)
            row.SetCoefficient(c, worth)
    objective.SetMinimization()
    status = solver.Solve()
    if status != pywraplp.Solver.OPTIMAL:  # a bounded, feasible LP: cannot happen
        raise RuntimeError(f"the security game's LP ended {status}")
    return Coverage(
        probability={p: min(1.0, max(0.0, var.solution_value())) for p, var in prob.items()},
        attacker_value={k: var.solution_value() for k, var in values.items()},
        seconds=solver.wall_time() / 1000,
    )


def sample(probabilities: Mapping[Post, float], rng: random.Random) -> set[Post]:
    """Systematic sampling (Madow, 1949): each post drawn with exactly its probability, the set
    of the expected size (rounded up or down), in a random order so pairs vary too."""
    posts = list(probabilities)
    rng.shuffle(posts)
    point, total, drawn = rng.random(), 0.0, set()
    for post in posts:
        total += probabilities[post]
        while point < total:
            drawn.add(post)
            point += 1.0
    return drawn


def draw(problem: Problem, cover: Coverage, *, seed: int, seconds: float = 10.0) -> Plan:
    """One concrete plan following the coverage probabilities, every hard rule kept."""
    rng = random.Random(seed)
    groups: dict[tuple[str, int], dict[Post, float]] = defaultdict(dict)
    for post, p in cover.probability.items():
        groups[post[1], post[2]][post] = p
    chosen: set[Post] = set()
    for group in groups.values():
        chosen |= sample(group, rng)
    # Drawn posts are worth much more than any other, posts not drawn cost a little: the
    # planner staffs the draw where the rules let it, and nothing else.
    top = 1 + sum(problem.value(p) for p in chosen)
    values = {p: (top + problem.value(p) if p in chosen else -0.01) for p in cover.probability}
    return solve(problem, values=values, seconds=seconds, seed=seed)


@dataclass
class Predictability:
    entropy_bits: float  # mean over shifts of the week and sides of the sectors' entropy
    max_entropy_bits: float  # the same if every sector were equally likely
    repeat_share: float  # share of a week's posts that the week before also covered


def predictability(problem: Problem, plans: Sequence[Plan], shifts_per_week: int) -> Predictability:
    """How much an observer learns from a series of weekly plans."""
    seen: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
    weeks = []
    for plan in plans:
        week = {(s, c, k % shifts_per_week) for s, c, k in plan.covered()}
        weeks.append(week)
        for sector, country, slot in week:
            seen[country, slot][sector] += 1
    entropies = [_entropy(counts) for counts in seen.values()]
    repeats = [
        len(this & last) / len(this) for last, this in zip(weeks, weeks[1:], strict=False) if this
    ]
    return Predictability(
        entropy_bits=sum(entropies) / len(entropies) if entropies else 0.0,
        max_entropy_bits=math.log2(len(problem.sectors)) if problem.sectors else 0.0,
        repeat_share=sum(repeats) / len(repeats) if repeats else 0.0,
    )


def _entropy(counts: Counter[str]) -> float:
    total = sum(counts.values())
    return -sum(n / total * math.log2(n / total) for n in counts.values() if n)
