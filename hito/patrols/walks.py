"""Tracks along the real boundary line, for the demo and the tests: a patrol walking or driving
a stretch of the line on its own country's side, written as fixes or as a GPX file."""

from __future__ import annotations

import datetime as dt

import gpxpy.gpx
from shapely.geometry import LineString, Point

from hito.patrols.tracks import Fix
from hito.places.geography import border_line, town

DEGREES_PER_KM = 1 / 111.195


def _side(country: str, offset_km: float) -> LineString:
    """The whole line moved `offset_km` into `country` (Arica's side is Chile's)."""
    line = border_line()
    left = line.offset_curve(offset_km * DEGREES_PER_KM)
    right = line.offset_curve(-offset_km * DEGREES_PER_KM)
    lat, lon = town("Arica")
    chile = left if left.distance(Point(lon, lat)) < right.distance(Point(lon, lat)) else right
    return chile if country == "CL" else (right if chile is left else left)


def along_border(
    country: str,
    *,
    first_vertex: int,
    last_vertex: int,
    start: dt.datetime,
    minutes: int,
    every_minutes: float = 1.0,
    offset_km: float = 0.5,
    back: bool = True,
) -> list[Fix]:
    """Fixes every `every_minutes` for `minutes`, from the line's vertex `first_vertex` to
    `last_vertex` (tripoint = 0, coast = 29) and back (a patrol returns to its base),
    `offset_km` inside `country`."""
    line = border_line()
    a = line.project(Point(line.coords[first_vertex]))
    b = line.project(Point(line.coords[last_vertex]))
    side = _side(country, offset_km)
    steps = max(1, int(minutes / every_minutes))
    fixes = []
    for i in range(steps + 1):
        share = i / steps
        if back:
            share = 2 * share if share <= 0.5 else 2 * (1 - share)
        here = line.interpolate(a + (b - a) * share)
        moved = side.interpolate(side.project(here))
        fixes.append(
            Fix(
                start + dt.timedelta(minutes=i * every_minutes),
                round(moved.y, 6),
                round(moved.x, 6),
            )
        )
    return fixes


def to_gpx(fixes: list[Fix], *, name: str = "patrol") -> bytes:
    """A GPX 1.1 file of the fixes, one track segment per segment."""
    document = gpxpy.gpx.GPX()
    document.creator = "Hito"
    track = gpxpy.gpx.GPXTrack(name=name)
    document.tracks.append(track)
    segments: dict[int, gpxpy.gpx.GPXTrackSegment] = {}
    for fix in fixes:
        if fix.segment not in segments:
            segments[fix.segment] = gpxpy.gpx.GPXTrackSegment()
            track.segments.append(segments[fix.segment])
        segments[fix.segment].points.append(
            gpxpy.gpx.GPXTrackPoint(fix.lat, fix.lon, time=fix.at.astimezone(dt.UTC))
        )
    return document.to_xml(version="1.1").encode("utf-8")
