"""Sharing agreements as data: which fields of which record types go to whom on the other side.

An agreement is a versioned document (YAML or JSON) that both nodes load identically; its
SHA-256, over the canonical JSON of the validated document, lets the two sides compare. For each
record type it lists rules: for these sharing levels, these fields, to this audience. Defaults
protect people: without an agreement nothing leaves; ``national`` records never leave; health and
protection details go only to humanitarian audiences; a record carries only the fields named.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass
from importlib import resources
from typing import Literal, Self, cast

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from hito import audit
from hito.auth.scope import Scope
from hito.datafile import DataFileError, parse_document
from hito.db import Base, utcnow
from hito.exc import Conflict, InvalidInput
from hito.exchange.canonical import canonical, sha256_hex
from hito.exchange.models import SharingAgreement
from hito.exchange.registry import registry
from hito.records import Audience, Scoped, SharingLevel

CODE_PATTERN = r"^[A-Z0-9][A-Z0-9._-]{1,63}$"


class RuleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    levels: list[SharingLevel] = Field(min_length=1)
    audience: Audience
    fields: list[str] = Field(min_length=1)


class AgreementDocument(BaseModel):
    """The document as both parties sign it off."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=CODE_PATTERN)
    version: int = Field(ge=1, le=1_000_000)
    title: str = Field(min_length=1, max_length=300)
    parties: list[Literal["CL", "PE"]] = Field(min_length=2, max_length=2)
    valid_from: AwareDatetime
    valid_to: AwareDatetime
    record_types: dict[str, list[RuleSpec]]
    notes: str = Field("", max_length=4000)

    @model_validator(mode="after")
    def _sound(self) -> Self:
        problems = agreement_problems(self)
        if problems:
            raise ValueError("; ".join(f"{where}: {what}" for where, what in problems))
        return self


def agreement_problems(document: AgreementDocument) -> list[tuple[str, str]]:
    """Every way the document breaks the rules that protect people, with where it does."""
    problems: list[tuple[str, str]] = []
    if sorted(document.parties) != ["CL", "PE"]:
        problems.append(("parties", "an agreement binds the two nodes, CL and PE"))
    if document.valid_to <= document.valid_from:
        problems.append(("valid_to", "must be after valid_from"))
    types = registry()
    for name, rules in document.record_types.items():
        where = f"record_types.{name}"
        record_type = types.get(name)
        if record_type is None:
            known = ", ".join(sorted(types))
            problems.append((where, f"unknown record type {name!r}; known types: {known}"))
            continue
        seen: set[SharingLevel] = set()
        for number, rule in enumerate(rules):
            here = f"{where}[{number}]"
            for level in rule.levels:
                if level is SharingLevel.national:
                    problems.append((f"{here}.levels", "national records never leave their node"))
                elif level in seen:
                    problems.append((f"{here}.levels", f"{level} has more than one rule"))
                seen.add(level)
            unknown = [f for f in rule.fields if f not in record_type.fields]
            if unknown:
                known = ", ".join(record_type.fields)
                problems.append(
                    (f"{here}.fields", f"unknown field(s) {', '.join(unknown)}; known: {known}")
                )
            missing = sorted(record_type.structural - set(rule.fields))
            if missing:
                problems.append(
                    (f"{here}.fields", f"a {name} cannot be shared without {', '.join(missing)}")
                )
            sensitive = sorted(record_type.protection_fields & set(rule.fields))
            if sensitive and rule.audience is not Audience.humanitarian:
                problems.append(
                    (
                        f"{here}.fields",
                        f"{', '.join(sensitive)}: health and protection details go only to "
                        "humanitarian agencies and caseworkers (audience: humanitarian)",
                    )
                )
    return problems


@dataclass(frozen=True)
class Rule:
    audience: Audience
    fields: frozenset[str]


@dataclass(frozen=True)
class Agreement:
    """A loaded agreement, ready to answer "may this record go, and with which fields?"."""

    code: str
    version: int
    sha256: str
    valid_from: dt.datetime
    valid_to: dt.datetime
    document: AgreementDocument

    def rule(self, record_type: str, level: SharingLevel | str) -> Rule | None:
        for spec in self.document.record_types.get(record_type, []):
            if SharingLevel(level) in spec.levels:
                return Rule(audience=spec.audience, fields=frozenset(spec.fields))
        return None

    def in_force(self, at: dt.datetime) -> bool:
        return self.valid_from <= at < self.valid_to


class AgreementError(DataFileError):
    """An agreement file that cannot be loaded; each problem carries its line where known."""


