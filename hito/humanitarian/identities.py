"""Cases follow the person, not the encounter: after a linkage run, the open cases of
encounters the linkage puts in one identity become one case (the oldest), with everything they
held moved to it and the merge recorded. A case is never left pointing at nothing: encounters,
consents, screenings and history all move; the merged case is closed with the reason.

Identity ids are not relied on (a linkage run may renumber them); encounters are.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hito import audit
from hito.auth.scope import Scope
from hito.auth.scoping import unscoped
from hito.db import utcnow
from hito.humanitarian import rulebook
from hito.humanitarian.models import (
    CaseEncounter,
    CaseStatus,
    Consent,
    HumanitarianCase,
    PriorityChange,
    Referral,
    Screening,
)
from hito.humanitarian.service import apply_decision, facts


@dataclass(frozen=True)
class Merge:
    into: int
    merged: tuple[int, ...]
    encounters_added: tuple[int, ...]


@dataclass(frozen=True)
class Disagreement:
    """An open case whose encounters the latest linkage run no longer puts in one identity: the
    case is kept whole (a caseworker decides), and the disagreement is recorded."""

    case_id: int
    identities: tuple[tuple[int, ...], ...]  # the case's encounters, grouped as the run sees them


def linkage_disagreements(session: Session, *, scope: Scope) -> list[Disagreement]:
    """Record (audit) every open case of this node that the latest linkage run would split."""
    from hito.identity import identities

    with unscoped(session):
        identity_of: dict[int, int] = {}
        for identity, members in identities(session).items():
            for member in members:
                identity_of[member] = identity
        encounters: dict[int, list[int]] = {}
        for person_id, case_id in session.execute(
            select(CaseEncounter.person_id, CaseEncounter.case_id)
            .join(HumanitarianCase, HumanitarianCase.id == CaseEncounter.case_id)
            .where(
                HumanitarianCase.status == CaseStatus.open,
                HumanitarianCase.origin_node == scope.node,
            )
        ):
            encounters.setdefault(case_id, []).append(person_id)
    found = []
    for case_id, members in sorted(encounters.items()):
        groups: dict[int, list[int]] = {}
        for member in sorted(members):
            groups.setdefault(identity_of.get(member, -member), []).append(member)
        if len(groups) > 1:
            found.append(Disagreement(case_id, tuple(tuple(g) for g in groups.values())))
    for disagreement in found:
        audit.record(
            session,
            scope=scope,
            action="humanitarian.linkage_disagrees",
            object_type="humanitarian_case",
            object_ids=[disagreement.case_id],
            detail={"identities": [list(g) for g in disagreement.identities]},
        )
    return found


def follow_identities(session: Session, *, scope: Scope) -> list[Merge]:
    """Merge the open cases of each identity the latest linkage run found; add its encounters."""
    from hito.identity import identities

    scope.require("write")
    merges: list[Merge] = []
    with unscoped(session):
        clusters = identities(session)
        if not clusters:
            return merges
        case_of = dict(
            session.execute(
                select(CaseEncounter.person_id, CaseEncounter.case_id)
                .join(HumanitarianCase, HumanitarianCase.id == CaseEncounter.case_id)
                .where(HumanitarianCase.status == CaseStatus.open)
            ).all()
        )
        for members in clusters.values():
            cases = sorted({case_of[m] for m in members if m in case_of})
            if not cases:
                continue
            into, merged = cases[0], tuple(cases[1:])
            loose = tuple(
                m
                for m in members
                if m not in case_of
                and session.get(CaseEncounter, m) is None  # not in a closed case either
            )
            if not merged and not loose:
                continue
            _merge(session, into=into, merged=merged, loose=loose)
            merges.append(Merge(into=into, merged=merged, encounters_added=loose))
            for m in members:
                case_of[m] = into
            for encounter, case_id in list(case_of.items()):  # all of a merged case's encounters
                if case_id in merged:
                    case_of[encounter] = into
    for merge in merges:
        audit.record(
            session,
            scope=scope,
            action="humanitarian.merge",
            object_type="humanitarian_case",
            object_ids=[merge.into, *merge.merged],
            detail={"encounters_added": list(merge.encounters_added)},
        )
    return merges


def _merge(session: Session, *, into: int, merged: tuple[int, ...], loose: tuple[int, ...]) -> None:
    for model in (CaseEncounter, Consent, Screening, PriorityChange, Referral):
        if merged:
            session.execute(
                update(model)
                .where(model.case_id.in_(merged))
                .values(case_id=into)
                .execution_options(synchronize_session=False)
            )
    for person_id in loose:
        session.add(
            CaseEncounter(person_id=person_id, case_id=into, added_because="identity linkage")
        )
    now = utcnow()
    for case_id in merged:
        case = session.get(HumanitarianCase, case_id)
        assert case is not None
        case.status = CaseStatus.closed
        case.closed_at = now
        case.closure_reason = f"merged into case {into}: the same person, by identity linkage"
    session.flush()
    session.expire_all()
    survivor = session.get(HumanitarianCase, into)
    assert survivor is not None
    latest = session.scalar(
        select(Screening)
        .where(Screening.case_id == into, Screening.screened.is_(True))
        .order_by(Screening.screened_at.desc(), Screening.id.desc())
        .limit(1)
    )
    if latest is not None:
        survivor.latest_screening_id = latest.id
        apply_decision(
            session,
            survivor,
            rulebook.current(session).decide(facts(latest, latest.detail)),
            cause="merge",
        )
