"""A greedy plan: the most valuable posts first, each given the nearest free units. The peer the
planner is measured against (`bench/patrols.py`); it keeps every hard rule too."""

from __future__ import annotations

import time
from collections import defaultdict

from hito.patrols.problem import Assignment, Plan, Post, Problem, Unit


def greedy(problem: Problem) -> Plan:
    started = time.perf_counter()
    busy: dict[str, set[int]] = defaultdict(set)
    assignments: list[Assignment] = []
    done: set[Post] = set()
    for post in sorted(problem.posts(), key=problem.value, reverse=True):
        if post in done or problem.value(post) <= 0:
            continue
        sides = [post]
        if problem.impact(post) in problem.rules.joint and len(problem.countries) > 1:
            sides = [(post[0], country, post[2]) for country in problem.countries]
        crews = [_crew(problem, side, busy) for side in sides]
        done.update(sides)
        if any(crew is None for crew in crews):
            continue
        for side, crew in zip(sides, crews, strict=True):
            for unit in crew or []:
                busy[unit.code].add(side[2])
                assignments.append(Assignment(unit.code, side[0], side[1], side[2]))
    plan = Plan(assignments, 0.0, 0.0, "GREEDY", time.perf_counter() - started)
    plan.objective = sum(problem.value(p) for p in plan.covered())
    return plan


def _crew(problem: Problem, post: Post, busy: dict[str, set[int]]) -> list[Unit] | None:
    """The nearest free unit, and the nearest of another agency when the level asks for two."""
    shift = problem.shifts[post[2]]

    def free(unit: Unit) -> bool:
        return problem.can_take(unit, post) and not any(
            k == shift.index or problem.too_close(unit, problem.shifts[k], shift)
            for k in busy[unit.code]
        )

    options = sorted((u for u in problem.units if free(u)), key=lambda u: u.travel[post[0]])
    if not options:
        return None
    if problem.impact(post) not in problem.rules.two_agencies:
        return options[:1]
    second = next((u for u in options if u.agency != options[0].agency), None)
    return [options[0], second] if second else None
