"""The real agencies of both countries and the international organisations beside them."""

from __future__ import annotations

from hito.agencies.models import AgencyKind

K = AgencyKind
# code, name (es), name (en), country (None: international), kind
AGENCIES: list[tuple[str, str, str, str | None, AgencyKind]] = [
    ("CL-CARABINEROS", "Carabineros de Chile", "Carabineros de Chile", "CL", K.police),
    (
        "CL-PDI",
        "Policía de Investigaciones de Chile (PDI)",
        "Investigations Police of Chile",
        "CL",
        K.investigations,
    ),
    (
        "CL-SERMIG",
        "Servicio Nacional de Migraciones",
        "National Migration Service of Chile",
        "CL",
        K.immigration,
    ),
    (
        "CL-MINREL",
        "Ministerio de Relaciones Exteriores de Chile",
        "Ministry of Foreign Affairs of Chile",
        "CL",
        K.ministry,
    ),
    ("CL-EJERCITO", "Ejército de Chile", "Chilean Army", "CL", K.military),
    ("PE-PNP", "Policía Nacional del Perú (PNP)", "National Police of Peru", "PE", K.police),
    (
        "PE-MIGRACIONES",
        "Superintendencia Nacional de Migraciones",
        "National Superintendency of Migration of Peru",
        "PE",
        K.immigration,
    ),
    ("PE-EJERCITO", "Ejército del Perú", "Peruvian Army", "PE", K.military),
    (
        "PE-RREE",
        "Ministerio de Relaciones Exteriores del Perú",
        "Ministry of Foreign Affairs of Peru",
        "PE",
        K.ministry,
    ),
    (
        "INT-OIM",
        "Organización Internacional para las Migraciones (OIM)",
        "International Organization for Migration (IOM)",
        None,
        K.humanitarian,
    ),
    (
        "INT-ACNUR",
        "Alto Comisionado de las Naciones Unidas para los Refugiados (ACNUR)",
        "UN Refugee Agency (UNHCR)",
        None,
        K.humanitarian,
    ),
    ("INT-CRUZROJA", "Cruz Roja", "Red Cross", None, K.humanitarian),
]
