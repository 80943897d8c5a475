"""Joint patrols: sector risk, the planner (CP-SAT) and unpredictable plans (a security game).

The planner, the checker and the game work on plain values (`hito.patrols.problem`); the
service reads the database for them.
"""

from hito.patrols.problem import Impact, ShiftKind
from hito.patrols.schemas import RiskQuery, SectorRisk
from hito.patrols.service import risk_by_sector

__all__ = ["Impact", "RiskQuery", "SectorRisk", "ShiftKind", "risk_by_sector"]
