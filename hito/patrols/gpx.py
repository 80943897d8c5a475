"""Patrol tracks from GPX files (gpxpy), every fix checked and named by its line on refusal.

A track segment of the file stays a segment; a fix without a time, with a time that is not one,
out of order, or off the globe refuses the whole file: a track half-imported is worse than none.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import gpxpy
import gpxpy.gpx

from hito.patrols.tracks import Fix

MAX_BYTES = 20 * 1024 * 1024
_TRKPT = re.compile(rb"<(?:\w+:)?trkpt\b")
_TIME = re.compile(rb"<(?:\w+:)?time>\s*([^<]*?)\s*</(?:\w+:)?time>")
_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_END = re.compile(rb"</(?:\w+:)?trkpt>")


class GpxError(ValueError):
    """What is wrong with a file, and where (line 0: the file as a whole)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class _Raw:
    line: int
    time_text: str | None


def _raw_points(data: bytes) -> list[_Raw]:
    """Each <trkpt> of the file in document order: its line and the text of its <time>."""
    out = []
    for match in _TRKPT.finditer(data):
        start = match.start()
        tag_end = data.find(b">", match.end())
        if tag_end > 0 and data[tag_end - 1 : tag_end] == b"/":  # <trkpt .../>: no time
            body = b""
        else:
            end = _END.search(data, match.end())
            body = data[start : end.end() if end else len(data)]
        time = _TIME.search(body)
        out.append(
            _Raw(
                data.count(b"\n", 0, start) + 1,
                time.group(1).decode("utf-8", "replace") if time else None,
            )
        )
    return out


def parse_gpx(data: bytes) -> list[Fix]:
    """The fixes of every track of the file, in time order, numbered by segment."""
    if len(data) > MAX_BYTES:
        raise GpxError(0, f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise GpxError(line, "the file is not UTF-8 text (GPX is XML in UTF-8)") from None
    declared = _DOCTYPE.search(data)
    if declared:  # GPX needs none; entities are how XML bombs explode
        line = data.count(b"\n", 0, declared.start()) + 1
        raise GpxError(line, "not GPX: a document type or entity declaration (<!DOCTYPE, <!ENTITY)")
    try:
        document = gpxpy.parse(text)
    except gpxpy.gpx.GPXXMLSyntaxException as error:
        found = re.search(r"line (\d+)", str(error))
        reason = re.sub(r"^Error parsing XML: |: line \d+, column \d+$", "", str(error))
        raise GpxError(int(found.group(1)) if found else 0, f"not GPX: {reason}") from None
    except gpxpy.gpx.GPXException as error:
        raise GpxError(0, f"not GPX: {error}") from None
    raw = _raw_points(data)
    fixes: list[Fix] = []
    index, segment = 0, -1
    for track in document.tracks:
        for part in track.segments:
            segment += 1
            for point in part.points:
                where = raw[index] if index < len(raw) else _Raw(0, None)
                index += 1
                fixes.append(_fix(point, segment, where, fixes[-1] if fixes else None))
    if not fixes:
        raise GpxError(0, "no track points (<trkpt>) in the file")
    return fixes


def _fix(point: gpxpy.gpx.GPXTrackPoint, segment: int, where: _Raw, last: Fix | None) -> Fix:
    if point.time is None:
        shown = f" ({where.time_text!r} is not an ISO 8601 time)" if where.time_text else ""
        raise GpxError(where.line, f"a track point without a time{shown}")
    at = point.time
    at = at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)  # GPX: UTC
    if not (-90 <= point.latitude <= 90 and -180 <= point.longitude <= 180):
        raise GpxError(
            where.line, f"({point.latitude}, {point.longitude}) is not a position on Earth"
        )
    if last is not None and at < last.at:
        raise GpxError(
            where.line,
            f"{at.isoformat()} is earlier than the point before it ({last.at.isoformat()}): "
            "the device's clock went back",
        )
    return Fix(at, float(point.latitude), float(point.longitude), segment)
