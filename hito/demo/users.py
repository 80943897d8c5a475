"""Demo logins; they exist only in demo mode. Each node has its own country's users and the
staff of the international organisations working on its side (same names on both nodes)."""

from __future__ import annotations

# username, node, agency code, roles
DEMO_USERS: list[tuple[str, str, str, str]] = [
    ("carabineros", "CL", "CL-CARABINEROS", "operator"),
    ("pdi", "CL", "CL-PDI", "supervisor"),
    ("sermig", "CL", "CL-SERMIG", "operator"),
    ("minrel", "CL", "CL-MINREL", "viewer"),
    ("admin.cl", "CL", "CL-SERMIG", "admin"),
    ("pnp", "PE", "PE-PNP", "operator"),
    ("migraciones", "PE", "PE-MIGRACIONES", "supervisor"),
    ("ejercito", "PE", "PE-EJERCITO", "operator"),
    ("rree", "PE", "PE-RREE", "viewer"),
    ("admin.pe", "PE", "PE-MIGRACIONES", "admin"),
    ("oim", "CL", "INT-OIM", "caseworker"),
    ("acnur", "CL", "INT-ACNUR", "caseworker"),
    ("cruzroja", "CL", "INT-CRUZROJA", "caseworker"),
    ("oim", "PE", "INT-OIM", "caseworker"),
    ("acnur", "PE", "INT-ACNUR", "caseworker"),
    ("cruzroja", "PE", "INT-CRUZROJA", "caseworker"),
]


def users_of(node: str) -> list[tuple[str, str, str]]:
    return [(u, agency, roles) for u, n, agency, roles in DEMO_USERS if n == node]
