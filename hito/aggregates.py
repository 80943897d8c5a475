"""Aggregates that may leave a node or reach a page: small cells suppressed.

Counts of 1 to 4 people are hidden so that no one can be singled out; when a breakdown would
hide a single cell while its total is shown, the next smallest cell is hidden too, so that the
hidden one cannot be worked out by subtraction (the rule of the humanitarian export, of flow
monitoring and of the briefing alike).
"""

from __future__ import annotations

from collections.abc import Mapping

SMALL_CELL = 5


def small(count: int) -> bool:
    return 0 < count < SMALL_CELL


def suppress_total(total: int) -> int | None:
    return None if small(total) else total


def suppress_cells(total: int | None, cells: Mapping[str, int]) -> dict[str, int | None]:
    """``cells`` (a breakdown of ``total``) with the small ones, and any needed to protect a
    lone small one, as None."""
    hidden = {key for key, count in cells.items() if small(count)}
    if len(hidden) == 1 and total is not None:
        shown = sorted((count, key) for key, count in cells.items() if count >= SMALL_CELL)
        if shown:
            hidden.add(shown[0][1])
    return {key: (None if key in hidden else count) for key, count in cells.items()}
