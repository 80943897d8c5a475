"""The humanitarian plan for extremely vulnerable people: consent, screening, explained
priorities kept as data, and the caseworker's queue."""

from hito.humanitarian.identities import (
    Disagreement,
    Merge,
    follow_identities,
    linkage_disagreements,
)
from hito.humanitarian.models import (
    CaseStatus,
    ChildStatus,
    ConsentedPart,
    HumanitarianCase,
    Illness,
    Need,
    NotScreenedReason,
    Priority,
    ShareWith,
)
from hito.humanitarian.rulebook import LoadReport
from hito.humanitarian.rulebook import current as current_rules
from hito.humanitarian.rulebook import load as load_rules
from hito.humanitarian.rules import RuleSetError, default_rules_text, parse_rule_set
from hito.humanitarian.service import (
    close_case,
    group_unscreened,
    mark_not_screened,
    person_of,
    record_consent,
    record_screening,
    reopen_case,
)
from hito.humanitarian.views import consent_public, get_case, queue, screening_public

__all__ = [
    "CaseStatus",
    "ChildStatus",
    "ConsentedPart",
    "HumanitarianCase",
    "Illness",
    "LoadReport",
    "Disagreement",
    "Merge",
    "Need",
    "NotScreenedReason",
    "Priority",
    "RuleSetError",
    "ShareWith",
    "close_case",
    "consent_public",
    "current_rules",
    "default_rules_text",
    "follow_identities",
    "get_case",
    "group_unscreened",
    "linkage_disagreements",
    "load_rules",
    "mark_not_screened",
    "parse_rule_set",
    "person_of",
    "queue",
    "record_consent",
    "record_screening",
    "reopen_case",
    "screening_public",
]
