"""Is this document valid? One entry point, `check_document`, for every document type."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hito.identity.documents import mrz
from hito.identity.documents.mrz import MrzError, MrzReading
from hito.identity.documents.national import (
    DocumentInvalid,
    chile_run,
    colombia_cedula,
    passport_number,
    peru_ce,
    peru_dni,
    venezuela_cedula,
)
from hito.identity.documents.types import DocumentType

__all__ = [
    "CHECKED",
    "DocumentCheck",
    "DocumentType",
    "MrzError",
    "MrzReading",
    "check_document",
    "mrz",
]

_NATIONAL: dict[DocumentType, Callable[[str], str]] = {
    DocumentType.cl_run: chile_run,
    DocumentType.pe_dni: peru_dni,
    DocumentType.pe_ce: peru_ce,
    DocumentType.ve_cedula: venezuela_cedula,
    DocumentType.co_cedula: colombia_cedula,
    DocumentType.passport: passport_number,
}
# Types whose numbers carry something to check; the others are stored as given.
CHECKED = frozenset(_NATIONAL) | {DocumentType.mrz}


@dataclass(frozen=True)
class DocumentCheck:
    type: DocumentType
    valid: bool
    normalized: str | None
    reason: str | None = None
    field: str | None = None  # which part failed: number, check_digit, or an MRZ field
    mrz: MrzReading | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type.value,
            "valid": self.valid,
            "normalized": self.normalized,
            "reason": self.reason,
            "field": self.field,
            "mrz": self.mrz.to_dict() if self.mrz else None,
        }


def _check_mrz(value: str) -> DocumentCheck:
    try:
        reading = mrz.parse(value)
    except MrzError as error:
        return DocumentCheck(DocumentType.mrz, False, None, str(error), "format")
    if reading.valid:
        return DocumentCheck(DocumentType.mrz, True, reading.document_number, mrz=reading)
    if reading.failed:
        first = reading.failed[0]
        reason = "; ".join(
            f"{c.field.replace('_', ' ')} check digit is {c.found}, expected {c.expected}"
            for c in reading.failed
        )
        return DocumentCheck(DocumentType.mrz, False, None, reason, first.field, reading)
    return DocumentCheck(
        DocumentType.mrz, False, None, "; ".join(reading.problems), "format", reading
    )


def check_document(type: DocumentType | str, value: str) -> DocumentCheck:
    """The normalised value of a document number, or the precise reason it is not valid.
    Types without a check (`other`) come back valid and trimmed."""
    doc_type = DocumentType(type)
    if doc_type is DocumentType.mrz:
        return _check_mrz(value)
    validate = _NATIONAL.get(doc_type)
    if validate is None:
        return DocumentCheck(doc_type, True, value.strip())
    try:
        return DocumentCheck(doc_type, True, validate(value))
    except DocumentInvalid as error:
        return DocumentCheck(doc_type, False, None, error.reason, error.field)
