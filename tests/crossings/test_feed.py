"""CSV feeds of hourly counts: read whole, or refused with the line of every problem."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from hito.crossings.feed import FeedError, read_feed
from hito.crossings.schemas import MAX_HOURS

SANTIAGO = ZoneInfo("America/Santiago")
HEADER = "hour,direction,category,nationality,count,booths\n"


def _read(body: str, header: str = HEADER) -> list:
    return read_feed((header + body).encode(), zone=SANTIAGO, source="test")


def _problems(body: str | bytes, header: str = HEADER) -> list[str]:
    raw = body if isinstance(body, bytes) else (header + body).encode()
    with pytest.raises(FeedError) as caught:
        read_feed(raw, zone=SANTIAGO)
    return caught.value.lines("feed.csv")


def test_a_feed_groups_rows_by_hour_in_utc_with_their_booths() -> None:
    (feed,) = _read(
        "2025-11-22T14:00,exit,visitor,CL,410,6\n"
        "2025-11-22T14:00,exit,visitor,PE,12,6\n"
        "2025-11-22T14:00,entry,resident,,30,2\n"
        "2025-11-22T15:00-03:00,exit,bus,CL,9,\n"
    )
    assert feed.source == "test"
    first, second = feed.hours
    # Santiago is at -03:00 in November: 14:00 local is 17:00 UTC
    assert first.hour == dt.datetime(2025, 11, 22, 17, tzinfo=dt.UTC)
    assert (first.booths_exit, first.booths_entry) == (6, 2)
    assert sorted((c.nationality, c.count) for c in first.counts) == [
        ("CL", 410), ("PE", 12), ("XX", 30)
    ]  # fmt: skip
    assert second.hour == dt.datetime(2025, 11, 22, 18, tzinfo=dt.UTC)
    assert second.booths_exit is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("2025-11-22T14:00,sideways,visitor,CL,4,\n", "feed.csv:2: direction: Input should be"),
        ("2025-11-22T14:00,exit,tourist,CL,4,\n", "feed.csv:2: category: Input should be"),
        ("2025-11-22T14:00,exit,visitor,ZZ,4,\n", "feed.csv:2: nationality: 'ZZ' is not an ISO"),
        ("2025-11-22T14:00,exit,visitor,CL,4.5,\n", "feed.csv:2: count: Input should be"),
        ("2025-11-22T14:00,exit,visitor,CL,-4,\n", "feed.csv:2: count: Input should be"),
        ("2025-11-22T14:00,exit,visitor,CL,2000000,\n", "feed.csv:2: count: Input should be"),
        ("ayer,exit,visitor,CL,4,\n", "feed.csv:2: hour: 'ayer' is not an ISO 8601"),
        ("2025-11-22T14:30,exit,visitor,CL,4,\n", "feed.csv:2: hour: must be the start of an"),
        ("2025-11-22T14:00,exit,visitor,CL,4,many\n", "feed.csv:2: booths: 'many' is not"),
        (
            "2025-11-22T14:00,exit,visitor,'; DROP TABLE crossing_count;--,4,\n",
            "feed.csv:2: nationality: String should have at most 2",
        ),
    ],
)
def test_a_bad_row_is_named_by_its_line(body: str, expected: str) -> None:
    problems = _problems(body)
    assert any(p.startswith(expected) for p in problems), problems


def test_every_problem_is_listed_and_cross_row_rules_are_checked() -> None:
    problems = _problems(
        "2025-11-22T14:00,exit,visitor,CL,4,6\n"
        "2025-11-22T14:00,exit,resident,CL,4,5\n"
        "2025-11-22T14:00,exit,visitor,CL,9,6\n"
        "\n"
        "2025-11-22T15:00,exit,visitor,VE,x,\n"
    )
    assert problems == [
        "feed.csv:3: booths: 5 booths, but line 2 says 6",
        "feed.csv:4: row: the same hour and cell as line 2",
        "feed.csv:6: count: Input should be a valid integer",
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", "feed.csv:1: file: empty"),
        (b"hour,direction,count\n", "feed.csv:1: header: missing column(s): category"),
        (HEADER.replace("booths", "colour").encode(), "unknown column(s): colour"),
        (HEADER.encode(), "feed.csv:2: file: no counts in the file"),
        ((HEADER + "2025-11-22T14:00,exit,visitor,CL,4,1,9\n").encode(), "more values than"),
        (
            (HEADER + "2025-11-22T14:00,exit,visitor,C\xe9,4,\n").encode("latin-1"),
            "feed.csv:2: file: not UTF-8 text (byte 0xe9)",
        ),
    ],
)
def test_a_file_that_is_not_a_feed_is_refused(raw: bytes, expected: str) -> None:
    problems = _problems(raw)
    assert any(expected in p for p in problems), problems


def test_a_long_feed_is_split_into_months_of_hours() -> None:
    start = dt.datetime(2025, 10, 1, tzinfo=dt.UTC)
    hours = MAX_HOURS + 10
    body = "".join(
        f"{(start + dt.timedelta(hours=h)).isoformat()},entry,visitor,CL,{h % 50},3\n"
        for h in range(hours)
    )
    feeds = _read(body)
    assert [len(f.hours) for f in feeds] == [MAX_HOURS, 10]
    assert feeds[1].hours[-1].counts[0].count == (hours - 1) % 50
