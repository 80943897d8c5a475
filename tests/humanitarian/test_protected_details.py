"""Health and protection details are hidden by the session itself, whatever the query, and
every read of them is audited at commit; the encounter words of the single-record era become
screenings by migration 0004."""

from __future__ import annotations

import dataclasses

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from hito.agencies.models import AgencyKind
from hito.audit.models import AuditEntry
from hito.auth.models import Role
from hito.auth.scope import unrestricted
from hito.auth.scoping import bind, unscoped
from hito.humanitarian.models import CaseReasons, PriorityChange, Screening, ScreeningDetail
from tests.humanitarian.test_cases_api import Login, _person, _screen


def _scope(agency_kind: AgencyKind, roles: set[Role], username: str):  # type: ignore[no-untyped-def]
    return dataclasses.replace(
        unrestricted("CL"),
        username=username,
        agency_kind=agency_kind,
        roles=frozenset(roles),
        everything=False,
    )


def test_no_query_of_a_police_session_returns_details(
    login: Login, sessions: sessionmaker[Session]
) -> None:
    oim = login("cl.oim")
    _screen(oim, _person(oim, protection=None), {"trafficking": True, "notes": "captada en Tacna"})
    police = _scope(AgencyKind.police, {Role.supervisor}, "carabinero")
    caseworker = _scope(AgencyKind.humanitarian, {Role.caseworker}, "oim.tacna")
    with sessions() as session:
        bind(session, police)
        assert session.scalars(select(ScreeningDetail)).all() == []
        assert session.execute(select(ScreeningDetail.notes)).all() == []
        assert session.scalar(select(func.count()).select_from(ScreeningDetail)) == 0
        assert session.scalars(select(CaseReasons)).all() == []
        assert session.scalars(select(PriorityChange)).all() == []
        # through a join and a relationship load alike
        joined = session.execute(
            select(Screening.id, ScreeningDetail.notes).join(ScreeningDetail)
        ).all()
        assert joined == []
        (screening,) = session.scalars(select(Screening)).all()
        assert screening.detail is None
        session.commit()
    with sessions() as session:
        bind(session, caseworker)
        (screening,) = session.scalars(select(Screening)).all()
        assert screening.detail is not None and screening.detail.notes == "captada en Tacna"
        session.commit()
    with sessions() as session, unscoped(session):
        readers = session.execute(
            select(AuditEntry.actor, AuditEntry.object_type, AuditEntry.object_ids).where(
                AuditEntry.action == "protection.read"
            )
        ).all()
    assert ("oim.tacna", "screening_detail", str(screening.id)) in readers
    assert all(actor != "carabinero" for actor, _, _ in readers)


def test_encounter_words_become_screenings_by_migration(fresh_url: str) -> None:
    from hito.db import make_engine
    from hito.migrate import upgrade
    from tests.test_storage import _stored_time

    upgrade(fresh_url, "0003")
    engine = make_engine(fresh_url)
    t = {"t": _stored_time(fresh_url)}
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO agency (id, code, name, name_en, country, kind) "
                "VALUES (1, 'CL-PDI', 'PDI', 'PDI', 'CL', 'investigations')"
            )
        )
        for pid, words, notes, audience, birth in [
            (1, "pregnant serious_illness", "quimio interrumpida", None, None),
            (2, "unaccompanied_minor", "", None, "2010-01-01"),
            (3, "", "", None, None),  # nothing noted: no case
            (4, "pregnant", "recibida", "humanitarian", None),  # the peer's to screen
            (5, "elderly", "", None, None),
        ]:
            c.execute(
                text(
                    "INSERT INTO person (id, uid, given_names, sex, encountered_at, "
                    "reporting_agency_id, vulnerabilities, protection_notes, origin_node, "
                    "audience, version, sharing_level, created_at, updated_at, birth_date, "
                    "birth_date_precision) VALUES (:id, :uid, 'X', 'female', :t, 1, :w, :n, "
                    ":o, :a, 1, 'humanitarian', :t, :t, :b, :p)"
                ),
                {
                    **t,
                    "id": pid,
                    "uid": f"00000000-0000-7000-8000-00000000000{pid}",
                    "w": words,
                    "n": notes,
                    "o": "PE" if audience else "CL",
                    "a": audience,
                    "b": birth,
                    "p": "exact" if birth else None,
                },
            )
    upgrade(fresh_url)
    with engine.connect() as c:
        cases = c.execute(
            text(
                "SELECT person_id, priority, origin_node FROM humanitarian_case ORDER BY person_id"
            )
        ).all()
        details = c.execute(
            text(
                "SELECT s.person_id, d.pregnant, d.illness, d.child_status, d.notes, s.source, "
                "s.consent_id FROM screening s JOIN screening_detail d "
                "ON d.screening_id = s.id ORDER BY s.person_id"
            )
        ).all()
        history = c.execute(text("SELECT cause, rule_set_version FROM priority_change")).all()
    engine.dispose()
    # pregnant + serious illness: two mediums make a high case; an unaccompanied child is
    # critical; an elderly person without a birth date is estimated, not invented away.
    assert [tuple(r) for r in cases] == [(1, "high", "CL"), (2, "critical", "CL"), (5, "low", "CL")]
    first = details[0]
    assert (first[0], bool(first[1]), first[2], first[4], first[5]) == (
        1, True, "other_serious", "quimio interrumpida", "encounter_record"
    )  # fmt: skip
    assert first[6] is None  # no consent was recorded then, and none is made up
    assert details[1][3] == "unaccompanied"
    assert {tuple(h) for h in history} == {("migration", 1)}
