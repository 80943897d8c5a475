"""The demo's joint patrols: each side's week plan from Monday 24 November 2025, approved; two
days of patrols with GPX tracks along the line near Chacalluta and on the coast; and the group
stranded at Chacalluta that afternoon turning its sector critical, which re-plans that shift.

Runs once both sides' events are held (``finish_demo``): each side plans over the risk of what
it sees of both. Every step goes through the same services as the API, audited alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from hito.auth import Scope
from hito.events import Event, EventCreate, EventType
from hito.patrols import PlanRequest, ReplanRequest, approve_plan, make_plan, propose_change
from hito.patrols.log_schemas import PatrolEnd, PatrolStart
from hito.patrols.logs import add_finding, end_patrol, import_gpx, start_patrol
from hito.patrols.models import PatrolPlan
from hito.patrols.walks import along_border, to_gpx
from hito.places.schemas import Location
from hito.records import SharingLevel

MONDAY = dt.date(2025, 11, 24)
TRACKED_DAYS = 2
# Stretches of the boundary line (its vertices, tripoint = 0, coast = 29) each sector patrols.
STRETCHES = {"S1-LITORAL": (27, 29), "S2-CHACALLUTA": (24, 28)}
SOLVER_SECONDS = 4.0


def load_patrols(
    session: Session, *, supervisor: Scope, officers: Sequence[Scope] = ()
) -> dict[str, int]:
    """This side's approved week, its tracked patrols and the re-plan; nothing when done.
    What a patrol finds is reported by an officer of its unit's agency, where there is one."""
    node = supervisor.node
    if session.scalar(select(PatrolPlan.id).where(PatrolPlan.origin_node == node)):
        return {"plans": 0, "patrols": 0, "changes": 0}
    request = PlanRequest(first_day=MONDAY, days=7, seed=20251124, seconds=SOLVER_SECONDS)
    plan = make_plan(session, scope=supervisor, request=request)
    approve_plan(session, scope=supervisor, plan_id=plan.id)
    changes = _replan_for_the_stranded_group(session, supervisor, plan.id)
    patrols = _tracked_patrols(session, supervisor, plan.id, officers)
    return {"plans": 1, "patrols": patrols, "changes": changes}


def _replan_for_the_stranded_group(session: Session, supervisor: Scope, plan_id: int) -> int:
    """The stranded group (24 November, 13:00 in Chile) makes Chacalluta critical: cover it
    on this side with the smallest change, in the shift under way or, when every unit that
    reaches it is resting or due next (a critical post needs two agencies), from the next
    shift on. How many assignments changed."""
    stranded = session.scalar(
        select(Event).where(Event.type == EventType.stranded_group).order_by(Event.occurred_at)
    )
    if stranded is None:
        return 0
    plan = session.get(PatrolPlan, plan_id)
    assert plan is not None
    shift = dt.timedelta(hours=plan.shift_hours)
    next_shift = plan.starts_at + ((stranded.occurred_at - plan.starts_at) // shift + 1) * shift
    for at in (stranded.occurred_at, next_shift):
        shown = ReplanRequest(sector="S2-CHACALLUTA", at=at, seconds=SOLVER_SECONDS)
        change = propose_change(session, scope=supervisor, plan_id=plan_id, data=shown)
        if change.covers:
            applied = shown.model_copy(update={"apply": True})
            done = propose_change(session, scope=supervisor, plan_id=plan_id, data=applied)
            return len(done.added) + len(done.removed)
    return 0


def _tracked_patrols(
    session: Session, supervisor: Scope, plan_id: int, officers: Sequence[Scope]
) -> int:
    """Every shift of the first two days on the coast and at Chacalluta, patrolled: the unit
    sets out at the shift's start, its GPS track (a fix every 2 minutes) is imported, it ends."""
    from hito.patrols import get_plan

    plan = get_plan(session, scope=supervisor, plan_id=plan_id)
    until = plan.starts_at + dt.timedelta(days=TRACKED_DAYS)
    count, found = 0, False
    for a in plan.assignments:
        if a.sector not in STRETCHES or a.start >= until or a.unit is None:
            continue
        first, last = STRETCHES[a.sector]
        minutes = int((a.end - a.start).total_seconds() // 60) - 30
        fixes = along_border(a.country, first_vertex=first, last_vertex=last,
                             start=a.start + dt.timedelta(minutes=15), minutes=minutes,
                             every_minutes=2.0)  # fmt: skip
        patrol = start_patrol(session, scope=supervisor,
                              data=PatrolStart(unit=a.unit, started_at=a.start))  # fmt: skip
        import_gpx(session, scope=supervisor, patrol_id=patrol.id, data=to_gpx(fixes))
        if not found and a.sector == "S2-CHACALLUTA":
            found = True
            seen = fixes[len(fixes) // 3]
            officer = next(
                (o for o in officers if o.agency_code == a.agency and o.may("write")), supervisor
            )
            add_finding(
                session, scope=officer, patrol_id=patrol.id,
                data=EventCreate(
                    type=EventType.sighting, occurred_at=seen.at,
                    location=Location(lat=seen.lat, lon=seen.lon), headcount=6,
                    sharing_level=SharingLevel.binational,
                    description="Seis personas caminando hacia la línea, al oeste de la ruta 5",
                ),
            )  # fmt: skip
        end_patrol(session, scope=supervisor, patrol_id=patrol.id,
                   data=PatrolEnd(ended_at=fixes[-1].at + dt.timedelta(minutes=15)))  # fmt: skip
        count += 1
    return count
