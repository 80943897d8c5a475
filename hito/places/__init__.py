"""Border sectors, crossing points, shelters and service points."""

from hito.places.geography import border_feature, town, towns
from hito.places.models import (
    CrossingPoint,
    CrossingStatus,
    CrossingStatusChange,
    Facility,
    FacilityKind,
    Sector,
)
from hito.places.schemas import (
    CrossingPointCreate,
    CrossingPointPublic,
    CrossingPointUpdate,
    CrossingStatusChangePublic,
    FacilityPublic,
    Location,
    SectorPublic,
)
from hito.places.service import (
    create_crossing_point,
    get_crossing_point,
    list_crossing_points,
    list_facilities,
    list_sectors,
    locate_sectors,
    sector_ids_by_code,
    seed_places,
    status_history,
    update_crossing_point,
    visible_crossing,
)

__all__ = [
    "CrossingPoint",
    "CrossingPointCreate",
    "CrossingPointPublic",
    "CrossingPointUpdate",
    "CrossingStatus",
    "CrossingStatusChange",
    "CrossingStatusChangePublic",
    "Facility",
    "FacilityKind",
    "FacilityPublic",
    "Location",
    "Sector",
    "SectorPublic",
    "border_feature",
    "create_crossing_point",
    "get_crossing_point",
    "list_crossing_points",
    "list_facilities",
    "list_sectors",
    "locate_sectors",
    "sector_ids_by_code",
    "seed_places",
    "status_history",
    "town",
    "towns",
    "update_crossing_point",
    "visible_crossing",
]
