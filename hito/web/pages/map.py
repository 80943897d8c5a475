"""The operational map: the line, sectors, crossings, shelters and recent events of both sides."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from hito import events, places
from hito.events import EventFilters
from hito.web.deps import SettingsDep
from hito.web.i18n import translator
from hito.web.pages._render import PageScope, PageSession, lang, render, to_login

router = APIRouter(include_in_schema=False)


@router.get("/map", response_class=HTMLResponse)
def map_page(
    request: Request, scope: PageScope, session: PageSession, settings: SettingsDep
) -> Response:
    if scope is None:
        return to_login(request)
    t = translator(lang(request))
    recent = events.list_events(session, scope=scope, filters=EventFilters(limit=500))
    layers = {
        "border": places.border_feature(),
        "towns": places.towns(),
        "sectors": [s.model_dump(mode="json") for s in places.list_sectors(session, scope=scope)],
        "crossings": [
            c.model_dump(mode="json") for c in places.list_crossing_points(session, scope=scope)
        ],
        "facilities": [
            f.model_dump(mode="json") for f in places.list_facilities(session, scope=scope)
        ],
        "events": [
            {
                **e.model_dump(
                    mode="json",
                    include={"id", "type", "location", "headcount", "status", "sector"},
                ),
                "origin": e.origin_node,
                "label": t[e.type.value],
            }
            for e in recent.items
        ],
        "node": settings.node,
        "labels": {
            k: t[k] for k in ("border_line", "crossing_point", "facility", "headcount", "origin")
        },
    }
    return render(
        request,
        "map/map.html",
        scope,
        settings,
        layers_json=json.dumps(layers, ensure_ascii=False).replace("</", "<\\/"),
    )
