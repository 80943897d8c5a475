"""Hourly counts from a CSV feed, every problem named by its line; nothing stored if any.

Columns: ``hour`` (ISO 8601; without an offset, the node's local time), ``direction`` (entry,
exit), ``category`` (visitor, resident, regular_migrant, refused, cargo_vehicle, bus),
``nationality`` (ISO 3166-1 alpha-2, blank or XX when not known), ``count``, and optionally
``booths``: the immigration booths open that hour in that direction, the same on each of its
rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from hito.crossings.schemas import MAX_HOURS, UNKNOWN_NATIONALITY, CountIn, CountsFeed, HourIn
from hito.datafile import DataFileError, Problem

REQUIRED = ("hour", "direction", "category", "count")
KNOWN = {*REQUIRED, "nationality", "booths"}
MAX_PROBLEMS = 50
MAX_BYTES = 200 * 1024 * 1024


class FeedError(DataFileError):
    """A feed that cannot be stored; each problem carries its line."""


@dataclass
class _Hour:
    line: int
    booths: dict[str, tuple[int, int]] = field(default_factory=dict)  # direction → (n, line)
    counts: list[CountIn] = field(default_factory=list)
    cells: dict[tuple[str, str, str], int] = field(default_factory=dict)  # → line


def _text(raw: bytes) -> str:
    if len(raw) > MAX_BYTES:
        raise FeedError([(None, "file", f"larger than {MAX_BYTES // 2**20} MiB: split it")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start]
        raise FeedError([(line, "file", f"not UTF-8 text (byte 0x{byte:02x})")]) from None


def _rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    if not header:
        raise FeedError([(1, "file", "empty: expected a header line")])
    reader.fieldnames = header
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name not in KNOWN]
    if missing or unknown:
        what = "; ".join(
            part
            for part in (
                f"missing column(s): {', '.join(missing)}" if missing else "",
                f"unknown column(s): {', '.join(unknown)}" if unknown else "",
            )
            if part
        )
        raise FeedError([(1, "header", what)])
    try:
        for record in reader:
            if None in record:
                raise FeedError([(reader.line_num, "row", "more values than columns")])
            yield reader.line_num, {k: (v or "").strip() for k, v in record.items()}
    except csv.Error as error:
        raise FeedError([(reader.line_num, "file", f"not CSV: {error}")]) from None


def _hour(value: str, zone: ZoneInfo) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"{value!r} is not an ISO 8601 date-time, e.g. 2025-11-22T14:00-03:00"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _first(error: ValidationError) -> tuple[str, str]:
    item = error.errors()[0]
    where = ".".join(str(p) for p in item["loc"]) or "row"
    return where, str(item["msg"]).removeprefix("Value error, ")


def read_feed(raw: bytes, *, zone: ZoneInfo, source: str = "") -> list[CountsFeed]:
    """The feed's hours, in chunks of at most a month, or :class:`FeedError` with the lines of
    its first problems."""
    problems: list[Problem] = []
    hours: dict[dt.datetime, _Hour] = {}
    for line, record in _rows(_text(raw)):
        if len(problems) >= MAX_PROBLEMS:
            break
        if not any(record.values()):
            continue  # a blank line
        try:
            moment = _hour(record["hour"], zone).astimezone(dt.UTC)
            count = CountIn.model_validate(
                {
                    "direction": record["direction"],
                    "category": record["category"],
                    "nationality": record.get("nationality") or UNKNOWN_NATIONALITY,
                    "count": int(record["count"]) if record["count"].isdigit() else record["count"],
                }
            )
        except ValueError as error:
            where, what = (
                _first(error) if isinstance(error, ValidationError) else ("hour", str(error))
            )
            problems.append((line, where, what))
            continue
        held = hours.setdefault(moment, _Hour(line))
        cell = (count.direction.value, count.category.value, count.nationality)
        if cell in held.cells:
            problems.append((line, "row", f"the same hour and cell as line {held.cells[cell]}"))
            continue
        held.cells[cell] = line
        held.counts.append(count)
        booths = record.get("booths", "")
        if booths:
            if not booths.isdigit() or int(booths) > 200:
                problems.append((line, "booths", f"{booths!r} is not a number of booths (0–200)"))
                continue
            first = held.booths.setdefault(count.direction.value, (int(booths), line))
            if first[0] != int(booths):
                problems.append(
                    (line, "booths", f"{booths} booths, but line {first[1]} says {first[0]}")
                )
    if problems:
        raise FeedError(problems)
    if not hours:
        raise FeedError([(2, "file", "no counts in the file")])
    return _chunks(hours, source)


def _chunks(hours: dict[dt.datetime, _Hour], source: str) -> list[CountsFeed]:
    items = [
        HourIn.model_construct(
            hour=moment,
            booths_entry=h.booths.get("entry", (None, 0))[0],
            booths_exit=h.booths.get("exit", (None, 0))[0],
            counts=h.counts,
        )
        for moment, h in sorted(hours.items())
    ]
    problems: list[Problem] = []
    feeds = []
    for start in range(0, len(items), MAX_HOURS):
        chunk = items[start : start + MAX_HOURS]
        try:  # the hour rules (whole hours, within range) checked as the API checks them
            feeds.append(
                CountsFeed.model_validate(
                    {"source": source, "hours": [h.model_dump() for h in chunk]}
                )
            )
        except ValidationError as error:
            for item in error.errors():
                index = item["loc"][1] if len(item["loc"]) > 1 else 0
                moment = chunk[int(index)].hour if isinstance(index, int) else chunk[0].hour
                line = hours[moment].line
                problems.append((line, "hour", str(item["msg"]).removeprefix("Value error, ")))
    if problems:
        raise FeedError(problems[:MAX_PROBLEMS])
    return feeds
