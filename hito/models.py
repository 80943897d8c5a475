"""Every table, imported once so that Alembic and the tests see the whole metadata."""

from hito.agencies.models import Agency
from hito.annotations.models import Annotation
from hito.audit.models import AuditCheckpoint, AuditEntry
from hito.auth.models import ApiToken, UserAccount
from hito.crossings.models import CrossingCount, CrossingHour
from hito.db import Base
from hito.events.models import Event, Observation
from hito.exchange.models import (
    ExchangeLink,
    InboxEnvelope,
    OutboxEnvelope,
    Peer,
    SeenNonce,
    SharingAgreement,
)
from hito.flows.models import FlowAnswer, FlowCell, FlowCount, FlowPoint
from hito.humanitarian.models import (
    BedCount,
    CaseEncounter,
    CaseNeed,
    CaseReasons,
    Consent,
    HumanitarianCase,
    PlannedMovement,
    PriorityChange,
    PriorityRuleSet,
    Referral,
    ReferralAnswer,
    ReferralContent,
    Screening,
    ScreeningDetail,
    SeparationAlert,
    ServiceProfile,
)
from hito.identity.models import (
    AlertEntry,
    IdentityChange,
    LinkageModel,
    LinkReview,
    PersonIdentity,
    ScreeningDecision,
)
from hito.patrols.models import (
    ImpactOverride,
    Patrol,
    PatrolAssignment,
    PatrolFinding,
    PatrolPlan,
    PatrolPoint,
    PatrolUnit,
)
from hito.people.models import IdentityDocument, Person, PersonGroup, PersonKey
from hito.places.models import CrossingPoint, CrossingStatusChange, Facility, Sector
from hito.rfi.models import InformationAnswer, InformationRequest

__all__ = [
    "CaseEncounter",
    "CaseNeed",
    "CaseReasons",
    "Consent",
    "HumanitarianCase",
    "BedCount",
    "Referral",
    "ReferralAnswer",
    "ReferralContent",
    "ServiceProfile",
    "PlannedMovement",
    "SeparationAlert",
    "PriorityChange",
    "PriorityRuleSet",
    "Screening",
    "ScreeningDetail",
    "Annotation",
    "AuditCheckpoint",
    "ExchangeLink",
    "InboxEnvelope",
    "InformationAnswer",
    "InformationRequest",
    "OutboxEnvelope",
    "Peer",
    "SeenNonce",
    "SharingAgreement",
    "AlertEntry",
    "IdentityChange",
    "LinkReview",
    "LinkageModel",
    "PersonIdentity",
    "ScreeningDecision",
    "Agency",
    "ApiToken",
    "AuditEntry",
    "Base",
    "CrossingCount",
    "CrossingHour",
    "CrossingPoint",
    "CrossingStatusChange",
    "Event",
    "Facility",
    "FlowAnswer",
    "FlowCell",
    "FlowCount",
    "FlowPoint",
    "IdentityDocument",
    "Observation",
    "Person",
    "PersonGroup",
    "PersonKey",
    "ImpactOverride",
    "Patrol",
    "PatrolAssignment",
    "PatrolFinding",
    "PatrolPoint",
    "PatrolPlan",
    "PatrolUnit",
    "Sector",
    "UserAccount",
]
