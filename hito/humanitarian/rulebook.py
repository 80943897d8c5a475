"""The priority rules in force, loading a new version, and re-deciding every open case.

Versions are kept (``priority_rule_set``); the newest decides. Until an admin loads one, the
rules Hito ships with (``data/rules.yaml``) decide. Loading a version re-decides every open,
screened case in the same transaction and writes the history of each case whose priority or
reasons change; a dry run reports the same changes and writes nothing.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from hito import audit
from hito.auth.scope import Scope
from hito.auth.scoping import unscoped
from hito.db import Base, utcnow
from hito.exc import Conflict
from hito.exchange.canonical import canonical, sha256_hex
from hito.humanitarian.models import (
    CaseNeed,
    CaseReasons,
    CaseStatus,
    HumanitarianCase,
    Priority,
    PriorityChange,
    PriorityRuleSet,
    Screening,
    ScreeningDetail,
)
from hito.humanitarian.rules import (
    FACTS,
    RuleSet,
    RuleSetDocument,
    default_rules_text,
    parse_rule_set,
)
from hito.pagination import by_id_chunks

DETAIL_FACTS = tuple(name for name in FACTS if name not in {"age", "age_uncertainty"})

_compiled: dict[str, RuleSet] = {}


def _table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


def _rule_set(document_json: str, sha256: str) -> RuleSet:
    rules = _compiled.get(sha256)
    if rules is None:
        rules = RuleSet(RuleSetDocument.model_validate(json.loads(document_json)))
        _compiled[sha256] = rules
    return rules


def shipped() -> RuleSet:
    document = parse_rule_set(default_rules_text())
    body = canonical(document.model_dump(mode="json"))
    return _rule_set(body.decode(), sha256_hex(body))


def current(session: Session) -> RuleSet:
    row = session.scalar(select(PriorityRuleSet).order_by(PriorityRuleSet.version.desc()).limit(1))
    return shipped() if row is None else _rule_set(row.document, row.sha256)


def stored_versions(session: Session) -> list[PriorityRuleSet]:
    return list(session.scalars(select(PriorityRuleSet).order_by(PriorityRuleSet.version)))


@dataclass
class Redecision:
    case_id: int
    version: int  # the case's version as read: the write checks it (optimistic lock)
    previous: Priority
    priority: Priority
    reasons: str
    needs: frozenset[str]
    vulnerable: bool


def redecide(session: Session, rules: RuleSet) -> tuple[int, list[Redecision]]:
    """(open screened cases, those whose priority or reasons these rules change)."""
    detail = [getattr(ScreeningDetail, name) for name in DETAIL_FACTS]
    query = (
        select(
            HumanitarianCase.id,
            HumanitarianCase.version,
            HumanitarianCase.priority,
            Screening.age_years,
            Screening.age_uncertainty_years,
            CaseReasons.reasons,
            *detail,
        )
        .join(Screening, Screening.id == HumanitarianCase.latest_screening_id)
        .outerjoin(ScreeningDetail, ScreeningDetail.screening_id == Screening.id)
        .outerjoin(CaseReasons, CaseReasons.case_id == HumanitarianCase.id)
        .where(HumanitarianCase.status == CaseStatus.open)
    )
    count = 0
    changes: list[Redecision] = []
    with unscoped(session):
        rows = session.execute(query)
        for case_id, version, priority, age, uncertainty, old_reasons, *values in rows:
            count += 1
            facts: dict[str, Any] = dict(zip(DETAIL_FACTS, values, strict=True))
            facts["age"] = age
            facts["age_uncertainty"] = uncertainty
            decision = rules.decide(facts)
            reasons = json.dumps(list(decision.reasons), ensure_ascii=False)
            if decision.priority is not Priority(priority) or reasons != old_reasons:
                changes.append(
                    Redecision(
                        case_id=case_id,
                        version=version,
                        previous=Priority(priority),
                        priority=decision.priority,
                        reasons=reasons,
                        needs=frozenset(n.value for n in decision.needs),
                        vulnerable=decision.vulnerable,
                    )
                )
    return count, changes


def _write(session: Session, changes: list[Redecision], version: int) -> None:
    if not changes:
        return
    table = _table(HumanitarianCase)
    result = session.execute(
        update(table)
        .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version"))
        .values(
            priority=bindparam("b_priority"),
            priority_rank=bindparam("b_rank"),
            vulnerable=bindparam("b_vulnerable"),
            version=table.c.version + 1,
            updated_at=utcnow(),
        ),
        [
            {
                "b_id": c.case_id,
                "b_version": c.version,
                "b_priority": c.priority.value,
                "b_rank": c.priority.rank,
                "b_vulnerable": c.vulnerable,
            }
            for c in changes
        ],
    )
    multi = session.get_bind().dialect.supports_sane_multi_rowcount
    if multi and result.rowcount != len(changes):  # type: ignore[attr-defined]
        raise Conflict(
            "cases were screened while the rules were being applied: load the rules again "
            "(nothing was changed)"
        )
    reasons = _table(CaseReasons)
    session.execute(
        update(reasons)
        .where(reasons.c.case_id == bindparam("b_id"))
        .values(reasons=bindparam("b_reasons")),
        [{"b_id": c.case_id, "b_reasons": c.reasons} for c in changes],
    )
    ids = [c.case_id for c in changes]
    needs = _table(CaseNeed)
    for start in range(0, len(ids), 900):
        session.execute(delete(needs).where(needs.c.case_id.in_(ids[start : start + 900])))
    rows = [{"case_id": c.case_id, "need": n} for c in changes for n in sorted(c.needs)]
    if rows:
        session.execute(insert(needs), rows)
    now = utcnow()
    session.execute(
        insert(_table(PriorityChange)),
        [
            {
                "case_id": c.case_id,
                "at": now,
                "priority": c.priority.value,
                "previous": c.previous.value,
                "reasons": c.reasons,
                "rule_set_version": version,
                "cause": "rules",
            }
            for c in changes
        ],
    )


def _publish_open_cases(session: Session, *, node: str, chunk: int = 2000) -> None:
    """The bulk writes above bypass the ORM: send every re-decided case's new version to the
    peers the agreement lets it go to (nothing to do without a peer)."""
    from hito.exchange.outbox import peer_codes, publish
    from hito.exchange.registry import registry

    if not peer_codes(session):
        return
    record_type = registry()["humanitarian_case"]
    session.expire_all()
    redecided = select(HumanitarianCase).where(
        HumanitarianCase.origin_node == node,
        HumanitarianCase.status == CaseStatus.open,
        HumanitarianCase.latest_screening_id.is_not(None),
    )
    with unscoped(session):
        for cases in by_id_chunks(session, redecided, size=chunk):
            publish(session, record_type, cases, node=node)


@dataclass
class LoadReport:
    version: int
    sha256: str
    loaded: bool
    open_cases: int
    changes: list[Redecision]
    seconds: float


def load(
    session: Session, *, scope: Scope, document: RuleSetDocument, dry_run: bool = False
) -> LoadReport:
    """Store a new version and re-decide every open case (or, dry, only say what would change)."""
    scope.require("admin")
    started = time.perf_counter()
    body = canonical(document.model_dump(mode="json"))
    digest = sha256_hex(body)
    same = session.get(PriorityRuleSet, document.version)
    if same is not None:
        if same.sha256 != digest:
            raise Conflict(
                f"version {document.version} is already loaded with other rules "
                f"(SHA-256 {same.sha256[:16]}…): give the new rules a new version"
            )
        return LoadReport(document.version, digest, False, 0, [], 0.0)
    newest = session.scalar(
        select(PriorityRuleSet.version).order_by(PriorityRuleSet.version.desc())
    )
    if newest is not None and document.version < newest:
        raise Conflict(f"version {document.version} is older than the rules in force ({newest})")
    rules = _rule_set(body.decode(), digest)
    session.expire_all()  # the bulk work below reads and writes past the identity map
    count, changes = redecide(session, rules)
    if not dry_run:
        session.add(
            PriorityRuleSet(
                version=document.version,
                title=document.title,
                document=body.decode(),
                sha256=digest,
                loaded_by=scope.username,
            )
        )
        _write(session, changes, document.version)
        table = _table(HumanitarianCase)
        session.execute(
            update(table)
            .where(
                table.c.status == CaseStatus.open.value, table.c.latest_screening_id.is_not(None)
            )
            .values(rule_set_version=document.version, version=table.c.version + 1)
        )
        _publish_open_cases(session, node=scope.node)
        audit.record(
            session,
            scope=scope,
            action="humanitarian.rules.load",
            object_type="priority_rule_set",
            object_ids=[document.version],
            detail={"sha256": digest, "open_cases": count, "changed": len(changes)},
        )
    return LoadReport(
        document.version, digest, not dry_run, count, changes, time.perf_counter() - started
    )
