"""Joint patrols: sector risk, units, the planner (CP-SAT) and unpredictable plans (a security
game).

The planner, the checker and the game work on plain values (`hito.patrols.problem`); the
services read the database for them.
"""

from hito.patrols.changes import propose_change
from hito.patrols.coverage import Coverage, JudgedShift, judged_shifts
from hito.patrols.models import PlanStatus, UnitKind
from hito.patrols.plans import (
    approve_plan,
    build_problem,
    get_plan,
    list_plans,
    make_plan,
    withdraw_plan,
)
from hito.patrols.problem import Impact, ShiftKind
from hito.patrols.risk_schemas import SectorRisk
from hito.patrols.schemas import (
    ChangePublic,
    PlanFilters,
    PlanPublic,
    PlanRequest,
    PlanSummary,
    ReplanRequest,
    RiskQuery,
    UnitCreate,
    UnitPublic,
)
from hito.patrols.service import risk_by_sector
from hito.patrols.units import create_units, list_units

__all__ = [
    "ChangePublic",
    "Coverage",
    "JudgedShift",
    "ReplanRequest",
    "propose_change",
    "Impact",
    "PlanFilters",
    "PlanPublic",
    "PlanSummary",
    "PlanRequest",
    "PlanStatus",
    "RiskQuery",
    "SectorRisk",
    "ShiftKind",
    "UnitCreate",
    "UnitKind",
    "UnitPublic",
    "approve_plan",
    "build_problem",
    "create_units",
    "judged_shifts",
    "get_plan",
    "list_plans",
    "list_units",
    "make_plan",
    "risk_by_sector",
    "withdraw_plan",
]
