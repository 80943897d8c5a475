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
    """Cover `post` (sector, country, shift) changing as few of that shift's assignments as the
    rules allow; the other shifts stay as they are. In order: cover the post, then change
    least, then keep as much risk covered as possible."""
    shift = post[2]
    fixed = [a for a in current.assignments if a.shift != shift]
    before = [a for a in current.assignments if a.shift == shift]
    in_shift = [p for p in problem.posts() if p[2] == shift]
    # One change outweighs the whole shift's worth; covering the post outweighs every change.
    change = 1 + sum(problem.value(p) for p in in_shift)
    must = change * (2 * len(problem.units) + 1)
    values = {p: problem.value(p) + (must if p == post else 0.0) for p in in_shift}
    keep = {(a.unit, (a.sector, a.country, a.shift)) for a in before}
    after = solve(problem, seconds=seconds, seed=seed, values=values, only={shift},
                  fixed=fixed, keep=keep, change_cost=change)  # fmt: skip
    after.objective = objective(problem, after)  # the plan's worth, without the change costs
    now = [a for a in after.assignments if a.shift == shift]
    return Change(
        added=[a for a in now if a not in before],
        removed=[a for a in before if a not in now],
        plan=after,
        covers=post in after.covered(),
    )
