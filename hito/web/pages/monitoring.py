"""The committee's monitoring pages: the dashboard (every indicator with its level and
thresholds, the open alerts for duty supervisors, the forecasts with their backtest error beside
them, the crossing's throughput and wait and both sides' counts on the cut-off day), the records
behind a figure, and the briefing as a page and as a PDF.

Days are the user's time zone's: the cut-off of ``?at=YYYY-MM-DD`` is the end of that day; a
briefing runs from the start of its first day to the end of its last, both included.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from hito.auth import Scope
from hito.crossings import crossing_id_by_code, side_by_side, wait_report
from hito.crossings.schemas import HourWait, SideCount
from hito.exc import Forbidden, HitoError, NotFound
from hito.monitoring.briefing import (
    MAX_DAYS,
    Briefing,
    build_briefing,
    render_html,
    render_pdf,
)
from hito.monitoring.definitions import AlertWhen, catalogue
from hito.monitoring.forecasts import MIN_HISTORY, Forecast, ShortHistory, forecast
from hito.monitoring.indicators import alerts, drill_down, indicators
from hito.monitoring.schemas import IndicatorQuery, IndicatorValue
from hito.settings import NODE_TIMEZONES
from hito.web.deps import SettingsDep
from hito.web.i18n import translator
from hito.web.pages._render import (
    PageScope,
    PageSession,
    lang,
    not_found,
    problem_message,
    render,
    to_login,
    user_zone,
)

router = APIRouter(include_in_schema=False)
DEFAULT_DAYS = 7
TIME = "%Y-%m-%d %H:%M"
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
FORECASTS = (("irregular_departures", "mo_chart_departures"), ("stranded", "mo_chart_stranded"))
# figures not counted from records a page can list, and where to look instead (by source)
ELSEWHERE = {"exchange_link": "/node"}  # figures not counted from records listed here


def figure(value: float | None) -> str:
    """A figure as the briefing writes it: thousands with commas, at most one decimal."""
    if value is None:
        return "—"
    text = f"{value:,.1f}"
    return text[:-2] if text.endswith(".0") else text


def _typed_day(name: str, text: str) -> dt.date | None:
    if not text:
        return None
    day = None
    if _DAY.fullmatch(text):
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            pass
    if day is None:
        raise ValueError(f"{name}: {text[:40]!r} is not a date (YYYY-MM-DD)")
    if not 1900 <= day.year < 2200:  # as the API's times; and a week on stays a date
        raise ValueError(f"{name}: must be between 1900-01-01 and 2199-12-31")
    return day


def _midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """The start of ``day`` in ``zone``, checked as the API checks a time (1900–2200)."""
    moment = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    IndicatorQuery.model_validate({"at": moment.isoformat()})
    # the zone's, not the parsed fixed offset: the days of a period are counted as the user's
    # (92 of them are 92 days for the service's check, also across a change of summer time)
    return moment


@dataclass(frozen=True)
class Cutoff:
    """The cut-off: ``moment`` (None: now), and the local day it closes (or today's)."""

    typed: str
    moment: dt.datetime | None
    day: dt.date
    error: str | None = None

    @property
    def suffix(self) -> str:
        """What keeps this cut-off on a link: ``?at=YYYY-MM-DD``, or nothing for now."""
        return "" if self.moment is None else "?" + urlencode({"at": self.day.isoformat()})


def typed_cutoff(text: str, zone: ZoneInfo) -> Cutoff:
    """The end of the day typed (``YYYY-MM-DD``) in the user's zone; empty or wrong: now."""
    typed = text.strip()[:40]
    today = dt.datetime.now(zone).date()
    try:
        day = _typed_day("at", typed)
        if day is None:
            return Cutoff(typed, None, today)
        return Cutoff(typed, _midnight(day + dt.timedelta(days=1), zone), day)
    except (ValidationError, ValueError, OverflowError) as problem:
        return Cutoff(typed, None, today, problem_message(problem))


@dataclass(frozen=True)
class Period:
    """Days ``first`` to ``last`` (both included) of the user's zone, and the times they span."""

    first: dt.date
    last: dt.date
    start: dt.datetime
    end: dt.datetime


def typed_period(typed_from: str, typed_to: str, zone: ZoneInfo) -> Period:
    """The days typed in the form (a week from or to either when only one is typed; the last
    seven days, today's included, when neither is). Raises ValueError or ValidationError."""
    first = _typed_day("from", typed_from.strip())
    last = _typed_day("to", typed_to.strip())
    week = dt.timedelta(days=DEFAULT_DAYS - 1)
    if first is None and last is None:
        last = dt.datetime.now(zone).date()
    if first is None:
        assert last is not None
        first = last - week
    if last is None:
        last = first + week
    if last < first:
        raise ValueError("'to' must not be before 'from'")
    # counted in days, as the form is: the service checks the hours again
    if (last - first).days + 1 > MAX_DAYS:
        raise ValueError(f"a briefing covers at most {MAX_DAYS} days")
    return Period(first, last, _midnight(first, zone), _midnight(last + dt.timedelta(days=1), zone))


def thresholds(value: IndicatorValue, t: dict[str, str]) -> str:
    """``aviso ≥ 50 · crítico ≥ 100`` (or ≤ when the figure alerts below), and the reference."""
    sign = "≥" if value.alert_when is AlertWhen.above else "≤"
    said = [
        f"{t['mo_level_warning']} {sign} {figure(value.warning)}",
        f"{t['mo_level_critical']} {sign} {figure(value.critical)}",
    ]
    if value.reference is not None:
        said.append(f"{t['mo_reference']} {figure(value.reference)}")
    return " · ".join(said)


def _forecast_panels(
    session: Session, scope: Scope, moment: dt.datetime | None, t: dict[str, str], chosen: str
) -> list[dict[str, Any]]:
    """Each forecast's chart with its backtest beside it, or why there is none."""
    panels = []
    for series, title in FORECASTS:
        panel: dict[str, Any] = {"series": series, "title": t[title]}
        try:
            found: Forecast = forecast(session, scope=scope, series=series, at=moment)
        except ShortHistory as short:
            panel["error"] = t["mo_short_history"].format(days=short.days, needed=MIN_HISTORY)
        except HitoError as problem:
            panel["error"] = problem_message(problem, chosen)
        else:
            from hito.monitoring import charts  # matplotlib: loaded when a chart is drawn

            panel["chart"] = charts.series_chart(t[title], found, interval_label=t["mo_interval"])
            panel["forecast"] = found
        panels.append(panel)
    return panels


def _direction(row: HourWait, node: str, t: dict[str, str]) -> str:
    return t[f"mo_direction_{row.direction.value}"].format(country=t[f"mo_country_{node}"])


def _crossing(
    session: Session, scope: Scope, start: dt.datetime, end: dt.datetime, zone: ZoneInfo,
    t: dict[str, str], chosen: str,
) -> dict[str, Any]:  # fmt: skip
    """The node's own crossing point that day: the queue by hour and direction, and its charts."""
    from hito.monitoring import charts  # matplotlib: loaded when a chart is drawn

    try:
        crossing_id = crossing_id_by_code(session, scope=scope, code=None)
        report = wait_report(session, scope=scope, crossing_id=crossing_id, start=start, end=end)
    except HitoError as problem:
        return {"error": problem_message(problem, chosen)}
    rows = [
        {"row": h, "hour": h.hour.astimezone(zone), "direction": _direction(h, scope.node, t)}
        for h in report.hours
    ]
    drawn = []
    for direction in sorted({h.direction for h in report.hours}):
        hours = [h for h in report.hours if h.direction is direction]
        name = _direction(hours[0], scope.node, t)
        chart = charts.queue_chart(
            t["mo_queue_chart"].format(direction=name[:1].upper() + name[1:]),
            [h.hour.astimezone(zone) for h in hours],
            [h.arrivals for h in hours],
            [h.mean_wait_minutes for h in hours],
            people_label=t["mo_people"].lower(),
            wait_label=t["mo_minutes"],
        )  # fmt: skip
        drawn.append({"direction": direction.value, "title": name, "chart": chart})
    return {"report": report, "rows": rows, "charts": drawn}


def _sides(
    session: Session, scope: Scope, start: dt.datetime, end: dt.datetime, zone: ZoneInfo,
    chosen: str,
) -> dict[str, Any]:  # fmt: skip
    try:
        found: list[SideCount] = side_by_side(session, scope=scope, start=start, end=end)
    except HitoError as problem:
        return {"error": problem_message(problem, chosen), "rows": []}
    return {"rows": [{"row": r, "hour": r.hour.astimezone(zone)} for r in found]}


@router.get("/monitoring", response_class=HTMLResponse)
def dashboard_page(
    request: Request, scope: PageScope, session: PageSession, settings: SettingsDep, at: str = ""
) -> Response:
    if scope is None:
        return to_login(request)
    zone = user_zone(scope, settings.node)
    chosen = lang(request)
    t = translator(chosen)
    cutoff = typed_cutoff(at, zone)
    values = indicators(session, scope=scope, at=cutoff.moment, lang=chosen)
    open_alerts = None
    if scope.may("supervise"):
        try:
            open_alerts = alerts(session, scope=scope, measured=values)
        except Forbidden:  # the service decides; the page only leaves the block out
            open_alerts = None
    as_of = values[0].as_of if values else cutoff.moment or dt.datetime.now(dt.UTC)
    start = _midnight(cutoff.day, zone)
    end = _midnight(cutoff.day + dt.timedelta(days=1), zone)
    return render(
        request,
        "monitoring/dashboard.html",
        scope,
        settings,
        cutoff=cutoff,
        as_of=as_of,
        values=values,
        alerts=open_alerts,
        panels=_forecast_panels(session, scope, cutoff.moment, t, chosen),
        crossing=_crossing(session, scope, start, end, zone, t, chosen),
        sides=_sides(session, scope, start, end, zone, chosen),
        nodes=list(NODE_TIMEZONES),
        figure=figure,
        thresholds=lambda v: thresholds(v, t),
    )


@router.get("/monitoring/indicators/{indicator}", response_class=HTMLResponse)
def drill_page(
    request: Request,
    scope: PageScope,
    session: PageSession,
    settings: SettingsDep,
    indicator: str,
    at: str = "",
) -> Response:
    if scope is None:
        return to_login(request)
    if indicator not in catalogue().indicators:
        return not_found(request, scope, settings)
    zone = user_zone(scope, settings.node)
    chosen = lang(request)
    t = translator(chosen)
    cutoff = typed_cutoff(at, zone)
    try:
        drill = drill_down(session, scope=scope, indicator=indicator, at=cutoff.moment)
    except NotFound:
        return not_found(request, scope, settings)
    (value,) = indicators(session, scope=scope, at=drill.as_of, lang=chosen, only=[indicator])
    return render(
        request,
        "monitoring/drill.html",
        scope,
        settings,
        cutoff=cutoff,
        value=value,
        drill=drill,
        elsewhere=ELSEWHERE.get(drill.source),
        figure=figure,
        thresholds=lambda v: thresholds(v, t),
    )


def _yes(text: str) -> bool:
    return text.strip().lower() in ("1", "on", "true", "yes")


def _prepare(
    session: Session, scope: Scope, typed: tuple[str, str], zone: ZoneInfo, chosen: str,
    shared: bool,
) -> tuple[Period | None, Briefing | None, str | None]:  # fmt: skip
    """The period typed and its briefing, or what is wrong with them."""
    try:
        period = typed_period(*typed, zone)
    except (ValueError, OverflowError) as problem:  # pydantic's ValidationError is a ValueError
        return None, None, problem_message(problem)
    try:
        done = build_briefing(session, scope=scope, start=period.start, end=period.end,
                              lang=chosen, binational=shared)  # fmt: skip
    except HitoError as problem:  # the service's own limits
        return period, None, problem_message(problem, chosen)
    return period, done, None


@router.get("/monitoring/briefing", response_class=HTMLResponse)
def briefing_page(
    request: Request,
    scope: PageScope,
    session: PageSession,
    settings: SettingsDep,
    typed_from: Annotated[str, Query(alias="from")] = "",
    typed_to: Annotated[str, Query(alias="to")] = "",
    binational: str = "",
) -> Response:
    if scope is None:
        return to_login(request)
    zone = user_zone(scope, settings.node)
    chosen = lang(request)
    shared = _yes(binational)
    period, done, error = _prepare(session, scope, (typed_from, typed_to), zone, chosen, shared)
    pdf = None
    if period is not None and done is not None:
        pdf = "/monitoring/briefing.pdf?" + urlencode(
            {"from": period.first.isoformat(), "to": period.last.isoformat(), "lang": chosen,
             **({"binational": "1"} if shared else {})}
        )  # fmt: skip
    return render(
        request,
        "monitoring/briefing.html",
        scope,
        settings,
        typed_from=period.first.isoformat() if period else typed_from.strip()[:40],
        typed_to=period.last.isoformat() if period else typed_to.strip()[:40],
        binational=shared,
        period=period,
        briefing_html=None if done is None else render_html(done, zone=zone),
        pdf_url=pdf,
        max_days=MAX_DAYS,
        error=error,
    )


@router.get("/monitoring/briefing.pdf")
def briefing_pdf(
    request: Request,
    scope: PageScope,
    session: PageSession,
    settings: SettingsDep,
    typed_from: Annotated[str, Query(alias="from")] = "",
    typed_to: Annotated[str, Query(alias="to")] = "",
    binational: str = "",
) -> Response:
    if scope is None:
        return to_login(request)
    zone = user_zone(scope, settings.node)
    chosen = lang(request)
    typed = (typed_from, typed_to)
    period, done, _ = _prepare(session, scope, typed, zone, chosen, _yes(binational))
    if period is None or done is None:
        # the page says what is wrong with the period, beside its form
        return RedirectResponse(f"/monitoring/briefing?{request.url.query}", status_code=303)
    name = "briefing" if chosen == "en" else "informe"
    filename = f"{name}-{settings.node.lower()}-{period.first}-{period.last}.pdf"
    return Response(
        render_pdf(done, zone=zone),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
