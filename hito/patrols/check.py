"""Every hard rule checked on a plan, from the units' and shifts' own figures: a plan is never
trusted because a solver returned it (or because a person edited it)."""

from __future__ import annotations

from collections import defaultdict

from hito.patrols.problem import Assignment, Plan, Problem


def violations(problem: Problem, plan: Plan) -> list[str]:
    """Each broken rule, in words; empty when the plan keeps them all."""
    units = {u.code: u for u in problem.units}
    found: list[str] = []
    staffed: dict[tuple[str, str, int], list[Assignment]] = defaultdict(list)
    worked: dict[str, list[int]] = defaultdict(list)
    for a in plan.assignments:
        unit = units.get(a.unit)
        if unit is None:
            found.append(f"{a.unit}: no such unit")
            continue
        if not 0 <= a.shift < len(problem.shifts) or a.sector not in problem.sectors:
            found.append(f"{a.unit}: shift {a.shift} or sector {a.sector} is not in the plan")
            continue
        shift = problem.shifts[a.shift]
        where = f"{a.unit} in shift {a.shift} at {a.sector}/{a.country}"
        hours = (shift.end - shift.start).total_seconds() / 3600
        if unit.country != a.country:
            found.append(f"{where}: a {unit.country} unit on the {a.country} side")
        if unit.available and not any(
            s <= shift.start and shift.end <= e for s, e in unit.available
        ):
            found.append(f"{where}: outside its availability")
        if hours > unit.max_shift_hours:
            found.append(f"{where}: {hours:g} h shift, its maximum is {unit.max_shift_hours:g} h")
        minutes = unit.travel.get(a.sector)
        if minutes is None:
            found.append(f"{where}: cannot reach the sector")
        elif hours - 2 * minutes / 60 < problem.rules.min_on_sector * hours:
            found.append(f"{where}: {minutes} min each way leaves too little of the shift")
        staffed[a.sector, a.country, a.shift].append(a)
        worked[a.unit].append(a.shift)

    for code, shifts in worked.items():
        unit = units[code]
        rest = max(problem.rules.min_rest_hours, unit.min_rest_hours)
        ordered = sorted(shifts)
        for first, second in zip(ordered, ordered[1:], strict=False):
            if first == second:
                found.append(f"{code}: two posts in shift {first}")
                continue
            gap = (problem.shifts[second].start - problem.shifts[first].end).total_seconds()
            if gap / 3600 < rest:
                found.append(f"{code}: {gap / 3600:g} h rest between shifts {first} and {second}")

    for (sector, country, index), crew in staffed.items():
        impact = problem.impact((sector, country, index))
        agencies = {units[a.unit].agency for a in crew}
        if impact in problem.rules.two_agencies and len(agencies) < 2:
            found.append(f"{sector}/{country} shift {index}: {impact.name} with one agency")
        if impact in problem.rules.joint and len(problem.countries) > 1:
            for other in problem.countries:
                if (sector, other, index) not in staffed:
                    found.append(f"{sector} shift {index}: {impact.name}, {other} side uncovered")
    return found


def objective(problem: Problem, plan: Plan) -> float:
    """The plan's worth recomputed from its posts (the solver's figure is not taken on trust)."""
    return sum(problem.value(post) for post in plan.covered())
