"""Joint patrols: the planner (CP-SAT) and unpredictable plans (a security game).

The planner, the checker and the game work on plain values (`hito.patrols.problem`).
"""

from hito.patrols.problem import Impact, ShiftKind

__all__ = ["Impact", "ShiftKind"]
