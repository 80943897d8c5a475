"""Hotspots of the risk map, on SQLite and PostgreSQL: events of one H3 cell add up, weighed and
faded as sector risk weighs them, only the events the user may see, resolution bounded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import h3
import httpx
import pytest
from sqlalchemy.orm import Session

from hito.auth import unrestricted
from hito.events.models import EventType
from hito.exc import InvalidInput
from hito.patrols.hotspots import hotspots
from hito.patrols.risk import SeenEvent, default_rules, sector_risk
from tests.factories import event_payload

Login = Callable[[str], httpx.Client]
HOTSPOTS = "/api/v1/patrols/hotspots"
AT = dt.datetime(2025, 11, 28, 12, tzinfo=dt.UTC)
CHACALLUTA = (-18.29, -70.33)
NEARBY = (-18.30, -70.32)  # another cell at resolution 8, the same at 5
ESCRITOS = (-18.2963, -70.1064)


def _event(api: httpx.Client, where: tuple[float, float], days_ago: float, **fields: Any) -> None:
    when = (AT - dt.timedelta(days=days_ago)).isoformat()
    payload = event_payload(occurred_at=when, location={"lat": where[0], "lon": where[1]})
    reply = api.post("/api/v1/events", json={**payload, **fields})
    assert reply.status_code == 201, reply.text


def _expected(*events: tuple[str, float, int]) -> float:
    """What `hito.patrols.risk` gives these (type, days ago, headcount) events, day and night."""
    seen = [SeenEvent("cell", EventType(kind), AT - dt.timedelta(days=days), people)
            for kind, days, people in events]  # fmt: skip
    risk = sector_risk(seen, now=AT, zone=ZoneInfo("America/Santiago"), rules=default_rules())
    return sum(risk.values())


def _cells(api: httpx.Client, **params: Any) -> dict[str, Any]:
    reply = api.get(HOTSPOTS, params={"at": AT.isoformat(), **params})
    assert reply.status_code == 200, reply.text
    return {h["cell"]: h for h in reply.json()}


def test_events_of_a_cell_add_up_and_fade_with_age(login: Login) -> None:
    api = login("cl.operator")
    _event(api, CHACALLUTA, 1)  # a stranded group of 100
    _event(api, CHACALLUTA, 2, type="irregular_crossing", headcount=12)
    _event(api, NEARBY, 1)  # the same group as the first, a cell away
    _event(api, ESCRITOS, 8)  # the same group, a week older
    _event(api, ESCRITOS, 30)  # beyond the lookback
    _event(api, CHACALLUTA, -1)  # after `at`: not yet
    _event(api, (-18.05, -70.25), 1, type="patrol_report", headcount=None)  # weighs nothing
    cells = _cells(api)
    here, near, escritos = (h3.latlng_to_cell(*p, 8) for p in (CHACALLUTA, NEARBY, ESCRITOS))
    assert set(cells) == {here, near, escritos}
    assert list(cells) == [here, near, escritos]  # heaviest first
    assert cells[here]["events"] == 2 and cells[near]["events"] == 1
    assert cells[escritos]["events"] == 1
    both = _expected(("stranded_group", 1, 100), ("irregular_crossing", 2, 12))
    assert cells[here]["weight"] == pytest.approx(both, abs=1e-3)
    assert cells[near]["weight"] == pytest.approx(_expected(("stranded_group", 1, 100)), abs=1e-3)
    # A week older, half the weight: the half-life of risk.yaml.
    assert default_rules().half_life_days == 7
    assert cells[escritos]["weight"] == pytest.approx(cells[near]["weight"] / 2, abs=1e-3)
    centre = h3.cell_to_latlng(here)
    assert (cells[here]["lat"], cells[here]["lon"]) == pytest.approx(centre, abs=1e-6)
    assert len(cells[here]["boundary"]) == 6
    assert cells[here]["boundary"][0] == pytest.approx(h3.cell_to_boundary(here)[0], abs=1e-6)
    # Coarser cells gather the two near Chacalluta.
    coarse = _cells(api, resolution=5)
    assert len(coarse) == 2 and coarse[h3.latlng_to_cell(*CHACALLUTA, 5)]["events"] == 3
    # Before anything happened, nothing.
    assert api.get(HOTSPOTS, params={"at": "2025-10-01T00:00:00Z"}).json() == []


def test_the_other_sides_national_events_are_not_counted(
    login: Login, sync: Callable[[], int]
) -> None:
    carabineros, pnp, oim = login("cl.operator"), login("pe.operator"), login("cl.oim")
    _event(carabineros, CHACALLUTA, 1)  # binational
    _event(carabineros, ESCRITOS, 1, sharing_level="national")
    sync()
    here, escritos = h3.latlng_to_cell(*CHACALLUTA, 8), h3.latlng_to_cell(*ESCRITOS, 8)
    assert set(_cells(carabineros)) == {here, escritos}
    assert set(_cells(pnp)) == {here}  # Chile's national event stays in Chile
    assert set(_cells(oim)) == {here}  # and with Chile's agencies
    assert _cells(pnp)[here]["weight"] == _cells(carabineros)[here]["weight"]


def test_a_resolution_out_of_range_is_refused(login: Login, session: Session) -> None:
    api = login("cl.viewer")
    for resolution in ("4", "11", "-1", "x", "8.5", ""):
        reply = api.get(HOTSPOTS, params={"resolution": resolution})
        assert reply.status_code == 422, resolution
        assert reply.headers["content-type"] == "application/problem+json"
    assert api.get(HOTSPOTS, params={"at": "yesterday"}).status_code == 422
    for resolution in (5, 10):
        assert api.get(HOTSPOTS, params={"resolution": resolution}).status_code == 200
    for resolution in (4, 11, 15):
        with pytest.raises(InvalidInput, match="resolution must be from 5 to 10"):
            hotspots(session, scope=unrestricted("CL"), resolution=resolution)
