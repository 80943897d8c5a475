"""Sector risk: decay, weights and levels as data, and only the events the user may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import httpx
import pytest

from hito.events.models import EventType
from hito.patrols.problem import Impact, ShiftKind
from hito.patrols.risk import SeenEvent, default_rules, parse_rules, sector_risk
from tests.factories import event_payload

ZONE = ZoneInfo("America/Santiago")
NOW = dt.datetime(2025, 11, 28, 5, tzinfo=dt.UTC)  # 02:00 in Arica
RULES = """
half_life_days: 7
lookback_days: 28
weights: {irregular_crossing: 3, stranded_group: 4, sighting: 1}
impact: {medium: 3, high: 8, critical: 20}
"""


def seen(sector: str, kind: EventType, days_ago: float, people: int = 0) -> SeenEvent:
    return SeenEvent(sector, kind, NOW - dt.timedelta(days=days_ago), people)


def test_recent_events_weigh_more_and_night_is_apart_from_day() -> None:
    rules = parse_rules(RULES)
    events = [
        seen("S1", EventType.irregular_crossing, 0),  # 02:00 in Chile: night, now
        seen("S1", EventType.irregular_crossing, 7),  # a week old: half
        seen("S1", EventType.sighting, 14 / 24),  # 12:00 the day before: day
        seen("S2", EventType.stranded_group, 14 / 24, people=99),  # 4 × (1 + log2 100)
        seen("S3", EventType.irregular_crossing, 29),  # beyond the lookback
        seen("S3", EventType.irregular_crossing, -1),  # tomorrow: not yet
    ]
    risk = sector_risk(events, now=NOW, zone=ZONE, rules=rules)
    assert risk[("S1", ShiftKind.night)] == pytest.approx(3 + 1.5)
    fading = 0.5 ** (14 / 24 / 7)
    assert risk[("S1", ShiftKind.day)] == pytest.approx(fading)
    assert risk[("S2", ShiftKind.day)] == pytest.approx(4 * (1 + 6.643856) * fading)
    assert ("S3", ShiftKind.night) not in risk
    assert rules.level(risk[("S2", ShiftKind.day)]) is Impact.critical
    assert [rules.level(r) for r in (0.0, 3.0, 7.99, 8.0, 25.0)] == [
        Impact.low, Impact.medium, Impact.medium, Impact.high, Impact.critical
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "a mapping"),
        ("- 1", "a mapping"),
        ("half_life_days: 7\nlookback_days: 28\nweights: {}\n", "'impact'"),
        (RULES.replace("sighting", "ufo"), "'ufo'"),
        (RULES.replace("half_life_days: 7", "half_life_days: 0"), "must be positive"),
        (RULES.replace("sighting: 1", "sighting: -1"), "not negative"),
        (RULES.replace("high: 8", "high: 2"), "rise with the level"),
        (RULES.replace("medium: 3", "low: 1, medium: 3"), "low is what"),
        (RULES.replace("stranded_group: 4", "stranded_group: lots"), "lots"),
    ],
)
def test_bad_rules_are_refused_clearly(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_rules(text)


def test_the_rules_hito_ships_are_valid() -> None:
    rules = default_rules()
    assert set(rules.weights) == set(EventType)
    assert rules.level(0.0) is Impact.low


Login = Callable[[str], httpx.Client]


def test_risk_counts_only_what_the_user_may_see(login: Login, sync: Callable[[], int]) -> None:
    carabineros, pnp = login("cl.operator"), login("pe.operator")
    stranded = event_payload(occurred_at="2025-11-27T13:00:00-03:00")  # S2, shared, 100 people
    crossing = event_payload(
        type="irregular_crossing",
        occurred_at="2025-11-27T02:00:00-03:00",
        location={"lat": -18.2963, "lon": -70.1064},  # S3
        headcount=12,
        sharing_level="national",
    )
    for payload in (stranded, crossing):
        assert carabineros.post("/api/v1/events", json=payload).status_code == 201
    sync()
    at = {"at": "2025-11-28T12:00:00Z"}
    mine = {r["sector"]: r for r in carabineros.get("/api/v1/patrols/risk", params=at).json()}
    theirs = {r["sector"]: r for r in pnp.get("/api/v1/patrols/risk", params=at).json()}
    assert len(mine) == len(theirs) == 6
    assert mine["S2-CHACALLUTA"]["day"] == theirs["S2-CHACALLUTA"]["day"] > 20
    assert mine["S2-CHACALLUTA"]["day_level"] == "critical"
    assert mine["S3-ESCRITOS"]["night"] > 0 and mine["S3-ESCRITOS"]["day"] == 0
    assert theirs["S3-ESCRITOS"]["night"] == 0  # Chile's national event stays in Chile
    assert theirs["S3-ESCRITOS"]["night_level"] == "low"
    # Before the events happened, nothing.
    early = carabineros.get("/api/v1/patrols/risk", params={"at": "2025-11-20T00:00:00Z"}).json()
    assert {r["day"] + r["night"] for r in early} == {0}


def test_a_bad_moment_is_a_problem(login: Login) -> None:
    api = login("cl.operator")
    for at in ("yesterday", "2025-11-28T12:00:00", "2025-13-01T00:00:00Z", "0", "1764300000"):
        reply = api.get("/api/v1/patrols/risk", params={"at": at})
        assert reply.status_code == 422, at
        assert reply.headers["content-type"].startswith("application/problem+json")