def parse_agreement(text: str) -> AgreementDocument:
    """The validated document from YAML or JSON text, or AgreementError naming every problem."""
    return parse_document(text, AgreementDocument, error=AgreementError, what="an agreement")


def document_json(document: AgreementDocument) -> bytes:
    return canonical(document.model_dump(mode="json"))


_parsed: dict[str, Agreement] = {}


def _agreement(row: SharingAgreement) -> Agreement:
    cached = _parsed.get(row.sha256)
    if cached is None:
        document = AgreementDocument.model_validate(json.loads(row.document))
        cached = Agreement(
            code=row.code,
            version=row.version,
            sha256=row.sha256,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            document=document,
        )
        _parsed[row.sha256] = cached
    return cached


def load_agreement(
    session: Session, *, scope: Scope, document: AgreementDocument
) -> tuple[Agreement, bool]:
    """Store a version of an agreement; (the agreement, whether it was new). Admins only."""
    scope.require("admin")
    body = document_json(document)
    digest = sha256_hex(body)
    same = session.scalar(
        select(SharingAgreement).where(
            SharingAgreement.code == document.code, SharingAgreement.version == document.version
        )
    )
    if same is not None:
        if same.sha256 != digest:
            raise Conflict(
                f"version {document.version} of {document.code} is already loaded with other "
                f"content (SHA-256 {same.sha256[:16]}…): give the new text a new version"
            )
        return _agreement(same), False
    newest = session.scalar(
        select(SharingAgreement.version)
        .where(SharingAgreement.code == document.code)
        .order_by(SharingAgreement.version.desc())
        .limit(1)
    )
    if newest is not None and newest > document.version:
        raise Conflict(f"{document.code} is already at version {newest}; load a later version")
    row = SharingAgreement(
        code=document.code,
        version=document.version,
        sha256=digest,
        document=body.decode(),
        valid_from=document.valid_from,
        valid_to=document.valid_to,
        loaded_by=scope.username,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        scope=scope,
        action="agreement.load",
        object_type="agreement",
        object_ids=[f"{document.code}@{document.version}"],
        detail={"sha256": digest, "valid_from": str(document.valid_from)},
    )
    return _agreement(row), True


def active_agreement(session: Session, *, at: dt.datetime | None = None) -> Agreement | None:
    """The agreement in force now (the latest to take effect), or None: then nothing leaves."""
    now = at or utcnow()
    row = session.scalar(
        select(SharingAgreement)
        .where(SharingAgreement.valid_from <= now, SharingAgreement.valid_to > now)
        .order_by(SharingAgreement.valid_from.desc(), SharingAgreement.version.desc())
        .limit(1)
    )
    return _agreement(row) if row is not None else None


def agreement_by_sha(session: Session, sha256: str) -> Agreement | None:
    row = session.scalar(select(SharingAgreement).where(SharingAgreement.sha256 == sha256).limit(1))
    return _agreement(row) if row is not None else None


def list_agreements(session: Session) -> list[Agreement]:
    rows = session.scalars(
        select(SharingAgreement).order_by(SharingAgreement.code, SharingAgreement.version)
    )
    return [_agreement(row) for row in rows]


def example_agreement() -> str:
    """The demo agreement, a sound starting point (YAML, commented)."""
    return resources.files("hito.exchange").joinpath("data/agreement.example.yaml").read_text()


def require_agreement_text(text: str) -> AgreementDocument:
    """For the API: the same validation, problems as one InvalidInput."""
    try:
        return parse_agreement(text)
    except AgreementError as error:
        raise InvalidInput(
            "the agreement is not valid",
            errors=[
                {"field": where, "message": what + (f" (line {line})" if line else "")}
                for line, where, what in error.problems
            ],
        ) from None


def shared_view(session: Session, scope: Scope) -> Scope:
    """``scope`` narrowed to what both nodes share with every agency under the agreement in
    force: each side computes the same figures from it (the binational briefing)."""
    agreement = active_agreement(session)
    by_type: dict[str, set[str]] = {}
    if agreement is not None:
        for name, specs in agreement.document.record_types.items():
            for spec in specs:
                if spec.audience is Audience.all:
                    by_type.setdefault(name, set()).update(level.value for level in spec.levels)
    tables = {t.table.name: t.name for t in registry().values()}
    levels = []
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        if not issubclass(cls, Scoped):
            continue
        table = cast(Table, mapper.local_table).name
        record_type = tables.get(table) or cls.shared_as
        if record_type in by_type:
            levels.append((table, tuple(sorted(by_type[record_type]))))
    return dataclasses.replace(
        scope, shared_only=True, everything=False, shared_levels=tuple(sorted(levels))
    )
