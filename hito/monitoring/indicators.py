"""The committee's indicators, their levels against the thresholds, and the records behind them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hito import audit
from hito.auth.scope import Scope
from hito.db import utcnow
from hito.exc import NotFound
from hito.monitoring.definitions import Level, catalogue
from hito.monitoring.measures import MEASURES
from hito.monitoring.schemas import Drill, DrillRecord, IndicatorValue

MAX_DRILL = 500


def indicators(
    session: Session, *, scope: Scope, at: dt.datetime | None = None, lang: str = "es",
    only: list[str] | None = None,
) -> list[IndicatorValue]:  # fmt: skip
    """Every indicator at ``at`` (default now), over what the user may see."""
    moment = (at or utcnow()).astimezone(dt.UTC)
    out = []
    for name, definition in catalogue().indicators.items():
        if only is not None and name not in only:
            continue
        value = MEASURES[name](session, scope, moment).value
        out.append(
            IndicatorValue(
                id=name,
                label=definition.label.say(lang),
                unit=definition.unit.say(lang),
                definition=definition.definition.say(lang),
                source=definition.source,
                value=value,
                level=definition.level(value),
                alert_when=definition.alert_when,
                warning=definition.warning,
                critical=definition.critical,
                reference=definition.reference,
                as_of=moment,
            )
        )
    audit.record(
        session, scope=scope, action="monitoring.indicators", object_type="indicator",
        object_ids=[v.id for v in out], detail={"as_of": moment.isoformat()},
    )  # fmt: skip
    return out


def alerts(
    session: Session, *, scope: Scope, at: dt.datetime | None = None, lang: str = "es",
    measured: list[IndicatorValue] | None = None,
) -> list[IndicatorValue]:  # fmt: skip
    """Indicators past a threshold, the critical first: for duty supervisors. From the values
    already ``measured`` for this user and moment when the caller has them (the dashboard),
    else measured here."""
    scope.require("supervise")
    values = measured if measured is not None else indicators(
        session, scope=scope, at=at, lang=lang
    )  # fmt: skip
    found = [v for v in values if v.level in (Level.warning, Level.critical)]
    return sorted(found, key=lambda v: (v.level is not Level.critical, v.id))


def drill_down(
    session: Session, *, scope: Scope, indicator: str, at: dt.datetime | None = None,
    limit: int = MAX_DRILL,
) -> Drill:  # fmt: skip
    """The records an indicator counts, as the user may see them; every read is audited."""
    definition = catalogue().indicators.get(indicator)
    if definition is None:
        raise NotFound(f"no indicator {indicator!r}")
    moment = (at or utcnow()).astimezone(dt.UTC)
    query = MEASURES[indicator](session, scope, moment).records
    if query is None:
        return Drill(indicator=indicator, source=definition.source, as_of=moment, total=0,
                     records=[])  # fmt: skip
    if isinstance(query, list):  # worked out in Python: rows already
        total = len(query)
        newest = sorted(query, key=lambda row: (row[1] is not None, row[1]), reverse=True)
        rows: Sequence[Any] = newest[:limit]
    else:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.execute(query.order_by(query.selected_columns[1].desc()).limit(limit)).all()
    records = [
        DrillRecord(uid=row[0], at=row[1], detail=None if row[2] is None else str(row[2]))
        for row in rows
    ]
    audit.record(
        session, scope=scope, action="monitoring.drill_down", object_type=definition.source,
        object_ids=[r.uid for r in records], detail={"indicator": indicator,
                                                     "as_of": moment.isoformat()},
    )  # fmt: skip
    return Drill(indicator=indicator, source=definition.source, as_of=moment, total=total,
                 records=records)  # fmt: skip
