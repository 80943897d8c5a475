"""Crossing operations: hourly counts by direction, category and nationality, both sides side
by side, and the queue at the immigration booths (Erlang C).

A crossing point's status and its history live with the crossing point in ``hito.places``.
"""

from hito.crossings.counts import crossing_id_by_code, record_counts, side_by_side
from hito.crossings.feed import FeedError, read_feed
from hito.crossings.models import Category, Direction
from hito.crossings.schemas import CountsFeed, CountsStored, SideCount, WaitReport
from hito.crossings.wait import wait_report

__all__ = [
    "Category",
    "CountsFeed",
    "CountsStored",
    "Direction",
    "FeedError",
    "SideCount",
    "WaitReport",
    "crossing_id_by_code",
    "read_feed",
    "record_counts",
    "side_by_side",
    "wait_report",
]
