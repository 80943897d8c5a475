from __future__ import annotations

from fastapi import APIRouter

from hito import identity
from hito.identity.schemas import DocumentCheckPublic, DocumentValidation
from hito.web.deps import CurrentScope
from hito.web.problems import documented

router = APIRouter(prefix="/identity", tags=["identity"])


@router.post(
    "/documents/validate",
    response_model=DocumentCheckPublic,
    responses=documented(400, 401, 413, 422),
)
def validate_document(data: DocumentValidation, scope: CurrentScope) -> DocumentCheckPublic:
    """Is this document number valid? The normalised value, or which digit or field is wrong.
    An invalid number is a normal answer (200, `valid: false`), not an error."""
    return identity.validate_document(scope=scope, data=data)
