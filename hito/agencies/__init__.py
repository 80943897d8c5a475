"""Agencies of both countries and the international organisations."""

from hito.agencies.models import Agency, AgencyKind
from hito.agencies.service import (
    agency_by_code,
    agency_codes,
    list_agencies,
    seed_agencies,
    writing_agency_id,
)

__all__ = [
    "Agency",
    "AgencyKind",
    "agency_by_code",
    "agency_codes",
    "list_agencies",
    "seed_agencies",
    "writing_agency_id",
]
