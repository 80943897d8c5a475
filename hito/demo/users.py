"""Demo logins, one or more per agency; they exist only in demo mode."""

from __future__ import annotations

# username, agency code, roles
DEMO_USERS: list[tuple[str, str, str]] = [
    ("carabineros", "CL-CARABINEROS", "operator"),
    ("pdi", "CL-PDI", "supervisor"),
    ("sermig", "CL-SERMIG", "operator"),
    ("minrel", "CL-MINREL", "viewer"),
    ("admin.cl", "CL-SERMIG", "admin"),
    ("pnp", "PE-PNP", "operator"),
    ("migraciones", "PE-MIGRACIONES", "supervisor"),
    ("ejercito", "PE-EJERCITO", "operator"),
    ("rree", "PE-RREE", "viewer"),
    ("oim", "INT-OIM", "caseworker"),
    ("acnur", "INT-ACNUR", "caseworker"),
    ("cruzroja", "INT-CRUZROJA", "caseworker"),
]
