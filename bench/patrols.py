"""The patrol planner at the committee's largest size, beside a greedy plan, and the security game.

    .venv/bin/python bench/patrols.py
    .venv/bin/python bench/patrols.py --units 60 --sectors 12 --days 7 --seconds 5

Generated, reproducible data (`--seed`): sectors paired across the line (half of `--sectors` on
each side), units of three Chilean and two Peruvian agencies based along the line, each reaching
the sectors within two hours of its base, each on duty three days of the horizon; risk
per sector and shift kind drawn long-tailed, impact levels from its quantiles (a tenth critical,
a fifth high). Prints the CP-SAT plan's objective, bound and gap beside the greedy plan's
objective, both checked against every hard rule; the security game's LP time; and how
predictable a series of drawn weekly plans is beside the same plan repeated.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine  # noqa: E402

from hito.patrols import game  # noqa: E402
from hito.patrols.check import objective, violations  # noqa: E402
from hito.patrols.greedy import greedy  # noqa: E402
from hito.patrols.planner import solve  # noqa: E402
from hito.patrols.problem import (  # noqa: E402
    Impact,
    Problem,
    SectorShift,
    Unit,
    make_shifts,
    shift_kind,
)

AGENCIES = {"CL": ["CARAB", "PDI", "EJERCITO"], "PE": ["PNP", "EJERCITO-PE"]}
KINDS = ["foot", "vehicle", "vehicle", "mounted", "drone"]
ZONE = ZoneInfo("America/Santiago")
ROSTER_DAYS = 3


def generate(units: int, sector_sides: int, days: int, seed: int) -> Problem:
    rng = random.Random(seed)
    pairs = sector_sides // 2
    sectors = [f"S{i + 1:02d}" for i in range(pairs)]
    shifts = make_shifts(dt.date(2025, 11, 24), days, 8, ZONE)
    fleet = []
    for n in range(units):
        country = "CL" if n % 2 == 0 else "PE"
        base = rng.uniform(0, pairs - 1)
        travel = {}
        for i, sector in enumerate(sectors):
            minutes = round(15 + 35 * abs(i - base) + rng.uniform(0, 10))
            if minutes <= 120:
                travel[sector] = minutes
        # A duty roster: a few days on in the horizon (the rest of the time, other duties).
        on = min(days, ROSTER_DAYS)
        first = shifts[0].start + dt.timedelta(days=rng.randrange(days - on + 1))
        available = ((first, first + dt.timedelta(days=on)),)
        fleet.append(
            Unit(
                code=f"{country}-{n:03d}",
                agency=rng.choice(AGENCIES[country]),
                country=country,
                kind=rng.choice(KINDS),
                crew=rng.randint(2, 6),
                travel=travel,
                available=available,
            )
        )
    base_risk = {(s, kind): rng.lognormvariate(0, 1) for s in sectors for kind in ("day", "night")}
    values = sorted(base_risk.values())
    cut = {q: values[int(len(values) * q)] for q in (0.4, 0.7, 0.9)}

    def impact(risk: float) -> Impact:
        if risk >= cut[0.9]:
            return Impact.critical
        if risk >= cut[0.7]:
            return Impact.high
        return Impact.medium if risk >= cut[0.4] else Impact.low

    risk = {}
    for k in shifts:
        for s in sectors:
            r = base_risk[s, shift_kind(k, ZONE).value]
            risk[s, k.index] = SectorShift(round(r, 3), impact(r))
    return Problem(shifts, fleet, sectors, ["CL", "PE"], risk)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--sectors", type=int, default=40, help="sector sides, both countries")
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--weeks", type=int, default=8, help="weekly plans drawn")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(machine())
    problem = generate(args.units, args.sectors, args.days, args.seed)
    print(
        f"{len(problem.units)} units × {args.sectors} sector sides × {len(problem.shifts)} shifts"
    )

    base = greedy(problem)
    assert not violations(problem, base), violations(problem, base)[:3]
    plan = solve(problem, seconds=args.seconds, seed=args.seed)
    broken = violations(problem, plan)
    print(f"CP-SAT: {plan.status}, objective {plan.objective:.2f} (recomputed "
          f"{objective(problem, plan):.2f}), bound {plan.bound:.2f}, gap {plan.gap:.2%}, "
          f"{plan.seconds:.2f} s, {len(plan.assignments)} assignments, "
          f"{len(broken)} rules broken")  # fmt: skip
    print(f"greedy: objective {base.objective:.2f}, {base.seconds:.2f} s, "
          f"{len(base.assignments)} assignments; CP-SAT / greedy = "
          f"{plan.objective / base.objective:.3f}; greedy's gap to the bound "
          f"{(plan.bound - base.objective) / plan.bound:.2%}")  # fmt: skip
    uncovered = [u for u in plan.uncovered if u.impact is Impact.critical]
    reasons: dict[str, int] = {}
    for u in uncovered:
        reasons[u.reason] = reasons.get(u.reason, 0) + 1
    print(f"critical posts left uncovered: {len(uncovered)} {reasons}")

    reachable = problem.reachable()
    started = time.perf_counter()
    cover = game.coverage(problem, game.staffing(plan), reachable)
    lp = time.perf_counter() - started
    print(f"security game LP: {len(cover.probability)} posts, {lp:.3f} s "
          f"(GLOP's own {cover.seconds:.3f} s)")  # fmt: skip

    started = time.perf_counter()
    drawn = [
        game.draw(problem, cover, seed=args.seed + w, seconds=args.seconds)
        for w in range(args.weeks)
    ]
    spent = time.perf_counter() - started
    shifts_per_week = len(problem.shifts)
    broken_drawn = sum(len(violations(problem, p)) for p in drawn)
    mine = game.predictability(problem, drawn, shifts_per_week)
    same = game.predictability(problem, [plan] * args.weeks, shifts_per_week)
    print(f"{args.weeks} drawn weeks in {spent:.1f} s, {broken_drawn} rules broken; entropy of "
          f"the sector per shift {mine.entropy_bits:.2f} bits of {mine.max_entropy_bits:.2f} "
          f"(the same plan repeated: {same.entropy_bits:.2f}); share of a week's posts "
          f"covered the week before {mine.repeat_share:.2f} "
          f"(repeated: {same.repeat_share:.2f})")  # fmt: skip
    worth = [objective(problem, p) for p in drawn]
    print(f"drawn weeks' worth: mean {sum(worth) / len(worth):.2f} against the best plan's "
          f"{plan.objective:.2f} ({sum(worth) / len(worth) / plan.objective:.2%})")  # fmt: skip


if __name__ == "__main__":
    main()
