"""Reading events from CSV or GeoJSON files, writing them as CSV, GeoJSON or HXL."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from hito.events.schemas import EventCreate, EventPublic

CSV_COLUMNS = [
    "id",
    "type",
    "occurred_at",
    "lat",
    "lon",
    "sector",
    "headcount",
    "adults",
    "minors",
    "reporting_agency",
    "status",
    "sharing_level",
    "origin_node",
    "description",
]
# HXL hashtags (https://hxlstandard.org/standard/1-1final/dictionary/) for the same columns.
HXL_TAGS = {
    "id": "#event+id",
    "type": "#event+type",
    "occurred_at": "#date+occurred",
    "lat": "#geo+lat",
    "lon": "#geo+lon",
    "sector": "#loc+code",
    "headcount": "#affected+total",
    "adults": "#affected+adults",
    "minors": "#affected+children",
    "reporting_agency": "#org+code",
    "status": "#status",
    "sharing_level": "#meta+sharing",
    "origin_node": "#country+code",
    "description": "#description",
}
IMPORT_FIELDS = {
    "type",
    "occurred_at",
    "lat",
    "lon",
    "headcount",
    "adults",
    "minors",
    "description",
    "sharing_level",
    "status",
}


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


def _decode(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ImportFailed(
            [
                RowError(
                    line, "file", f"{path.name} is not valid UTF-8 (byte 0x{raw[error.start]:02x})"
                )
            ]
        ) from None


def _typed(key: str, value: Any) -> Any:
    """CSV cells are text; the API's models take JSON types, so convert what parses."""
    if not isinstance(value, str):
        return value
    try:
        if key in ("lat", "lon"):
            return float(value)
        if key in ("headcount", "adults", "minors"):
            return int(value)
    except ValueError:
        pass  # left as text: the model names the field and what it expected
    return value


def _to_event(record: dict[str, Any]) -> EventCreate:
    data: dict[str, Any] = {
        k: _typed(k, v) for k, v in record.items() if k in IMPORT_FIELDS and v != ""
    }
    if "lat" in data or "lon" in data:
        data["location"] = {"lat": data.pop("lat", None), "lon": data.pop("lon", None)}
    return EventCreate.model_validate(data)


def _validate(rows: Iterable[tuple[int, dict[str, Any]]]) -> list[EventCreate]:
    events, errors = [], []
    for line, record in rows:
        try:
            events.append(_to_event(record))
        except ValidationError as error:
            for item in error.errors():
                where = ".".join(str(p) for p in item["loc"]) or "row"
                message = item["msg"].removeprefix("Value error, ")
                errors.append(RowError(line, where, message))
    if errors:
        raise ImportFailed(errors)
    if not events:
        raise ImportFailed([RowError(1, "file", "no events in the file")])
    return events


def _csv_rows(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = {"type", "occurred_at", "lat", "lon"} - set(reader.fieldnames or [])
    if missing:
        raise ImportFailed(
            [RowError(1, "header", f"missing column(s): {', '.join(sorted(missing))}")]
        )
    for record in reader:
        if None in record:
            raise ImportFailed([RowError(reader.line_num, "row", "more values than columns")])
        yield reader.line_num, record


def _geojson_rows(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFailed([RowError(error.lineno, "file", f"invalid JSON: {error.msg}")]) from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise ImportFailed([RowError(1, "file", "expected a GeoJSON FeatureCollection")])
    for number, feature in enumerate(document.get("features") or [], start=1):
        geometry = (feature or {}).get("geometry") or {}
        properties = dict((feature or {}).get("properties") or {})
        if geometry.get("type") != "Point" or len(geometry.get("coordinates") or []) < 2:
            raise ImportFailed([RowError(number, "geometry", f"feature {number} is not a Point")])
        properties["lon"], properties["lat"] = geometry["coordinates"][:2]
        yield number, properties


def read_events(path: Path) -> list[EventCreate]:
    """Every event of a CSV or GeoJSON file, or ImportFailed with every line's errors."""
    text = _decode(path.read_bytes(), path)
    if path.suffix.lower() in (".geojson", ".json"):
        return _validate(_geojson_rows(text))
    return _validate(_csv_rows(text))


def _flat(event: EventPublic) -> dict[str, Any]:
    return {
        "id": event.id,
        "type": event.type.value,
        "occurred_at": event.occurred_at.isoformat(),
        "lat": event.location.lat,
        "lon": event.location.lon,
        "sector": event.sector or "",
        "headcount": "" if event.headcount is None else event.headcount,
        "adults": "" if event.adults is None else event.adults,
        "minors": "" if event.minors is None else event.minors,
        "reporting_agency": event.reporting_agency,
        "status": event.status.value,
        "sharing_level": event.sharing_level.value,
        "origin_node": event.origin_node,
        "description": event.description,
    }


def write_events(events: Iterable[EventPublic], out: TextIO, *, fmt: str) -> int:
    """Write ``events`` to ``out`` as csv, hxl or geojson; return how many were written."""
    count = 0
    if fmt in ("csv", "hxl"):
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        if fmt == "hxl":
            writer.writerow(HXL_TAGS)
        for event in events:
            writer.writerow(_flat(event))
            count += 1
        return count
    if fmt != "geojson":
        raise ValueError(f"unknown format {fmt!r}: csv, geojson or hxl")
    out.write('{"type":"FeatureCollection","features":[\n')
    for event in events:
        properties = _flat(event)
        lat, lon = properties.pop("lat"), properties.pop("lon")
        feature = {
            "type": "Feature",
            "id": event.id,
            "properties": properties,
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
        }
        out.write(("," if count else "") + json.dumps(feature, ensure_ascii=False) + "\n")
        count += 1
    out.write("]}\n")
    return count
