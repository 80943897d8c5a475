"""The bundled border geography and the sectors derived from it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from shapely.geometry import LineString, Polygon, mapping, shape
from shapely.ops import unary_union

BAND_DEGREES = 0.14  # about 15 km either side of the line


@dataclass(frozen=True)
class SectorSpec:
    code: str
    name: str
    first_vertex: int  # indices into the boundary line, tripoint = 0, coast = 29
    last_vertex: int


# From the coast inland, along the boundary line.
SECTOR_SPECS = [
    SectorSpec("S1-LITORAL", "Litoral – Hito 1 / Punto Concordia", 28, 29),
    SectorSpec("S2-CHACALLUTA", "Chacalluta – Santa Rosa", 24, 28),
    SectorSpec("S3-ESCRITOS", "Pampa de Escritos – Valle de Lluta", 20, 24),
    SectorSpec("S4-PALCA", "Precordillera – Palca", 13, 20),
    SectorSpec("S5-ANCOMARCA", "Altiplano – Ancomarca", 7, 13),
    SectorSpec("S6-VISVIRI", "Visviri – Trifinio", 0, 7),
]


@cache
def reference_features() -> list[dict[str, Any]]:
    text = resources.files("hito.places").joinpath("data/arica-tacna.geojson").read_text("utf-8")
    features: list[dict[str, Any]] = json.loads(text)["features"]
    return features


def border_line() -> LineString:
    line = next(f for f in reference_features() if f["geometry"]["type"] == "LineString")
    return LineString(line["geometry"]["coordinates"])


def border_feature() -> dict[str, Any]:
    return next(f for f in reference_features() if f["geometry"]["type"] == "LineString")


def towns() -> list[dict[str, Any]]:
    """Bundled towns as {name, country, lat, lon} (the crossing is not a town)."""
    return [
        {
            "name": f["properties"]["name"],
            "country": f["properties"]["country"],
            "lat": f["geometry"]["coordinates"][1],
            "lon": f["geometry"]["coordinates"][0],
        }
        for f in reference_features()
        if f["geometry"]["type"] == "Point" and "/" not in f["properties"]["country"]
    ]


def town(name: str) -> tuple[float, float]:
    """(lat, lon) of a bundled town or of the crossing, by the start of its name."""
    for feature in reference_features():
        if feature["properties"]["name"].startswith(name):
            lon, lat = feature["geometry"]["coordinates"]
            return lat, lon
    raise KeyError(name)


def sector_polygons() -> list[tuple[SectorSpec, Polygon]]:
    """Disjoint bands along the line; a stretch nearer the coast wins where two bands overlap."""
    coords = list(border_line().coords)
    taken: Any = None
    result = []
    for spec in SECTOR_SPECS:
        stretch = LineString(coords[spec.first_vertex : spec.last_vertex + 1])
        band = stretch.buffer(BAND_DEGREES, cap_style="flat")
        if taken is not None:
            band = band.difference(taken)
        if band.geom_type == "MultiPolygon":
            band = max(band.geoms, key=lambda g: g.area)
        taken = band if taken is None else unary_union([taken, band])
        result.append((spec, band.simplify(0.001)))
    return result


def geometry_json(polygon: Polygon) -> str:
    return json.dumps(mapping(polygon))


def polygon_from_json(geojson: str) -> Polygon:
    geom = shape(json.loads(geojson))
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise ValueError("a sector's geometry must be a Polygon or MultiPolygon")
    return geom
