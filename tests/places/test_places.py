"""Sectors along the real boundary line, the crossing, and point-in-polygon."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from shapely.geometry import LineString, shape

from hito.places.geography import border_line, town

Login = Callable[[str], httpx.Client]


def test_sectors_cover_the_whole_line_from_coast_to_tripoint(login: Login) -> None:
    sectors = login("pe.viewer").get("/api/v1/sectors").json()
    assert [s["code"] for s in sectors][:2] == ["S1-LITORAL", "S2-CHACALLUTA"]
    assert len(sectors) == 6
    polygons = [shape(s["geometry"]) for s in sectors]
    line: LineString = border_line()
    covered = sum(line.intersection(p).length for p in polygons)
    assert covered / line.length > 0.99
    for i, a in enumerate(polygons):  # disjoint: a point falls in one sector only
        for b in polygons[i + 1 :]:
            assert a.intersection(b).area < 1e-6
    coast, tripoint = line.coords[-1], line.coords[0]
    assert coast[1] < -18.3 and tripoint[1] > -17.6


def test_each_country_holds_its_side_of_the_crossing_and_sees_the_other(login: Login) -> None:
    lat, lon = town("Chacalluta")
    for username, own, other in [("cl.oim", "CL", "PE"), ("pe.viewer", "PE", "CL")]:
        crossings = login(username).get("/api/v1/crossing-points").json()
        assert {c["code"]: c["origin_node"] for c in crossings} == {
            "CHACALLUTA": "CL",
            "SANTA-ROSA": "PE",
        }, username
        assert {c["origin_node"] for c in crossings} == {own, other}
        assert all(c["location"] == {"lat": lat, "lon": lon} for c in crossings)


def test_events_get_the_sector_of_their_location(login: Login) -> None:
    api = login("pe.operator")
    cases = {
        (-18.33, -70.39): "S1-LITORAL",
        (-18.30, -70.30): "S2-CHACALLUTA",
        (-17.62, -69.60): "S6-VISVIRI",
        (-18.4755, -70.3006): None,
    }  # Arica: inland, no sector
    for (lat, lon), code in cases.items():
        event = api.post(
            "/api/v1/events",
            json={
                "type": "sighting",
                "occurred_at": "2025-11-24T10:00:00-05:00",
                "location": {"lat": lat, "lon": lon},
            },
        ).json()
        assert event["sector"] == code, (lat, lon)


def test_supervisor_changes_own_crossing_status_and_chile_sees_it(
    login: Login, sync: Callable[[], int]
) -> None:
    crossings = login("pe.supervisor").get("/api/v1/crossing-points").json()
    own = next(c for c in crossings if c["origin_node"] == "PE")
    other = next(c for c in crossings if c["origin_node"] == "CL")
    path = f"/api/v1/crossing-points/{own['id']}"
    assert login("pe.viewer").patch(path, json={"status": "closed"}).status_code == 403
    refused = login("pe.supervisor").patch(
        f"/api/v1/crossing-points/{other['id']}", json={"status": "closed"}
    )
    assert refused.status_code == 403 and "CL's side" in refused.json()["detail"]
    changed = login("pe.supervisor").patch(
        path, json={"status": "restricted", "reason": "Estado de emergencia"}
    )
    assert changed.status_code == 200 and changed.json()["status"] == "restricted"
    sync()
    seen = {c["code"]: c for c in login("cl.viewer").get("/api/v1/crossing-points").json()}
    assert seen["SANTA-ROSA"]["status"] == "restricted"
    assert seen["SANTA-ROSA"]["version"] == own["version"] + 1
    login("pe.supervisor").patch(path, json={"status": "open", "reason": "Reapertura"})
    sync()
