"""The sector risk map of the duty supervisors: the six sectors coloured by impact level, by day
and by night, with their figures and any supervisor's override; the line; the H3 hotspots."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from hito import patrols, places
from hito.patrols import RiskQuery, SectorRisk
from hito.patrols.hotspots import hotspots
from hito.patrols.problem import Shift, shift_kind
from hito.web.deps import SettingsDep
from hito.web.i18n import translator
from hito.web.pages._render import (
    PageScope,
    PageSession,
    lang,
    problem_message,
    render,
    to_login,
    user_zone,
)

router = APIRouter(include_in_schema=False)
LEVELS = ("low", "medium", "high", "critical")
TIME = "%Y-%m-%d %H:%M"
MAP_WORDS = ("day", "night", "figure", "override", "computed", "until", "set_by", "events",
             "weight", "sectors", "hotspots")  # fmt: skip


def typed_moment(text: str, zone: ZoneInfo) -> dt.datetime:
    """A moment typed in the form (a datetime-local in the user's zone), checked as the API
    checks its `at`."""
    local = dt.datetime.fromisoformat(text)
    if local.tzinfo is None:
        local = local.replace(tzinfo=zone)
    return RiskQuery.model_validate({"at": local.isoformat()}).at or local


def _override(risk: SectorRisk, zone: ZoneInfo) -> dict[str, str] | None:
    """A supervisor's level over the thresholds' one, when there is one, ready to show."""
    if risk.override is None:
        return None
    return {
        "level": risk.override.level.value,
        "reason": risk.override.reason,
        "expires_at": risk.override.expires_at.astimezone(zone).strftime(TIME),
        "set_by": risk.override.set_by or "",
    }


def sector_rows(
    risk: list[SectorRisk], sectors: list[places.SectorPublic], zone: ZoneInfo
) -> list[dict[str, Any]]:
    """Each sector with its shape, its risk by day and by night and the level each gives."""
    shapes = {s.code: s for s in sectors}
    rows = []
    for r in risk:
        shape = shapes.get(r.sector)
        if shape is None:
            continue
        rows.append(
            {
                "code": r.sector,
                "name": shape.name,
                "geometry": shape.geometry,
                "day": r.day,
                "night": r.night,
                "day_level": r.day_level,
                "night_level": r.night_level,
                "computed_day_level": r.computed_day_level,
                "computed_night_level": r.computed_night_level,
                "override": _override(r, zone),
            }
        )
    return rows


@router.get("/patrols/risk", response_class=HTMLResponse)
def risk_page(
    request: Request, scope: PageScope, session: PageSession, settings: SettingsDep, at: str = ""
) -> Response:
    if scope is None:
        return to_login(request)
    zone = user_zone(scope, settings.node)
    t = translator(lang(request))
    moment, error = None, None
    if at.strip():
        try:
            moment = typed_moment(at.strip()[:40], zone)
        except (ValidationError, ValueError) as problem:
            error = problem_message(problem)
    risk = patrols.risk_by_sector(session, scope=scope, at=moment)
    spots = hotspots(session, scope=scope, at=moment, resolution=8)
    seen_at = risk[0].at if risk else (moment or dt.datetime.now(dt.UTC))
    kind = shift_kind(Shift(0, seen_at, seen_at), zone).value
    rows = sector_rows(risk, places.list_sectors(session, scope=scope), zone)
    layers = {
        "border": places.border_feature(),
        "towns": places.towns(),
        "sectors": rows,
        "hotspots": [h.model_dump(mode="json") for h in spots],
        "kind": kind,
        "labels": {
            "border_line": t["border_line"],
            **{level: t[f"pt_level_{level}"] for level in LEVELS},
            **{word: t[f"pt_{word}"] for word in MAP_WORDS},
        },
    }
    return render(
        request,
        "patrols/risk.html",
        scope,
        settings,
        rows=rows,
        levels=LEVELS,
        kind=kind,
        hotspot_count=len(spots),
        seen_at=seen_at,
        at=at.strip()[:40],
        error=error,
        layers_json=json.dumps(layers, ensure_ascii=False).replace("</", "<\\/"),
    )
