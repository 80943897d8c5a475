"""Flow monitoring, as IOM's Displacement Tracking Matrix does it: points where people are
counted (the stranded area, bus terminals, shelters), counts by sex, age group and nationality,
and the tallies of short surveys (origin, intended destination, needs). Aggregates only; small
cells are suppressed wherever figures are shown."""

from hito.flows.schemas import (
    FlowCountCreate,
    FlowCountStored,
    FlowPointCreate,
    FlowPointPublic,
    PointSummary,
    SummaryQuery,
)
from hito.flows.service import create_point, list_points, record_count, summary

__all__ = [
    "FlowCountCreate",
    "FlowCountStored",
    "FlowPointCreate",
    "FlowPointPublic",
    "PointSummary",
    "SummaryQuery",
    "create_point",
    "list_points",
    "record_count",
    "summary",
]
