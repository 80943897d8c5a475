"""Storage on both backends: migrations, UTC times, the audit chain, settings."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError
from sqlalchemy import inspect, select, update
from sqlalchemy.orm import Session

from hito.audit import AuditEntry, record, verify_chain
from hito.auth import unrestricted
from hito.events import EventCreate, create_events, get_event
from hito.migrate import current
from hito.models import Base
from hito.places import Location
from hito.settings import DEMO_SECRET_KEY, Settings


def test_migrations_create_exactly_the_models_tables(database_url: str, session: Session) -> None:
    assert current(database_url) == "0011"
    tables = set(inspect(session.get_bind()).get_table_names()) - {"alembic_version"}
    assert tables == set(Base.metadata.tables)


def test_identity_migration_keeps_earlier_documents_as_unchecked(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine, text

    from hito.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0001")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO agency (id, code, name, name_en, country, kind) "
                "VALUES (1, 'CL-PDI', 'PDI', 'PDI', 'CL', 'investigations')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO person (id, given_names, surname_1, birth_date, sex, encountered_at, "
                "reporting_agency_id, "
                "vulnerabilities, protection_notes, origin_node, version, sharing_level, "
                "created_at, updated_at) "
                "VALUES (1, 'Ana', 'Páz', '1990-05-01', 'female', 0, 1, '', '', 'CL', 1, "
                "'national', 0, 0)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO identity_document (id, person_id, type, number) "
                "VALUES (1, 1, 'cl-run', '12.345.678-5')"
            )
        )
    upgrade(url)
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT number, check_status, normalized FROM identity_document")
        ).one()
        keys = {k for (k,) in connection.execute(text("SELECT key FROM person_key"))}
    engine.dispose()
    assert tuple(row) == ("12.345.678-5", "unchecked", None)
    assert keys == {"s:pas", "gy:ana:1990"}  # found by possible-match searches from now on


def test_node_migration_gives_global_ids_and_keeps_every_row_and_link(fresh_url: str) -> None:
    """0002 → 0003 on rows of the single-database era: every shared record gets a global id,
    observations take origin and level from their event, and no row or link is lost (SQLite
    rebuilds the altered tables: with foreign keys on, that would cascade into documents)."""
    from sqlalchemy import text

    from hito.db import make_engine
    from hito.migrate import upgrade

    upgrade(fresh_url, "0002")
    engine = make_engine(fresh_url)  # SQLite: with its foreign keys on, as Hito runs it
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO agency (id, code, name, name_en, country, kind) "
                "VALUES (1, 'PE-PNP', 'PNP', 'PNP', 'PE', 'police')"
            )
        )
        c.execute(
            text(
                "INSERT INTO event (id, type, occurred_at, lat, lon, reporting_agency_id, "
                "description, status, origin_node, version, sharing_level, created_at, "
                "updated_at) VALUES (7, 'interception', :t, -18.3, -70.3, 1, '', 'open', "
                "'PE', 2, 'binational', :t, :t)"
            ),
            {"t": _stored_time(fresh_url)},
        )
        c.execute(
            text(
                "INSERT INTO observation (id, event_id, observed_at, note, agency_id, "
                "created_at) VALUES (3, 7, :t, 'recuento', 1, :t)"
            ),
            {"t": _stored_time(fresh_url)},
        )
        c.execute(
            text(
                "INSERT INTO person_group (id, kind, label, reporting_agency_id, "
                "origin_node, version, sharing_level, created_at, updated_at) VALUES "
                "(5, 'family', 'Familia', 1, 'PE', 1, 'humanitarian', :t, :t)"
            ),
            {"t": _stored_time(fresh_url)},
        )
        c.execute(
            text(
                "INSERT INTO person (id, given_names, sex, encountered_at, event_id, "
                "group_id, reporting_agency_id, vulnerabilities, protection_notes, "
                "origin_node, version, sharing_level, created_at, updated_at) VALUES "
                "(9, 'Ana', 'female', :t, 7, 5, 1, '', '', 'PE', 1, 'binational', :t, :t)"
            ),
            {"t": _stored_time(fresh_url)},
        )
        c.execute(
            text(
                "INSERT INTO identity_document (id, person_id, type, number, "
                "check_status) VALUES (1, 9, 'passport', 'P123', 'unchecked')"
            )
        )
    upgrade(fresh_url)
    with engine.begin() as c:
        uids = [
            u
            for (u,) in c.execute(
                text(
                    "SELECT uid FROM event UNION ALL SELECT uid FROM observation UNION ALL "
                    "SELECT uid FROM person UNION ALL SELECT uid FROM person_group"
                )
            )
        ]
        observation = c.execute(
            text("SELECT origin_node, sharing_level, version FROM observation")
        ).one()
        person = c.execute(text("SELECT event_id, group_id FROM person")).one()
        documents = c.execute(text("SELECT count(*) FROM identity_document")).scalar()
        c.execute(text("DELETE FROM event WHERE id = 7"))  # a withdrawn event detaches, no more
        detached = c.execute(text("SELECT event_id FROM person")).scalar()
        kept = c.execute(text("SELECT event_id FROM observation")).scalar()
    engine.dispose()
    assert len(uids) == len(set(uids)) == 4 and all(len(u) == 36 for u in uids)
    assert tuple(observation) == ("PE", "binational", 1)
    assert tuple(person) == (7, 5) and documents == 1
    assert detached is None and kept is None


def test_patrol_migration_scopes_shifts_and_track_points_like_their_parents(tmp_path: Path) -> None:
    """0009 → 0010: a plan's shifts and a patrol's track points take their parent's origin,
    level and audience; a shift planned before levels were kept has none (not counted)."""
    from sqlalchemy import create_engine, text

    from hito.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0009")
    engine = create_engine(url)
    shared = "uid, version, created_at, updated_at, origin_node, sharing_level, audience"
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO agency (id, code, name, name_en, country, kind) "
                "VALUES (1, 'PE-PNP', 'PNP', 'PNP', 'PE', 'police')"
            )
        )
        c.execute(
            text(
                f"INSERT INTO sector (id, code, name, geometry, {shared}) "
                "VALUES (1, 'S2', 'Chacalluta', '{}', 's', 1, 0, 0, 'CL', 'binational', NULL)"
            )
        )
        c.execute(
            text(
                "INSERT INTO patrol_plan (id, country, starts_at, days, shift_hours, seed, "
                "status, solver_status, objective, bound, coverage, uncovered, "
                f"{shared}) VALUES (1, 'PE', 0, 1, 8, 0, 'approved', '', 0, 0, '[]', '[]', "
                "'p', 1, 0, 0, 'PE', 'binational', 'all')"
            )
        )
        c.execute(
            text(
                "INSERT INTO patrol_assignment (id, plan_id, agency_id, kind, sector_id, "
                "country, starts_at, ends_at) VALUES (1, 1, 1, 'foot', 1, 'PE', 0, 1)"
            )
        )
        c.execute(
            text(
                "INSERT INTO patrol (id, agency_id, kind, country, sector_id, started_at, "
                f"{shared}) VALUES (1, 1, 'foot', 'PE', 1, 0, 'q', 1, 0, 0, 'CL', "
                "'binational', NULL)"
            )
        )
        c.execute(
            text(
                "INSERT INTO patrol_point (id, patrol_id, at, lat, lon, segment) "
                "VALUES (1, 1, 0, -18.3, -70.3, 0)"
            )
        )
    upgrade(url)
    with engine.connect() as c:
        shift = c.execute(
            text("SELECT origin_node, sharing_level, audience, impact FROM patrol_assignment")
        ).one()
        point = c.execute(
            text("SELECT origin_node, sharing_level, audience FROM patrol_point")
        ).one()
    engine.dispose()
    assert tuple(shift) == ("PE", "binational", "all", None)
    assert tuple(point) == ("CL", "binational", None)


def _stored_time(url: str) -> object:
    if url.startswith("sqlite"):
        return 1_700_000_000_000_000  # microseconds since the epoch
    return dt.datetime(2025, 11, 24, tzinfo=dt.UTC)


def test_times_are_stored_in_utc_and_come_back_aware(session: Session) -> None:
    scope = dataclasses.replace(unrestricted(), agency_code="CL-PDI")
    santiago = dt.datetime(2025, 11, 24, 13, 0, tzinfo=ZoneInfo("America/Santiago"))
    (event_id,) = create_events(
        session,
        scope=scope,
        events=[
            EventCreate(
                type="sighting", occurred_at=santiago, location=Location(lat=-18.3, lon=-70.3)
            )
        ],
    )
    session.commit()
    stored = get_event(session, scope=scope, event_id=event_id)
    assert stored.occurred_at.tzinfo is not None
    assert stored.occurred_at.utcoffset() == dt.timedelta(0)
    assert stored.occurred_at == santiago
    assert stored.occurred_at.astimezone(ZoneInfo("America/Lima")).hour == 11


def test_naive_datetimes_are_refused(session: Session) -> None:
    with pytest.raises(ValidationError):
        EventCreate(
            type="sighting",
            occurred_at=dt.datetime(2025, 11, 24, 13),
            location=Location(lat=-18.3, lon=-70.3),
        )


def test_audit_chain_detects_tampering(session: Session) -> None:
    scope = unrestricted()
    for i in range(5):
        record(
            session,
            scope=scope,
            action="event.read",
            object_type="event",
            object_ids=[i],
            detail={"password": "secret", "n": i},
        )
    session.commit()
    assert verify_chain(session) is None
    third = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()[2]
    assert '"password": "***"' in third.detail  # secrets blanked
    session.execute(
        update(AuditEntry).where(AuditEntry.id == third.id).values(actor="somebody-else")
    )
    session.commit()
    assert verify_chain(session) == third.id


def test_settings_refuse_the_demo_secret_outside_demo_mode() -> None:
    with pytest.raises(ValidationError, match="HITO_SECRET_KEY"):
        Settings(demo=False, secret_key=DEMO_SECRET_KEY)
    assert Settings(demo=True).secret_key == DEMO_SECRET_KEY
    assert Settings(demo=False, secret_key="x" * 32, node="PE").timezone == "America/Lima"
    with pytest.raises(ValidationError):
        Settings(demo=True, node="BO")


def test_demo_password_only_works_in_demo_mode(session: Session) -> None:
    from hito.auth import authenticate, create_user
    from hito.exc import Unauthenticated
    from hito.settings import DEMO_PASSWORD

    create_user(
        session,
        node="CL",
        username="demo.user",
        password=DEMO_PASSWORD,
        agency_code="CL-PDI",
        roles="viewer",
    )
    session.flush()
    assert authenticate(session, node="CL", username="demo.user", password=DEMO_PASSWORD, demo=True)
    with pytest.raises(Unauthenticated):
        authenticate(session, node="CL", username="demo.user", password=DEMO_PASSWORD, demo=False)
    session.rollback()
