"""Tracks as plain values: fixes, segments split at gaps, length and time on each leg.

Distances are great-circle (haversine) on a sphere of the mean Earth radius: along 170 km of
border, far closer than the fixes of a handheld GPS (metres) or the boundary line (about 1 km).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088
GAP = dt.timedelta(minutes=10)  # no fix for longer: the track breaks, no line drawn across


@dataclass(frozen=True)
class Fix:
    at: dt.datetime
    lat: float
    lon: float
    segment: int = 0


@dataclass(frozen=True)
class Leg:
    """From one fix to the next within a segment."""

    start: Fix
    end: Fix

    @property
    def km(self) -> float:
        return distance_km(self.start.lat, self.start.lon, self.end.lat, self.end.lon)

    @property
    def hours(self) -> float:
        return (self.end.at - self.start.at).total_seconds() / 3600

    @property
    def middle(self) -> tuple[float, float]:
        return (self.start.lat + self.end.lat) / 2, (self.start.lon + self.end.lon) / 2


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def resegment(fixes: Iterable[Fix], *, first: int = 0, after: Fix | None = None) -> list[Fix]:
    """Fixes in time order, numbered by segment: a new one after each gap longer than `GAP`
    (and wherever the source started one). `after` is the last fix already held."""
    out: list[Fix] = []
    previous, segment, source = after, first, None
    for fix in fixes:
        if previous is not None and (
            fix.at - previous.at > GAP or (source is not None and fix.segment != source)
        ):
            segment += 1
        out.append(Fix(fix.at, fix.lat, fix.lon, segment))
        previous, source = fix, fix.segment
    return out


def legs(fixes: Sequence[Fix]) -> Iterator[Leg]:
    """Consecutive fixes of one segment (fixes in time order)."""
    for a, b in zip(fixes, fixes[1:], strict=False):
        if a.segment == b.segment:
            yield Leg(a, b)


def length_km(fixes: Sequence[Fix]) -> float:
    return sum(leg.km for leg in legs(fixes))
