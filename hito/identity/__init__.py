"""Immigration verification: document checks, person linkage and alert screening.

The services are loaded on first use: `hito.people` checks documents through
`hito.identity.documents`, and the identity services in turn read persons.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hito.identity.service import validate_document

__all__ = ["validate_document"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from hito.identity import service

        return getattr(service, name)
    raise AttributeError(f"module 'hito.identity' has no attribute {name!r}")
