"""Sector risk per shift kind from recent events, and the impact levels it gives.

The weights, the decay and the thresholds are data (`data/risk.yaml`), so the committee can
change them without a release; `hito.patrols.service.sector_risk` reads the events the user may
see (the session scopes the query) and applies them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

import yaml

from hito.events.models import EventType
from hito.patrols.problem import Impact, ShiftKind


@dataclass(frozen=True)
class RiskRules:
    half_life_days: float
    lookback_days: float
    weights: Mapping[EventType, float]
    impact: Mapping[Impact, float]  # the lowest risk at each level above low

    def level(self, risk: float) -> Impact:
        reached = [level for level, floor in self.impact.items() if risk >= floor]
        return max(reached, default=Impact.low)


def parse_rules(text: str) -> RiskRules:
    """Rules from YAML text; a clear ValueError names what is wrong."""
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError("risk rules: a mapping of half_life_days, lookback_days, weights, impact")
    try:
        weights = {EventType(k): float(v) for k, v in dict(data["weights"]).items()}
        impact = {Impact[k]: float(v) for k, v in dict(data["impact"]).items()}
        rules = RiskRules(float(data["half_life_days"]), float(data["lookback_days"]),
                          weights, impact)  # fmt: skip
    except (KeyError, ValueError, TypeError) as problem:
        raise ValueError(f"risk rules: {problem!s} is missing or wrong") from None
    if rules.half_life_days <= 0 or rules.lookback_days <= 0:
        raise ValueError("risk rules: half_life_days and lookback_days must be positive")
    if any(w < 0 for w in weights.values()) or Impact.low in impact:
        raise ValueError("risk rules: weights are not negative; low is what no threshold reaches")
    floors = [impact[level] for level in sorted(impact)]
    if floors != sorted(floors):
        raise ValueError("risk rules: thresholds must rise with the level")
    return rules


@cache
def default_rules() -> RiskRules:
    return parse_rules(resources.files("hito.patrols").joinpath("data/risk.yaml").read_text())


@dataclass(frozen=True)
class SeenEvent:
    sector: str
    type: EventType
    occurred_at: dt.datetime
    headcount: int | None


def event_kind(at: dt.datetime, zone: ZoneInfo) -> ShiftKind:
    hour = at.astimezone(zone).hour
    return ShiftKind.night if hour >= 20 or hour < 6 else ShiftKind.day


def sector_risk(
    events: Iterable[SeenEvent], *, now: dt.datetime, zone: ZoneInfo, rules: RiskRules
) -> dict[tuple[str, ShiftKind], float]:
    """Risk per (sector, shift kind); events after `now` or older than the lookback count not."""
    risk: dict[tuple[str, ShiftKind], float] = defaultdict(float)
    for event in events:
        age = (now - event.occurred_at).total_seconds() / 86400
        if age < 0 or age > rules.lookback_days:
            continue
        size = 1 + math.log2(1 + max(event.headcount or 0, 0))
        decay = 0.5 ** (age / rules.half_life_days)
        risk[event.sector, event_kind(event.occurred_at, zone)] += (
            rules.weights.get(event.type, 0.0) * size * decay
        )
    return dict(risk)
