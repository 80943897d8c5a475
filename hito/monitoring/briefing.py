"""The committee's briefing: the indicators at the end of a period and how they moved since its
start (the last briefing), the open alerts, the humanitarian situation in aggregates, charts, a
map of the period's events; as an HTML page and as a PDF (WeasyPrint).

A binational briefing reads only what both nodes share with every agency, so that both
delegations, each from its own node, get the same figures.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hito import audit
from hito.aggregates import suppress_cells
from hito.auth.scope import Scope
from hito.auth.scoping import scoped_as
from hito.crossings.models import Category, CrossingCount, Direction
from hito.db import utcnow
from hito.events.models import Event
from hito.exc import HitoError, InvalidInput
from hito.exchange.agreements import shared_view
from hito.humanitarian.models import CaseStatus, HumanitarianCase, Referral
from hito.monitoring.definitions import Level
from hito.monitoring.forecasts import MIN_HISTORY, ShortHistory, forecast
from hito.monitoring.indicators import indicators
from hito.monitoring.schemas import IndicatorValue
from hito.monitoring.words import WORDS
from hito.places.models import CrossingPoint

TEMPLATES = Path(__file__).with_name("templates")
MAX_DAYS = 92


class Figure(BaseModel):
    indicator: IndicatorValue
    previous: float | None = Field(description="The value at the start of the period")
    change: float | None


class Humanitarian(BaseModel):
    """Counts of cases and referrals: never a person. None: 1 to 4 (suppressed)."""

    open_by_priority: dict[str, int | None]
    referrals_by_state: dict[str, int | None]


class Briefing(BaseModel):
    node: str
    lang: str
    binational: bool
    start: dt.datetime
    end: dt.datetime
    generated_at: dt.datetime
    figures: list[Figure]
    alerts: list[IndicatorValue]
    humanitarian: Humanitarian
    events_by_type: dict[str, int]
    charts: dict[str, str] = Field(description="Name → PNG data URI")
    notes: list[str] = Field(description="What a chart could not show, and why")


def _suppressed(counts: dict[str, int]) -> dict[str, int | None]:
    """Counts of 1 to 4 hidden, and one more where a lone hidden one could be worked out."""
    return suppress_cells(sum(counts.values()), counts)


def _humanitarian(session: Session, end: dt.datetime) -> Humanitarian:
    by_priority = dict(
        session.execute(
            select(HumanitarianCase.priority, func.count())
            .where(HumanitarianCase.status == CaseStatus.open, HumanitarianCase.opened_at < end)
            .group_by(HumanitarianCase.priority)
        ).all()
    )
    by_state = dict(
        session.execute(
            select(Referral.state, func.count())
            .where(Referral.referred_at < end)
            .group_by(Referral.state)
        ).all()
    )
    return Humanitarian(
        open_by_priority=_suppressed({str(k): v for k, v in by_priority.items()}),
        referrals_by_state=_suppressed({str(k): v for k, v in by_state.items()}),
    )


def _visitors_by_day(
    session: Session, scope: Scope, start: dt.datetime, end: dt.datetime
) -> tuple[list[dt.date], list[float]]:
    zone = scope.time_zone
    rows = session.execute(
        select(CrossingCount.hour, func.sum(CrossingCount.count))
        .where(CrossingCount.category == Category.visitor, CrossingCount.origin_node == "CL",
               CrossingCount.direction == Direction.exit, CrossingCount.hour >= start,
               CrossingCount.hour < end)
        .group_by(CrossingCount.hour)
    ).all()  # fmt: skip
    totals: Counter[dt.date] = Counter()
    for hour, count in rows:
        totals[hour.astimezone(zone).date()] += int(count)
    days = sorted(totals)
    return days, [float(totals[d]) for d in days]


GRID = 100  # events are drawn per hundredth of a degree (about 1 km): the map's resolution


def _events_on_map(
    session: Session, start: dt.datetime, end: dt.datetime
) -> list[tuple[float, float, str, int]]:
    """The period's events as (lat, lon, type, how many) per hundredth of a degree, counted in
    the database: a week of a busy border is tens of thousands of events, a map a few thousand
    points."""
    lat, lon = func.round(Event.lat * GRID), func.round(Event.lon * GRID)
    rows = session.execute(
        select(lat, lon, Event.type, func.count())
        .where(Event.occurred_at >= start, Event.occurred_at < end)
        .group_by(lat, lon, Event.type)
    ).all()  # fmt: skip
    return [(float(y) / GRID, float(x) / GRID, str(kind), int(n)) for y, x, kind, n in rows]


def _by_type(events: list[tuple[float, float, str, int]]) -> Counter[str]:
    found: Counter[str] = Counter()
    for _, _, kind, n in events:
        found[kind] += n
    return found


def build_briefing(
    session: Session, *, scope: Scope, start: dt.datetime, end: dt.datetime,
    lang: str = "es", binational: bool = False,
) -> Briefing:  # fmt: skip
    """The briefing of ``start``–``end`` over what the user (or, binational, both nodes) sees."""
    if end <= start:
        raise InvalidInput("'to' must be after 'from'")
    if end.astimezone(dt.UTC) - start.astimezone(dt.UTC) > dt.timedelta(days=MAX_DAYS):
        raise InvalidInput(f"a briefing covers at most {MAX_DAYS} days")
    from hito.monitoring import charts  # matplotlib: loaded when a briefing is drawn

    words = WORDS[lang]
    reader = shared_view(session, scope) if binational else scope
    with scoped_as(session, reader):
        now = indicators(session, scope=reader, at=end, lang=lang)
        before = {v.id: v.value for v in indicators(session, scope=reader, at=start, lang=lang)}
        figures = [
            Figure(
                indicator=v,
                previous=before.get(v.id),
                change=None
                if v.value is None or before.get(v.id) is None
                else round(v.value - (before[v.id] or 0), 1),
            )
            for v in now
        ]
        events = _events_on_map(session, start, end)
        crossing = session.execute(
            select(CrossingPoint.lat, CrossingPoint.lon).where(
                CrossingPoint.origin_node == scope.node
            )
        ).first()
        rendered: dict[str, str] = {}
        notes: list[str] = []
        for series, title in (("irregular_departures", words["chart_departures"]),
                              ("stranded", words["chart_stranded"])):  # fmt: skip
            try:
                found = forecast(session, scope=reader, series=series, at=end)
            except ShortHistory as short:
                notes.append(f"{title}: " + words["short_history"].format(
                    days=short.days, needed=MIN_HISTORY))  # fmt: skip
                continue
            except HitoError as error:
                notes.append(f"{title}: {error.detail}")
                continue
            rendered[series] = charts.series_chart(title, found, interval_label=words["interval"])
        days, visitors = _visitors_by_day(session, reader, start, end)
        if days:
            rendered["visitors"] = charts.bars_chart(words["chart_visitors"], days, visitors)
        rendered["map"] = charts.map_chart(
            words["chart_map"],
            events,
            (crossing.lat, crossing.lon) if crossing else None,
            words,
        )
        humanitarian = _humanitarian(session, end)
    briefing = Briefing(
        node=scope.node,
        lang=lang,
        binational=binational,
        start=start,
        end=end,
        generated_at=utcnow(),
        figures=figures,
        alerts=[v for v in now if v.level in (Level.warning, Level.critical)],
        humanitarian=humanitarian,
        events_by_type=dict(_by_type(events).most_common()),
        charts=rendered,
        notes=notes,
    )
    audit.record(
        session, scope=scope, action="monitoring.briefing", object_type="briefing",
        detail={"from": start.isoformat(), "to": end.isoformat(), "binational": binational},
    )  # fmt: skip
    return briefing


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )


def render_html(briefing: Briefing, *, zone: Any) -> str:
    """The briefing as a standalone HTML page (its charts inline)."""
    template = _environment().get_template("briefing.html")
    return template.render(b=briefing, w=WORDS[briefing.lang], zone=zone)


def render_pdf(briefing: Briefing, *, zone: Any) -> bytes:
    """The briefing as PDF, from the same HTML."""
    import weasyprint

    return bytes(weasyprint.HTML(string=render_html(briefing, zone=zone)).write_pdf())
