"""Requests for information and their answers as the exchange carries them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hito.exchange.registry import ApplyContext, RecordType, WireField, register
from hito.exchange.wire import AgencyCode, WireTime, codes, iso
from hito.fields import GlobalId
from hito.rfi.models import AnswerKind, InformationAnswer, InformationRequest, SubjectKind
from hito.rfi.schemas import RecordRef, Subject
from hito.text import Text


class RequestWire(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target_node: str | None = Field(None, pattern=r"^(CL|PE)$")
    subject_kind: SubjectKind | None = None
    subject: Subject | None = None
    reason: Text | None = Field(None, max_length=2000)
    deadline: WireTime | None = None
    requesting_agency: AgencyCode | None = None


class AnswerWire(BaseModel):
    model_config = ConfigDict(extra="forbid")

    request: GlobalId | None = None
    kind: AnswerKind | None = None
    text: Text = Field("", max_length=4000)
    records: list[RecordRef] = Field(default_factory=list, max_length=50)
    answering_agency: AgencyCode | None = None


class RequestRecords(RecordType):
    name = "information_request"
    model = InformationRequest
    fields = {
        "target_node": WireField(),
        "subject_kind": WireField(),
        "subject": WireField(),
        "reason": WireField(),
        "deadline": WireField(),
        "requesting_agency": WireField(),
    }
    structural = frozenset(fields)
    wire = RequestWire

    def to_wire(self, session: Any, records: Sequence[Any]) -> list[dict[str, Any]]:
        lookup = codes(session)
        return [
            {
                "target_node": r.target_node,
                "subject_kind": r.subject_kind.value,
                "subject": json.loads(r.subject),
                "reason": r.reason,
                "deadline": iso(r.deadline),
                "requesting_agency": lookup.agency(r.requesting_agency_id),
            }
            for r in records
        ]

    def columns(self, record: dict[str, Any], context: ApplyContext, uid: str) -> dict[str, Any]:
        if record["target_node"] != context.node:
            raise ValueError(f"a request addressed to {record['target_node']}, not to this node")
        subject = Subject.model_validate(record["subject"]).model_dump(exclude_none=True)
        return {
            "target_node": record["target_node"],
            "subject_kind": record["subject_kind"],
            "subject": json.dumps(subject, ensure_ascii=False, sort_keys=True),
            "reason": record["reason"],
            "deadline": record["deadline"],
            "requesting_agency_id": codes(context.session).agency_id(record["requesting_agency"]),
            "requested_by_id": None,
        }


class AnswerRecords(RecordType):
    name = "information_answer"
    model = InformationAnswer
    fields = {
        "request": WireField(link="information_request"),
        "kind": WireField(),
        "text": WireField(blank=""),
        "records": WireField(blank=[]),
        "answering_agency": WireField(),
    }
    structural = frozenset({"request", "kind", "answering_agency"})
    wire = AnswerWire

    def to_wire(self, session: Any, records: Sequence[Any]) -> list[dict[str, Any]]:
        lookup = codes(session)
        return [
            {
                "request": a.request_uid,
                "kind": a.kind.value,
                "text": a.text,
                "records": json.loads(a.records),
                "answering_agency": lookup.agency(a.answering_agency_id),
            }
            for a in records
        ]

    def columns(self, record: dict[str, Any], context: ApplyContext, uid: str) -> dict[str, Any]:
        if record["request"] not in context.local_ids("information_request", [record["request"]]):
            raise ValueError(f"an answer to request {record['request']}, unknown on this node")
        return {
            "request_uid": record["request"],
            "kind": record["kind"],
            "text": record.get("text", ""),
            "records": json.dumps([dict(r) for r in record.get("records", [])], ensure_ascii=False),
            "answering_agency_id": codes(context.session).agency_id(record["answering_agency"]),
            "answered_by_id": None,
        }


REQUEST = register(RequestRecords())
ANSWER = register(AnswerRecords())
