"""Immigration verification: document checks, person linkage and alert screening.

The services are loaded on first use: `hito.people` checks documents through
`hito.identity.documents`, and the identity services in turn read persons.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hito.identity.alerts import decide as decide_screening
    from hito.identity.alerts import load_alerts
    from hito.identity.alerts import screen as screen_person
    from hito.identity.matching import (
        decide_review,
        get_review,
        identities,
        identity_members,
        link_persons,
        list_reviews,
        possible_matches,
        same_person,
    )
    from hito.identity.service import validate_document

_SERVICES = {
    "validate_document": ("hito.identity.service", "validate_document"),
    "screen_person": ("hito.identity.alerts", "screen"),
    "decide_screening": ("hito.identity.alerts", "decide"),
    "load_alerts": ("hito.identity.alerts", "load_alerts"),
    "link_persons": ("hito.identity.matching", "link_persons"),
    "same_person": ("hito.identity.matching", "same_person"),
    "identities": ("hito.identity.matching", "identities"),
    "possible_matches": ("hito.identity.matching", "possible_matches"),
    "list_reviews": ("hito.identity.matching", "list_reviews"),
    "decide_review": ("hito.identity.matching", "decide_review"),
    "get_review": ("hito.identity.matching", "get_review"),
    "identity_members": ("hito.identity.matching", "identity_members"),
}
__all__ = [
    "decide_review",
    "get_review",
    "identity_members",
    "decide_screening",
    "identities",
    "link_persons",
    "list_reviews",
    "load_alerts",
    "possible_matches",
    "same_person",
    "screen_person",
    "validate_document",
]


def __getattr__(name: str) -> Any:
    if name in _SERVICES:
        module, attribute = _SERVICES[name]
        return getattr(import_module(module), attribute)
    raise AttributeError(f"module 'hito.identity' has no attribute {name!r}")
