"""Re-planning: when a high-impact event comes in, the smallest change to a shift's assignments
that covers it, shown before it is applied."""

from __future__ import annotations

from dataclasses import dataclass

from hito.patrols.check import objective
from hito.patrols.planner import solve
from hito.patrols.problem import Assignment, Plan, Post, Problem


@dataclass
class Change:
    added: list[Assignment]
    removed: list[Assignment]
    plan: Plan  # the whole plan after the change (its objective: the risk it covers)
    covers: bool  # whether the event's post is covered after it


def replan(
    problem: Problem, current: Plan, *, post: Post, seconds: float = 5.0, seed: int = 0
) -> Change:
    """Cover `post` (sector, country, shift) changing as few assignments as the rules allow:
    of that shift first; when no unit is free for it (all rest from the shifts around it), of
    that shift and the next, which has not begun (a unit due later is sent now, and its later
    shift is covered by another or left). In order: cover the post, then change least, then
    keep as much risk covered as possible."""
    shift = post[2]
    change = _replan(problem, current, post, {shift}, seconds, seed)
    if not change.covers and shift + 1 < len(problem.shifts):
        wider = _replan(problem, current, post, {shift, shift + 1}, seconds, seed)
        if wider.covers:
            return wider
    return change


def _replan(
    problem: Problem, current: Plan, post: Post, shifts: set[int], seconds: float, seed: int
) -> Change:
    fixed = [a for a in current.assignments if a.shift not in shifts]
    before = [a for a in current.assignments if a.shift in shifts]
    around = [p for p in problem.posts() if p[2] in shifts]
    # One change outweighs the shifts' whole worth; covering the post outweighs every change.
    change = 1 + sum(problem.value(p) for p in around)
    must = change * (2 * len(problem.units) * len(shifts) + 1)
    values = {p: problem.value(p) + (must if p == post else 0.0) for p in around}
    keep = {(a.unit, (a.sector, a.country, a.shift)) for a in before}
    after = solve(problem, seconds=seconds, seed=seed, values=values, only=shifts,
                  fixed=fixed, keep=keep, change_cost=change)  # fmt: skip
    after.objective = objective(problem, after)  # the plan's worth, without the change costs
    now = [a for a in after.assignments if a.shift in shifts]
    return Change(
        added=[a for a in now if a not in before],
        removed=[a for a in before if a not in now],
        plan=after,
        covers=post in after.covered(),
    )
