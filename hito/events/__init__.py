"""The situational picture: events and the observations that follow them over time."""

from hito.events.models import Event, EventStatus, EventType, Observation
from hito.events.schemas import (
    BatchResult,
    BBox,
    EventBatch,
    EventCreate,
    EventDetail,
    EventFilters,
    EventPage,
    EventPublic,
    EventUpdate,
    ObservationCreate,
    ObservationPublic,
)
from hito.events.service import (
    add_observation,
    count_events,
    create_event,
    create_events,
    get_event,
    iter_events,
    list_events,
    update_event,
)

__all__ = [
    "BBox",
    "BatchResult",
    "Event",
    "EventBatch",
    "EventCreate",
    "EventDetail",
    "EventFilters",
    "EventPage",
    "EventPublic",
    "EventStatus",
    "EventType",
    "EventUpdate",
    "Observation",
    "ObservationCreate",
    "ObservationPublic",
    "add_observation",
    "count_events",
    "create_event",
    "create_events",
    "get_event",
    "iter_events",
    "list_events",
    "update_event",
]
