"""The briefing's and the dashboard's charts, drawn by matplotlib as PNG data URIs.

Figures are made with matplotlib's object API, never pyplot's global state, so that pages drawn
on several server threads at once cannot garble each other's charts."""

from __future__ import annotations

import base64
import datetime as dt
import io
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from hito.monitoring.forecasts import Forecast
from hito.places.geography import border_line, sector_polygons

INK, ACCENT, MUTED, ALERT = "#1f2937", "#1d4ed8", "#9ca3af", "#b91c1c"
EVENT_COLOURS = {
    "stranded_group": "#b91c1c",
    "irregular_crossing": "#d97706",
    "interception": "#1d4ed8",
    "sighting": "#6b7280",
    "humanitarian_need": "#047857",
}


def _days(values: Sequence[dt.date | dt.datetime]) -> np.ndarray[Any, Any]:
    """Dates and (local, naive) times as numpy's, which matplotlib plots on a time axis."""
    return np.asarray(
        [v.replace(tzinfo=None) if isinstance(v, dt.datetime) else v for v in values],
        dtype="datetime64[m]",
    )


def _png(figure: Figure) -> str:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=150, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _figure(width: float = 7.0, height: float = 2.6) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(width, height))
    axes = figure.subplots()
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(labelsize=8, colors=INK)
    return figure, axes


def series_chart(
    title: str, forecast: Forecast, *, last_days: int = 42, interval_label: str = "80%"
) -> str:
    """A daily series' last weeks, and its forecast with the prediction interval."""
    figure, axes = _figure()
    history = forecast.history[-last_days:]
    axes.plot(_days([h.day for h in history]), [h.value for h in history], color=INK,
              linewidth=1.2)  # fmt: skip
    days = _days([f.day for f in forecast.forecast])
    axes.fill_between(days, [f.low for f in forecast.forecast],
                      [f.high for f in forecast.forecast], color=ACCENT, alpha=0.18,
                      label=interval_label)  # fmt: skip
    axes.plot(days, [f.mean for f in forecast.forecast], color=ACCENT, linestyle="--")
    axes.set_title(title, fontsize=10, loc="left", color=INK)
    axes.set_ylim(bottom=0)
    axes.legend(fontsize=7, frameon=False, loc="upper left")
    figure.autofmt_xdate()
    return _png(figure)


def bars_chart(
    title: str, days: Sequence[dt.date], values: Sequence[float], *,
    reference: float | None = None, reference_label: str = "",
) -> str:  # fmt: skip
    """Daily bars, with an optional reference line."""
    figure, axes = _figure()
    axes.bar(_days(days), values, color=ACCENT, width=0.8)
    if reference is not None:
        axes.axhline(reference, color=ALERT, linestyle=":", linewidth=1)
        axes.annotate(reference_label, (_days(days)[0], reference), fontsize=7, color=ALERT,
                      xytext=(0, 3), textcoords="offset points")  # fmt: skip
    axes.set_title(title, fontsize=10, loc="left", color=INK)
    figure.autofmt_xdate()
    return _png(figure)


def queue_chart(
    title: str, hours: Sequence[dt.datetime], people: Sequence[int],
    waits: Sequence[float | None], *, people_label: str, wait_label: str,
) -> str:  # fmt: skip
    """People at the booths per hour (bars) and the estimated mean wait (line)."""
    figure, axes = _figure()
    axes.bar(_days(hours), people, width=0.035, color=MUTED, label=people_label)
    twin = axes.twinx()
    twin.plot(_days(hours), [math.nan if w is None else w for w in waits], color=ALERT, marker=".",
              label=wait_label)  # fmt: skip
    twin.tick_params(labelsize=8)
    twin.set_ylim(bottom=0)
    axes.set_title(title, fontsize=10, loc="left", color=INK)
    handles = axes.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
    axes.legend(handles=handles, fontsize=7, frameon=False, loc="upper left")
    figure.autofmt_xdate()
    return _png(figure)


def map_chart(
    title: str, events: Sequence[tuple[float, float, str, int]],
    crossing: tuple[float, float] | None, labels: dict[str, str],
) -> str:  # fmt: skip
    """The boundary line, the sectors, the crossing and the period's events (lat, lon, type,
    how many there): a point grows with the events it stands for."""
    figure, axes = _figure(6.0, 6.0)
    for spec, polygon in sector_polygons():
        x, y = polygon.exterior.xy
        axes.plot(x, y, color=MUTED, linewidth=0.6)
        centre = polygon.representative_point()
        axes.annotate(spec.code, (centre.x, centre.y), fontsize=6, color=MUTED, ha="center")
    x, y = border_line().xy
    axes.plot(x, y, color=INK, linewidth=1.5, label=labels.get("border", "border"))
    for kind, colour in EVENT_COLOURS.items():
        points = [(lon, lat, n) for lat, lon, k, n in events if k == kind]
        if points:
            axes.scatter([p[0] for p in points], [p[1] for p in points],
                         s=[14 * math.sqrt(min(p[2], 25)) for p in points], color=colour,
                         label=f"{labels.get(kind, kind)} ({sum(p[2] for p in points)})",
                         zorder=3)  # fmt: skip
    if crossing is not None:
        axes.scatter([crossing[1]], [crossing[0]], marker="s", s=40, color=INK, zorder=4,
                     label=labels.get("crossing", "crossing"))  # fmt: skip
    lat = sum(axes.get_ylim()) / 2
    axes.set_aspect(1 / math.cos(math.radians(lat)))  # degrees of longitude are shorter
    axes.set_title(title, fontsize=10, loc="left", color=INK)
    axes.legend(fontsize=7, frameon=False, loc="lower left")
    return _png(figure)
