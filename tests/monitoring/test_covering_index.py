"""The committee's event figures are read from the index of events by type alone: the rows of
millions of events are never visited (bench/monitoring.py measures what that is worth)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from hito.agencies.models import AgencyKind
from hito.auth.models import Role
from hito.auth.scope import unrestricted
from hito.auth.scoping import scoped_as
from hito.monitoring.forecasts import daily_series
from hito.monitoring.measures import MEASURES

AT = dt.datetime(2025, 11, 24, 3, tzinfo=dt.UTC)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # SQLite's plan is the one read
def test_the_event_figures_are_read_from_the_index_alone(session: Session) -> None:
    supervisor = dataclasses.replace(
        unrestricted("CL"), username="analyst", agency_code="CL-PDI", everything=False,
        agency_kind=AgencyKind.investigations, roles=frozenset({Role.supervisor}),
    )  # fmt: skip
    seen: list[tuple[str, Any]] = []

    def keep(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        if sql.lstrip().upper().startswith("SELECT") and "FROM event" in sql:
            seen.append((sql, params))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", keep)
    try:
        with scoped_as(session, supervisor):
            for name in ("stranded_now", "irregular_departures_per_day", "interceptions_7d"):
                MEASURES[name](session, supervisor, AT)
            days = [dt.date(2025, 11, 1) + dt.timedelta(days=n) for n in range(23)]
            for series in ("irregular_departures", "stranded"):
                daily_series(session, scope=supervisor, series=series, days=days)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    assert len(seen) >= 6
    for sql, params in seen:
        assert "origin_node" in sql  # the session's scoping is part of what the index answers
        found = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in found)
        assert "USING COVERING INDEX ix_event_type_occurred_at" in plan, (sql, plan)
