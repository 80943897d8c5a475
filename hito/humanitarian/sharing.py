"""Referrals across the border and their answers, as the exchange carries them.

A referral to a service on the other side is the referring node's record: it travels with the
parts of the case the person consented to share (``shared``, a health and protection detail the
agreement may give only to humanitarian audiences). The receiving service answers with a
``referral_answer``, its own record, which travels back; the referring node applies it to its
referral, whose new state then travels to the other side again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, select

from hito import audit
from hito.auth.scope import unrestricted
from hito.auth.scoping import unscoped
from hito.exchange.registry import ApplyContext, RecordType, WireField, register
from hito.exchange.wire import WireTime, iso, uids_of
from hito.fields import GlobalId
from hito.humanitarian.models import (
    AlertState,
    BedCategory,
    CaseNeed,
    CaseReasons,
    CaseStatus,
    HumanitarianCase,
    Need,
    Priority,
    Referral,
    ReferralAnswer,
    ReferralContent,
    ReferralState,
    SeparationAlert,
    SeparationOutcome,
    ServiceKind,
)
from hito.humanitarian.views import sector_codes
from hito.people.models import Person, PersonGroup
from hito.places.models import Facility, Sector
from hito.text import Line, Text


class ReferralWire(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case: GlobalId | None = None
    facility: GlobalId | None = None
    service: ServiceKind | None = None
    state: ReferralState | None = None
    deadline: WireTime | None = None
    referred_at: WireTime | None = None
    referred_by: Line | None = Field(None, max_length=100)
    answered_at: WireTime | None = None
    answer_reason: Text | None = Field(None, max_length=1000)
    bed_category: BedCategory | None = None
    bed_held_until: WireTime | None = None
    shared: dict[str, Any] | None = None
    note: Text = Field("", max_length=1000)


class ReferralRecords(RecordType):
    name = "referral"
    model = Referral
    fields = {
        "case": WireField(),
        "facility": WireField(link="facility"),
        "service": WireField(),
        "state": WireField(),
        "deadline": WireField(),
        "referred_at": WireField(),
        "referred_by": WireField(blank=""),
        "answered_at": WireField(),
        "answer_reason": WireField(protection=True),
        "bed_category": WireField(),
        "bed_held_until": WireField(),
        "shared": WireField(protection=True, blank={}),
        "note": WireField(protection=True, blank=""),
    }
    structural = frozenset({"case", "facility", "service", "state", "deadline", "referred_at"})
    wire = ReferralWire
    leaves_when = "across"

    def to_wire(self, session: Any, records: Sequence[Any]) -> list[dict[str, Any]]:
        facilities = uids_of(session, Facility, (r.facility_id for r in records))
        with unscoped(session):  # the agreement, not the flushing user, decides what goes
            contents = {
                c.referral_id: c
                for c in session.scalars(
                    select(ReferralContent).where(
                        ReferralContent.referral_id.in_([r.id for r in records])
                    )
                )
            }
        out = []
        for r in records:
            content = contents.get(r.id)
            out.append(
                {
                    "case": r.case_uid,
                    "facility": facilities.get(r.facility_id),
                    "service": r.service.value,
                    "state": r.state.value,
                    "deadline": iso(r.deadline),
                    "referred_at": iso(r.referred_at),
                    "referred_by": r.referred_by,
                    "answered_at": iso(r.answered_at),
                    "answer_reason": content.answer_reason if content else None,
                    "bed_category": r.bed_category.value if r.bed_category else None,
                    "bed_held_until": iso(r.bed_held_until),
                    "shared": json.loads(content.shared) if content else {},
                    "note": content.note if content else "",
                }
            )
        return out

    def columns(self, record: dict[str, Any], context: ApplyContext, uid: str) -> dict[str, Any]:
        facility = context.local_ids("facility", [record["facility"]]).get(record["facility"])
        if facility is None:
            raise ValueError(f"a referral to facility {record['facility']}, unknown on this node")
        return {
            "case_id": None,
            "case_uid": record["case"],
            "facility_id": facility,
            "across": True,
            "service": record["service"],
            "state": record["state"],
            "consent_id": None,
            "deadline": record["deadline"],
            "referred_at": record["referred_at"],
            "referred_by": record.get("referred_by") or "",
            "answered_at": record.get("answered_at"),
            "escalated_at": None,
            "bed_category": record.get("bed_category"),
            "bed_held_until": record.get("bed_held_until"),
            "bed_released_at": None,
        }

    def after_store(self, context: ApplyContext, uids: set[str]) -> None:
        """What was shared with the receiving service: a protected detail here as there."""
        session = context.session
        ids = context.local_ids(self.name, uids)
        if not ids:
            return
        session.execute(
            delete(ReferralContent).where(ReferralContent.referral_id.in_(ids.values()))
        )
        for uid, record in context.records(self.name, uids):
            if uid in ids:
                session.add(
                    ReferralContent(
                        referral_id=ids[uid],
                        shared=json.dumps(record.get("shared") or {}, ensure_ascii=False),
                        note=record.get("note") or "",
                        answer_reason=record.get("answer_reason"),
                    )
                )
        session.flush()


class ReferralAnswerWire(BaseModel):
    model_config = ConfigDict(extra="forbid")

    referral: GlobalId | None = None
    action: str | None = Field(None, pattern=r"^(accept|decline|complete)$")
    reason: Text = Field("", max_length=1000)
    answered_by: Line | None = Field(None, max_length=100)
    answered_at: WireTime | None = None


class ReferralAnswerRecords(RecordType):
    name = "referral_answer"
    model = ReferralAnswer
    fields = {
        "referral": WireField(),
        "action": WireField(),
        "reason": WireField(blank="", protection=True),
        "answered_by": WireField(blank=""),
        "answered_at": WireField(),
    }
    structural = frozenset({"referral", "action", "answered_at"})
    wire = ReferralAnswerWire

    def to_wire(self, session: Any, records: Sequence[Any]) -> list[dict[str, Any]]:
        return [
            {
                "referral": a.referral_uid,
                "action": a.action,
                "reason": a.reason,
                "answered_by": a.answered_by,
                "answered_at": iso(a.answered_at),
            }
            for a in records
        ]

    def columns(self, record: dict[str, Any], context: ApplyContext, uid: str) -> dict[str, Any]:
        return {
            "referral_uid": record["referral"],
            "action": record["action"],
            "reason": record.get("reason", ""),
            "answered_by": record.get("answered_by") or "",
            "answered_at": record["answered_at"],
        }

    def after_store(self, context: ApplyContext, uids: set[str]) -> None:
        """An answer to one of this node's referrals changes the referral here (and its new
        state travels back); one that no longer fits its state is kept and audited, not applied."""
        from hito.exc import HitoError
        from hito.humanitarian.referrals import apply_answer

        session = context.session
        scope = unrestricted(context.node)
        with unscoped(session):
            for uid, record in context.records(self.name, uids):
                referral = session.scalar(
                    select(Referral).where(
                        Referral.uid == record["referral"],
                        Referral.origin_node == context.node,
                        Referral.across.is_(True),  # only the other side's service answers
                    )
                )
                if referral is None:
                    continue
                try:
                    apply_answer(
                        session,
                        scope=scope,
                        referral=referral,
                        action=record["action"],
                        reason=record.get("reason", ""),
                        now=record["answered_at"],
                    )
                except HitoError as error:
                    audit.record(
                        session,
                        scope=scope,
                        action="humanitarian.referral.answer_refused",
                        object_type="referral",
                        object_ids=[referral.uid],
                        detail={"answer": uid, "why": error.detail},
                    )
            session.flush()


class SeparationAlertWire(BaseModel):
    model_config = ConfigDict(extra="forbid")

    group: GlobalId | None = None
    moving: list[GlobalId] = Field(default_factory=list, max_length=200)
    staying: list[GlobalId] = Field(default_factory=list, max_length=200)
    children_separated: bool | None = None
    state: AlertState | None = None
    raised_at: WireTime | None = None
    outcome: SeparationOutcome | None = None
    resolved_at: WireTime | None = None


class SeparationAlertRecords(RecordType):
    """A separation alert, so that the other side's supervisors and caseworkers see it too:
    global ids only (the encounters and the group), never a name; the resolution's text stays
    with the node that resolved it."""

    name = "separation_alert"
    model = SeparationAlert
    fields = {
        "group": WireField(link="group", column="group_id"),
        "moving": WireField(blank=[]),
        "staying": WireField(blank=[]),
        "children_separated": WireField(blank=False),
        "state": WireField(),
        "raised_at": WireField(),
        "outcome": WireField(),
        "resolved_at": WireField(),
    }
    structural = frozenset({"group", "moving", "staying", "state", "raised_at"})
    wire = SeparationAlertWire

    def to_wire(self, session: Any, records: Sequence[Any]) -> list[dict[str, Any]]:
        return [
            {
                "group": a.group_uid,
                "moving": a.moving_uids.split(),
                "staying": a.staying_uids.split(),
                "children_separated": a.children_separated,
                "state": a.state.value,
                "raised_at": iso(a.raised_at),
                "outcome": a.outcome.value if a.outcome else None,
                "resolved_at": iso(a.resolved_at),
            }
            for a in records
        ]

    def columns(self, record: dict[str, Any], context: ApplyContext, uid: str) -> dict[str, Any]:
        session = context.session
        group = context.link(
            record_type=self.name, uid=uid, field_name="group", target_type="group",
            target=record["group"],
        )  # fmt: skip
        with unscoped(session):
            held = dict(
                session.execute(
                    select(Person.uid, Person.id).where(
                        Person.uid.in_([*record.get("moving", []), *record.get("staying", [])])
                    )
                ).all()
            )
        return {
            "group_id": group,
            "group_uid": record["group"],
            "movement_id": None,
            "moving": " ".join(str(held[u]) for u in record.get("moving", []) if u in held),
            "staying": " ".join(str(held[u]) for u in record.get("staying", []) if u in held),
            "moving_uids": " ".join(record.get("moving", [])),
            "staying_uids": " ".join(record.get("staying", [])),
            "children_separated": bool(record.get("children_separated")),
            "state": record["state"],
            "raised_at": record["raised_at"],
            "outcome": record.get("outcome"),
            "resolution": None,
            "resolved_at": record.get("resolved_at"),
            "resolved_by": None,
        }


class CaseWire(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person: GlobalId | None = None
    group: GlobalId | None = None
    sector: Line | None = Field(None, max_length=32)
    status: CaseStatus | None = None
    priority: Priority | None = None
    needs: list[Need] = Field(default_factory=list, max_length=len(Need))
    vulnerable: bool | None = None
    opened_at: WireTime | None = None
    closed_at: WireTime | None = None
    closure_reason: Text | None = Field(None, max_length=500)
    reasons: list[dict[str, str]] = Field(default_factory=list, max_length=100)
    rule_set_version: int | None = Field(None, ge=1, le=1_000_000)


class CaseRecords(RecordType):
    """A case follows the person across the line: the other side's caseworkers see its
    priority, needs and (a protection detail) the reasons, and can pick it up there."""

    name = "humanitarian_case"
    model = HumanitarianCase
    fields = {
        "person": WireField(link="person", column="person_id"),
        "group": WireField(link="group", column="group_id"),
        "sector": WireField(),
        "status": WireField(),
        "priority": WireField(),
        "needs": WireField(blank=[]),
        "vulnerable": WireField(blank=False),
        "opened_at": WireField(),
        "closed_at": WireField(),
        "closure_reason": WireField(protection=True),
        "reasons": WireField(protection=True, blank=[]),
        "rule_set_version": WireField(),
    }
    structural = frozenset({"person", "status", "priority", "opened_at"})
    wire = CaseWire

    def to_wire(self, session: Any, records: Sequence[Any]) -> list[dict[str, Any]]:
        groups = uids_of(session, PersonGroup, (c.group_id for c in records))
        sectors = sector_codes(session)
        ids = [c.id for c in records]
        with unscoped(session):  # the agreement, not the flushing user, decides what goes
            reasons = dict(
                session.execute(
                    select(CaseReasons.case_id, CaseReasons.reasons).where(
                        CaseReasons.case_id.in_(ids)
                    )
                ).all()
            )
            needs: dict[int, list[str]] = {}
            for case_id, need in session.execute(
                select(CaseNeed.case_id, CaseNeed.need).where(CaseNeed.case_id.in_(ids))
            ):
                needs.setdefault(case_id, []).append(Need(need).value)
        return [
            {
                "person": c.person_uid or None,
                "group": groups.get(c.group_id),
                "sector": sectors.get(c.sector_id),
                "status": c.status.value,
                "priority": c.priority.value,
                "needs": sorted(needs.get(c.id, [])),
                "vulnerable": c.vulnerable,
                "opened_at": iso(c.opened_at),
                "closed_at": iso(c.closed_at),
                "closure_reason": c.closure_reason,
                "reasons": json.loads(reasons.get(c.id) or "[]"),
                "rule_set_version": c.rule_set_version,
            }
            for c in records
        ]

    def columns(self, record: dict[str, Any], context: ApplyContext, uid: str) -> dict[str, Any]:
        link = context.link
        sector = None
        if record.get("sector"):
            sector = context.session.scalar(
                select(Sector.id).where(Sector.code == record["sector"])
            )
        return {
            "person_id": link(record_type=self.name, uid=uid, field_name="person",
                              target_type="person", target=record["person"]),
            "person_uid": record["person"],
            "group_id": link(record_type=self.name, uid=uid, field_name="group",
                             target_type="group", target=record.get("group")),
            "sector_id": sector,
            "status": record["status"],
            "priority": record["priority"],
            "priority_rank": Priority(record["priority"]).rank,
            "vulnerable": bool(record.get("vulnerable")),
            "rule_set_version": record.get("rule_set_version"),
            "latest_screening_id": None,
            "opened_at": record["opened_at"],
            "closed_at": record.get("closed_at"),
            "closure_reason": record.get("closure_reason"),
            "opened_by_id": None,
        }  # fmt: skip

    def after_store(self, context: ApplyContext, uids: set[str]) -> None:
        """The needs, and the reasons (a protection detail here as there)."""
        session = context.session
        ids = context.local_ids(self.name, uids)
        if not ids:
            return
        local = list(ids.values())
        session.execute(delete(CaseNeed).where(CaseNeed.case_id.in_(local)))
        session.execute(delete(CaseReasons).where(CaseReasons.case_id.in_(local)))
        for uid, record in context.records(self.name, uids):
            if uid not in ids:
                continue
            for need in sorted(set(record.get("needs") or [])):
                session.add(CaseNeed(case_id=ids[uid], need=Need(need)))
            session.add(
                CaseReasons(
                    case_id=ids[uid],
                    reasons=json.dumps(record.get("reasons") or [], ensure_ascii=False),
                )
            )
        session.flush()


CASE = register(CaseRecords())
REFERRAL = register(ReferralRecords())
REFERRAL_ANSWER = register(ReferralAnswerRecords())
SEPARATION_ALERT = register(SeparationAlertRecords())
