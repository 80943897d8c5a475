"""A greedy plan: the most valuable posts first, each given the nearest free units. The peer the
planner is measured against (`bench/patrols.py`); it keeps every hard rule too.

Guided by the planner's linear relaxation (`Guide`), the same greedy takes the posts the
relaxation covers first and gives each the units the relaxation puts there: the plan CP-SAT
starts from, usually within a fraction of a percent of the optimum."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from hito.patrols.problem import Assignment, Plan, Post, Problem, Unit


@dataclass(frozen=True)
class Guide:
    """A linear relaxation's solution: how much of each post each unit takes (by unit code),
    how much of each post is covered, and the relaxation's objective."""

    take: Mapping[tuple[str, Post], float]
    covered: Mapping[Post, float]
    bound: float | None


def greedy(
    problem: Problem, *, values: Mapping[Post, float] | None = None, guide: Guide | None = None
) -> Plan:
    """Posts by worth (`values`, else the problem's), or by the `guide`'s coverage first."""
    started = time.perf_counter()
    worth = values if values is not None else {p: problem.value(p) for p in problem.posts()}
    busy: dict[str, set[int]] = defaultdict(set)
    assignments: list[Assignment] = []
    done: set[Post] = set()

    def rank(post: Post) -> tuple[float, float]:
        return (guide.covered.get(post, 0.0) if guide else 0.0, worth.get(post, 0.0))

    for post in sorted(problem.posts(), key=rank, reverse=True):
        if post in done or worth.get(post, 0.0) <= 0:
            continue
        sides = [post]
        if problem.impact(post) in problem.rules.joint and len(problem.countries) > 1:
            sides = [(post[0], country, post[2]) for country in problem.countries]
        crews = [_crew(problem, side, busy, guide) for side in sides]
        done.update(sides)
        if any(crew is None for crew in crews):
            continue
        for side, crew in zip(sides, crews, strict=True):
            for unit in crew or []:
                busy[unit.code].add(side[2])
                assignments.append(Assignment(unit.code, side[0], side[1], side[2]))
    plan = Plan(assignments, 0.0, 0.0, "GREEDY", time.perf_counter() - started)
    plan.objective = sum(worth.get(p, 0.0) for p in plan.covered())
    return plan


def _crew(
    problem: Problem, post: Post, busy: dict[str, set[int]], guide: Guide | None
) -> list[Unit] | None:
    """The nearest free unit, and the nearest of another agency when the level asks for two;
    with a guide, the units it puts on the post first."""
    shift = problem.shifts[post[2]]

    def free(unit: Unit) -> bool:
        return problem.can_take(unit, post) and not any(
            k == shift.index or problem.too_close(unit, problem.shifts[k], shift)
            for k in busy[unit.code]
        )

    def rank(unit: Unit) -> tuple[float, int]:
        share = guide.take.get((unit.code, post), 0.0) if guide else 0.0
        return (-share, unit.travel[post[0]])

    options = sorted((u for u in problem.units if free(u)), key=rank)
    if not options:
        return None
    if problem.impact(post) not in problem.rules.two_agencies:
        return options[:1]
    second = next((u for u in options if u.agency != options[0].agency), None)
    return [options[0], second] if second else None
