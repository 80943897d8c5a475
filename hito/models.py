"""Every table, imported once so that Alembic and the tests see the whole metadata."""

from hito.agencies.models import Agency
from hito.audit import AuditEntry
from hito.auth.models import ApiToken, UserAccount
from hito.db import Base
from hito.events.models import Event, Observation
from hito.identity.models import (
    AlertEntry,
    LinkageModel,
    LinkReview,
    PersonIdentity,
    ScreeningDecision,
)
from hito.people.models import IdentityDocument, Person, PersonGroup, PersonKey
from hito.places.models import CrossingPoint, Facility, Sector

__all__ = [
    "AlertEntry",
    "LinkReview",
    "LinkageModel",
    "PersonIdentity",
    "ScreeningDecision",
    "Agency",
    "ApiToken",
    "AuditEntry",
    "Base",
    "CrossingPoint",
    "Event",
    "Facility",
    "IdentityDocument",
    "Observation",
    "Person",
    "PersonGroup",
    "PersonKey",
    "Sector",
    "UserAccount",
]
