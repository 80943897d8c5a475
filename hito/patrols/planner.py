"""The patrol planner: units to posts over a horizon, with OR-Tools CP-SAT.

Hard rules (each one checked again on the returned plan by `hito.patrols.check`):
a unit takes at most one post per shift, only on its own country's side, only in its
availability windows, only shifts no longer than its maximum, only sectors it reaches with
enough of the shift left on sector, and rests at least the minimum between two shifts; a post of
a level that asks for two agencies, once staffed, is staffed by two; a sector whose level asks
for joint coverage is covered on both sides of the line in the same shift or on neither.

Objective: the risk of the posts covered, weighted by impact level. A post is staffed by one
unit, or by two of two agencies where its level asks for two; more would add nothing to the
objective, so units not needed stay in reserve. Written this way (coverage equal to the units
on a post, not their maximum) the model's linear relaxation stays tight: on the committee's
sizes it is the optimum, or within a few hundredths of a percent (`bench/patrols.py`).

So the same rules are written twice from one description (`_rules`): as the CP-SAT model, and as
its linear relaxation solved by GLOP in a fraction of a second. The relaxation's values guide
the greedy plan that CP-SAT starts from (`hito.patrols.greedy`), which then starts within a
fraction of a percent of the bound; CP-SAT improves it and proves how close it is.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from typing import Any, Protocol

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from hito.patrols.greedy import Guide, greedy
from hito.patrols.problem import Assignment, Impact, Plan, Post, Problem, Uncovered

SCALE = 1000  # CP-SAT takes whole numbers: values are kept to a thousandth


def solve(
    problem: Problem,
    *,
    seconds: float = 10.0,
    seed: int = 0,
    workers: int = 8,
    gap_limit: float = 0.005,
    values: Mapping[Post, float] | None = None,
    only: Collection[int] | None = None,
    fixed: Sequence[Assignment] = (),
    keep: Collection[tuple[str, Post]] = (),
    change_cost: float = 0.0,
) -> Plan:
    """The best plan found within `seconds`; `values` replaces each post's worth (the drawn
    weekly plans of `hito.patrols.game` use it), the rules stay the same. CP-SAT starts from
    the greedy plan guided by the rules' linear relaxation (`relaxation`) and runs its full
    portfolio of eight workers, which proves better bounds than two even on two cores
    (measured by `bench/patrols.py`).

    Re-planning (`hito.patrols.replan`) plans `only` some shifts around `fixed` assignments
    (kept as they are, their units' rest respected), and counts `change_cost` for each
    assignment of `keep` dropped and each one not in `keep` added."""
    started = time.perf_counter()
    posts = [p for p in problem.posts() if only is None or p[2] in only]
    busy = _busy(problem, fixed)
    model = cp_model.CpModel()
    take, covered = _rules(_CpSat(model), problem, posts, busy)
    worth = values if values is not None else {post: problem.value(post) for post in covered}
    terms = [round(worth.get(p, 0.0) * SCALE) * var for p, var in covered.items()]
    if change_cost:
        kept = set(keep)
        cost = round(change_cost * SCALE)
        terms += [
            (cost if (problem.units[u].code, post) in kept else -cost) * var
            for (u, post), var in take.items()
        ]
    model.maximize(sum(terms))

    if only is None and not fixed:  # a whole horizon: start where the relaxation guides
        left = seconds - (time.perf_counter() - started)
        guide = relaxation(problem, worth, posts, busy, seconds=max(0.1, left / 2))
        _hint(model, problem, greedy(problem, values=worth, guide=guide), take, covered)
    solver = cp_model.CpSolver()
    # `seconds` is the whole call's budget: building the model and the greedy hint count too.
    solver.parameters.max_time_in_seconds = max(0.1, seconds - (time.perf_counter() - started))
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.relative_gap_limit = gap_limit
    status = solver.solve(model)
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Plan([], 0.0, 0.0, name, time.perf_counter() - started)
    assignments = [
        Assignment(problem.units[u].code, post[0], post[1], post[2])
        for (u, post), var in take.items()
        if solver.boolean_value(var)
    ]
    assignments += fixed
    assignments.sort(key=lambda a: (a.shift, a.country, a.sector, a.unit))
    plan = Plan(
        assignments,
        objective=solver.objective_value / SCALE,
        bound=solver.best_objective_bound / SCALE,
        status=name,
        seconds=time.perf_counter() - started,
    )
    plan.uncovered = explain_uncovered(problem, plan)
    return plan


class _Builder(Protocol):
    """What the rules need of a model: CP-SAT's, or its linear relaxation's."""

    def var(self, name: str) -> Any: ...
    def add(self, constraint: Any) -> None: ...
    def at_most_one(self, variables: list[Any]) -> None: ...


class _CpSat:
    def __init__(self, model: cp_model.CpModel) -> None:
        self.model = model

    def var(self, name: str) -> cp_model.IntVar:
        return self.model.new_bool_var(name)

    def add(self, constraint: Any) -> None:
        self.model.add(constraint)

    def at_most_one(self, variables: list[Any]) -> None:
        self.model.add_at_most_one(variables)


class _Linear:
    def __init__(self, solver: pywraplp.Solver) -> None:
        self.solver = solver

    def var(self, name: str) -> pywraplp.Variable:
        return self.solver.NumVar(0.0, 1.0, name)

    def add(self, constraint: Any) -> None:
        self.solver.Add(constraint)

    def at_most_one(self, variables: list[Any]) -> None:
        self.solver.Add(sum(variables) <= 1)


Take = dict[tuple[int, Post], Any]


def _rules(
    build: _Builder, problem: Problem, posts: list[Post], busy: Mapping[str, Collection[int]]
) -> tuple[Take, dict[Post, Any]]:
    """Every hard rule of the module's docstring, on `build`'s variables: a unit's take of a
    post (`take`) and a post's coverage (`covered`)."""
    take: Take = {}
    for u, unit in enumerate(problem.units):
        for post in posts:
            if problem.can_take(unit, post) and post[2] not in busy.get(unit.code, ()):
                take[u, post] = build.var(f"x{u}_{post}")
    by_post: dict[Post, list[int]] = defaultdict(list)
    by_unit_shift: dict[tuple[int, int], list[Any]] = defaultdict(list)
    for (u, post), var in take.items():
        by_post[post].append(u)
        by_unit_shift[u, post[2]].append(var)

    covered = {post: build.var(f"c{post}") for post in by_post}
    for post, units in by_post.items():
        staffed = [take[u, post] for u in units]
        if problem.impact(post) in problem.rules.two_agencies:
            _two_agencies(build, problem, post, units, take, covered[post])
        else:
            build.add(sum(staffed) == covered[post])

    for u, unit in enumerate(problem.units):
        for k in problem.shifts:
            mine = by_unit_shift.get((u, k.index), [])
            if len(mine) > 1:
                build.at_most_one(mine)
            for later in problem.shifts[k.index + 1 :]:
                if not problem.too_close(unit, k, later):
                    break
                both = mine + by_unit_shift.get((u, later.index), [])
                if mine and len(both) > len(mine):
                    build.at_most_one(both)

    _joint(build, problem, covered)
    return take, covered


def relaxation(
    problem: Problem,
    worth: Mapping[Post, float],
    posts: list[Post] | None = None,
    busy: Mapping[str, Collection[int]] | None = None,
    *,
    seconds: float | None = None,
) -> Guide:
    """The rules' linear relaxation, solved by GLOP: each unit's take of each post and each
    post's coverage as fractions, and its objective (a bound on every plan's worth)."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    everything = problem.posts() if posts is None else posts
    take, covered = _rules(_Linear(solver), problem, everything, busy or {})
    solver.Maximize(sum(worth.get(post, 0.0) * var for post, var in covered.items()))
    if seconds is not None:  # out of time: no guide, and the plain greedy plan is the hint
        solver.SetTimeLimit(round(seconds * 1000))
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return Guide({}, {}, None)
    return Guide(
        take={
            (problem.units[u].code, post): var.solution_value() for (u, post), var in take.items()
        },
        covered={post: var.solution_value() for post, var in covered.items()},
        bound=solver.Objective().Value(),
    )


def _busy(problem: Problem, fixed: Sequence[Assignment]) -> dict[str, set[int]]:
    """Per unit, the shifts its fixed assignments keep it from: their own and those too close
    to rest between."""
    codes = {unit.code: unit for unit in problem.units}
    busy: dict[str, set[int]] = defaultdict(set)
    for a in fixed:
        unit = codes[a.unit]
        mine = problem.shifts[a.shift]
        busy[a.unit] |= {
            k.index
            for k in problem.shifts
            if k.index == a.shift or problem.too_close(unit, mine, k)
        }
    return busy


def _hint(
    model: cp_model.CpModel,
    problem: Problem,
    plan: Plan,
    take: dict[tuple[int, Post], cp_model.IntVar],
    covered: dict[Post, cp_model.IntVar],
) -> None:
    codes = {unit.code: u for u, unit in enumerate(problem.units)}
    given = {(codes[a.unit], (a.sector, a.country, a.shift)) for a in plan.assignments}
    for key, var in take.items():
        model.add_hint(var, key in given)
    staffed = plan.covered()
    for post, var in covered.items():
        model.add_hint(var, post in staffed)


def _two_agencies(
    build: _Builder, problem: Problem, post: Post, units: list[int], take: Take, covered: Any
) -> None:
    """Two units of two agencies, or none: at most one per agency, two in all when covered."""
    agencies: dict[str, list[Any]] = defaultdict(list)
    for u in units:
        agencies[problem.units[u].agency].append(take[u, post])
    for staffed in agencies.values():
        build.add(sum(staffed) <= covered)
    build.add(sum(take[u, post] for u in units) == 2 * covered)


def _joint(build: _Builder, problem: Problem, covered: dict[Post, Any]) -> None:
    """Both sides of a sector whose level asks for it: covered together or not at all."""
    if len(problem.countries) < 2:
        return
    for (sector, index), at in problem.risk.items():
        if at.impact not in problem.rules.joint:
            continue
        sides = [covered.get((sector, country, index)) for country in problem.countries]
        if any(side is None for side in sides):
            for side in sides:
                if side is not None:
                    build.add(side == 0)
            continue
        first, *others = sides
        for other in others:
            build.add(first == other)


def explain_uncovered(problem: Problem, plan: Plan) -> list[Uncovered]:
    """Why each high or critical post is left uncovered: the first rule, in the order of
    `REASONS`, that stops it; `capacity` when none does on its own."""
    covered = plan.covered()
    result = []
    for post in problem.posts():
        impact = problem.impact(post)
        if post in covered or impact < Impact.high:
            continue
        reason = _first_obstacle(problem, post)
        result.append(Uncovered(post[0], post[1], post[2], impact, reason))
    return result


def _first_obstacle(problem: Problem, post: Post) -> str:
    sector, country, index = post
    shift = problem.shifts[index]
    impact = problem.impact(post)

    def reachable(side: str) -> list[str]:
        return [u.agency for u in problem.units if problem.can_take(u, (sector, side, index))]

    if not any(u.country == country and u.available_for(shift) for u in problem.units):
        return "no_unit_available"
    agencies = reachable(country)
    if not agencies:
        return "no_unit_reaches"
    if impact in problem.rules.two_agencies and len(set(agencies)) < 2:
        return "one_agency"
    if impact in problem.rules.joint and len(problem.countries) > 1:
        for other in problem.countries:
            found = set(reachable(other))
            if not found or (impact in problem.rules.two_agencies and len(found) < 2):
                return "joint"
    return "capacity"
