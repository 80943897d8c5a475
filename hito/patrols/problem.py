"""What a patrol plan is made of, in memory: shifts, units, the posts to cover and the rules.

A *post* is one side of a sector in one shift: each country patrols its own side of the line,
and the two sides of one sector face each other ("paired"). Sector risk and impact levels are
per sector and shift kind (day or night), so both sides of a sector share them.

These are plain values, built by the service from the database (`hito.patrols.service`) or by a
benchmark from generated data, and read by the planner, the checker and the security game.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo


class Impact(enum.IntEnum):
    """EUROSUR's impact levels, ordered."""

    low = 1
    medium = 2
    high = 3
    critical = 4


class ShiftKind(enum.StrEnum):
    day = "day"
    night = "night"


@dataclass(frozen=True)
class Shift:
    index: int
    start: dt.datetime  # aware
    end: dt.datetime

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


def shift_kind(shift: Shift, zone: ZoneInfo) -> ShiftKind:
    """Night when the middle of the shift falls between 20:00 and 06:00 local time."""
    middle = (shift.start + (shift.end - shift.start) / 2).astimezone(zone)
    return ShiftKind.night if middle.hour >= 20 or middle.hour < 6 else ShiftKind.day


def make_shifts(first_day: dt.date, days: int, hours: int, zone: ZoneInfo) -> list[Shift]:
    """Shifts of `hours` (a divisor of 24) from local midnight of `first_day`, for `days` days."""
    if hours <= 0 or 24 % hours:
        raise ValueError(f"a shift of {hours} h does not divide the day (use 4, 6, 8, 12 or 24)")
    if not 1 <= days <= 31:
        raise ValueError(f"a plan covers 1 to 31 days, not {days}")
    start = dt.datetime.combine(first_day, dt.time(), tzinfo=zone)
    count = days * 24 // hours
    return [
        Shift(i, start + dt.timedelta(hours=i * hours), start + dt.timedelta(hours=(i + 1) * hours))
        for i in range(count)
    ]


@dataclass(frozen=True)
class Unit:
    """A patrol unit as the planner sees it. `travel` gives, per sector code it can reach from
    its base, the minutes it takes; `available` lists the windows it can be given shifts in
    (none: always)."""

    code: str
    agency: str
    country: str
    kind: str
    crew: int
    travel: Mapping[str, int]
    max_shift_hours: float = 12.0
    min_rest_hours: float = 8.0
    available: tuple[tuple[dt.datetime, dt.datetime], ...] = ()

    def available_for(self, shift: Shift) -> bool:
        return not self.available or any(
            start <= shift.start and shift.end <= end for start, end in self.available
        )


@dataclass(frozen=True)
class Rules:
    """The hard rules and the objective's weights (defaults are the committee's)."""

    min_rest_hours: float = 8.0  # at least this, whatever a unit's own minimum says
    # Travel from base and back comes out of the shift: at least this share is left on sector.
    min_on_sector: float = 0.5
    two_agencies: frozenset[Impact] = frozenset({Impact.high, Impact.critical})
    joint: frozenset[Impact] = frozenset({Impact.critical})
    weights: Mapping[Impact, float] = field(
        default_factory=lambda: {
            Impact.low: 1.0,
            Impact.medium: 2.0,
            Impact.high: 4.0,
            Impact.critical: 8.0,
        }  # fmt: skip
    )

    def rest_hours(self, unit: Unit) -> float:
        return max(self.min_rest_hours, unit.min_rest_hours)


Post = tuple[str, str, int]  # (sector code, country, shift index)


@dataclass(frozen=True)
class SectorShift:
    """A sector's risk and impact level in one shift (both sides share them)."""

    risk: float
    impact: Impact


@dataclass
class Problem:
    shifts: list[Shift]
    units: list[Unit]
    sectors: list[str]  # sector codes, paired across the line
    countries: list[str]  # the sides planned, e.g. ["CL", "PE"]
    risk: dict[tuple[str, int], SectorShift]  # (sector, shift index) -> risk and impact
    rules: Rules = field(default_factory=Rules)

    def posts(self) -> list[Post]:
        return [(s, c, k.index) for k in self.shifts for s in self.sectors for c in self.countries]

    def value(self, post: Post) -> float:
        """What covering a post is worth: the sector's risk weighted by its impact."""
        at = self.risk.get((post[0], post[2]))
        return at.risk * self.rules.weights[at.impact] if at else 0.0

    def impact(self, post: Post) -> Impact:
        at = self.risk.get((post[0], post[2]))
        return at.impact if at else Impact.low

    def can_take(self, unit: Unit, post: Post) -> bool:
        """Availability, reach, shift length and travel: may this unit be given this post?"""
        sector, country, index = post
        shift = self.shifts[index]
        minutes = unit.travel.get(sector)
        return (
            unit.country == country
            and minutes is not None
            and shift.hours <= unit.max_shift_hours
            and unit.available_for(shift)
            and 2 * minutes / 60 <= (1 - self.rules.min_on_sector) * shift.hours
        )

    def reachable(self) -> set[Post]:
        """The posts some unit may be given (the security game covers only these)."""
        return {p for p in self.posts() if any(self.can_take(u, p) for u in self.units)}

    def too_close(self, unit: Unit, first: Shift, second: Shift) -> bool:
        """True when a unit cannot work both shifts: the rest between them is too short."""
        a, b = sorted((first, second), key=lambda s: s.start)
        rest = (b.start - a.end).total_seconds() / 3600
        return a.index != b.index and rest < self.rules.rest_hours(unit)


@dataclass(frozen=True)
class Assignment:
    unit: str
    sector: str
    country: str
    shift: int


@dataclass(frozen=True)
class Uncovered:
    sector: str
    country: str
    shift: int
    impact: Impact
    reason: str  # one of REASONS


REASONS = {
    "no_unit_available": "no unit of this side is available in the shift",
    "no_unit_reaches": "no available unit reaches the sector with enough of the shift left",
    "one_agency": "units of fewer than two agencies can reach it, and its level asks for two",
    "joint": "the facing side cannot be covered in the same shift, and its level asks for both",
    "capacity": "every unit that could go is needed for posts worth more (or resting)",
}


@dataclass
class Plan:
    assignments: list[Assignment]
    objective: float
    bound: float
    status: str  # OPTIMAL, FEASIBLE, INFEASIBLE, ...
    seconds: float
    uncovered: list[Uncovered] = field(default_factory=list)

    @property
    def gap(self) -> float:
        """(bound − objective) / bound: how far from the best the solver could prove."""
        return (self.bound - self.objective) / self.bound if self.bound > 0 else 0.0

    def covered(self) -> set[Post]:
        return {(a.sector, a.country, a.shift) for a in self.assignments}
