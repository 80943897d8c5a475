"""Sovereign nodes and the exchange between them.

A node serves one country with its own database and key. What leaves it is decided by the sharing
agreement in force (``agreements``), written in the same transaction as the change it carries
(``outbox``), signed and delivered by push and pull (``delivery``, ``transport``), applied by the
peer in order, once, within its own copy of the agreement (``inbox``). Record types are a
registry each capability adds to (``registry``, ``hito.record_types``).
"""

from hito.exchange.agreements import (
    Agreement,
    AgreementDocument,
    AgreementError,
    active_agreement,
    example_agreement,
    parse_agreement,
)
from hito.exchange.keys import KeyFileError, NodeKey, create_key, read_key
from hito.exchange.registry import RecordType, registry
from hito.exchange.service import (
    adopt_agreement,
    agreements_public,
    current_document,
    introduce,
    node_status,
    register_peer,
)

__all__ = [
    "Agreement",
    "AgreementDocument",
    "AgreementError",
    "KeyFileError",
    "NodeKey",
    "RecordType",
    "active_agreement",
    "adopt_agreement",
    "agreements_public",
    "create_key",
    "current_document",
    "example_agreement",
    "introduce",
    "node_status",
    "parse_agreement",
    "read_key",
    "register_peer",
    "registry",
]
