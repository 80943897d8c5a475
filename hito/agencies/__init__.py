"""Agencies of both countries and the international organisations."""

from hito.agencies.models import Agency, AgencyKind
from hito.agencies.service import agency_by_code, list_agencies, seed_agencies

__all__ = ["Agency", "AgencyKind", "agency_by_code", "list_agencies", "seed_agencies"]
