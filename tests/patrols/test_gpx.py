"""GPX files as devices write them and as they go wrong: gaps, bad times, wrong coordinates."""

from __future__ import annotations

import datetime as dt

import pytest

from hito.patrols.gpx import GpxError, parse_gpx
from hito.patrols.tracks import GAP, Fix, length_km, resegment
from hito.patrols.walks import along_border, to_gpx

START = dt.datetime(2025, 11, 24, 12, tzinfo=dt.UTC)


def _gpx(points: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">\n'
        f"<trk><trkseg>\n{points}</trkseg></trk>\n</gpx>\n"
    ).encode()


def _point(lat: float, lon: float, time: str | None) -> str:
    inner = f"<time>{time}</time>" if time is not None else "<ele>12</ele>"
    return f'<trkpt lat="{lat}" lon="{lon}">{inner}</trkpt>\n'


def test_a_track_written_and_read_back_keeps_every_fix_and_segment() -> None:
    fixes = along_border("CL", first_vertex=24, last_vertex=28, start=START, minutes=60)
    second = [Fix(f.at + dt.timedelta(hours=2), f.lat, f.lon, 1) for f in fixes]
    read = parse_gpx(to_gpx([*fixes, *second]))
    assert len(read) == 2 * len(fixes)
    assert [f.segment for f in read] == [0] * len(fixes) + [1] * len(fixes)
    assert read[0] == fixes[0] and read[-1].at == START + dt.timedelta(hours=3)
    # 60 minutes out and back along 4 vertices of the line near Chacalluta: about 26 km
    assert 20 < length_km(read[: len(fixes)]) < 32


def test_times_without_zone_are_utc_and_gaps_start_new_segments() -> None:
    data = _gpx(
        _point(-18.3, -70.3, "2025-11-24T12:00:00")
        + _point(-18.301, -70.301, "2025-11-24T12:01:00Z")
        + _point(-18.302, -70.302, "2025-11-24T12:30:00Z")  # 29 minutes without a fix
    )
    fixes = parse_gpx(data)
    assert fixes[0].at == START and fixes[0].at.tzinfo is not None
    split = resegment(fixes)
    assert [f.segment for f in split] == [0, 0, 1]
    assert fixes[2].at - fixes[1].at > GAP


@pytest.mark.parametrize(
    ("points", "line", "words"),
    [
        (_point(-18.3, -70.3, "yesterday"), 5, "'yesterday' is not an ISO 8601 time"),
        (_point(-18.3, -70.3, None), 5, "a track point without a time"),
        (_point(95.0, -70.3, "2025-11-24T12:00:00Z"), 5, "(95.0, -70.3) is not a position"),
        (
            _point(-18.3, -70.3, "2025-11-24T12:05:00Z")
            + _point(-18.3, -70.3, "2025-11-24T12:00:00Z"),
            6,
            "the device's clock went back",
        ),
    ],
)
def test_a_bad_point_refuses_the_file_naming_its_line(points: str, line: int, words: str) -> None:
    ok = _point(-18.29, -70.29, "2025-11-24T11:59:00Z")
    with pytest.raises(GpxError) as refused:
        parse_gpx(_gpx(ok + points))
    assert refused.value.line == line
    assert words in str(refused.value)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "not GPX"),
        (b"hello", "not GPX"),
        (b"<gpx><trk></gpx>", "line 1: not GPX: mismatched tag"),
        (b'<gpx version="1.1"><trk><trkseg></trkseg></trk></gpx>', "no track points"),
        ("<gpx><name>Señal</name></gpx>".encode("latin-1"), "line 1: the file is not UTF-8"),
        (b"<gpx><trk><trkseg><trkpt lat='x' lon='1'/></trkseg></trk></gpx>", "not GPX"),
        (b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]><gpx>&a;&a;</gpx>", "line 1: not GPX: a document type"),
    ],
)
def test_what_is_not_a_gpx_track_is_refused(data: bytes, words: str) -> None:
    with pytest.raises(GpxError) as refused:
        parse_gpx(data)
    assert words in str(refused.value)
