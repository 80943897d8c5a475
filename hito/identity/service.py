"""Identity services over the database: what the API and the CLI call."""

from __future__ import annotations

from hito.auth.scope import Scope
from hito.identity.documents import check_document
from hito.identity.schemas import DocumentCheckPublic, DocumentValidation


def validate_document(*, scope: Scope, data: DocumentValidation) -> DocumentCheckPublic:
    scope.require("read")
    return DocumentCheckPublic.of(check_document(data.type, data.value).to_dict())
