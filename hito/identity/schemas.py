from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from hito.fields import INPUT
from hito.identity.documents.types import DocumentType
from hito.text import Text


class DocumentValidation(BaseModel):
    model_config = INPUT

    type: DocumentType = Field(description="cl-run, pe-dni, pe-ce, ve-cedula, co-cedula, mrz…")
    value: Text = Field(
        min_length=1,
        max_length=200,
        description="The number as written; for `mrz`, the two or three lines",
        examples=["12.345.678-5"],
    )


class MrzCheckPublic(BaseModel):
    field: str
    found: str
    expected: str
    ok: bool


class MrzPublic(BaseModel):
    format: str = Field(description="TD1, TD2 or TD3")
    document_code: str
    issuing_state: str
    document_number: str
    primary_identifier: str = Field(description="Surnames")
    secondary_identifier: str = Field(description="Given names")
    nationality: str
    birth_date: str | None
    sex: str
    expiry_date: str | None
    optional_data: list[str]
    checks: list[MrzCheckPublic]
    problems: list[str]
    valid: bool


class DocumentCheckPublic(BaseModel):
    type: DocumentType
    valid: bool
    normalized: str | None = Field(description="The normalised number, when valid")
    reason: str | None = Field(description="Why it is not valid: which digit, which field")
    field: str | None = Field(description="The part that failed: number, check_digit, an MRZ field")
    mrz: MrzPublic | None = Field(None, description="What the machine-readable zone says")

    @classmethod
    def of(cls, data: dict[str, Any]) -> DocumentCheckPublic:
        return cls.model_validate(data)
