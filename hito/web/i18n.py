"""Interface strings: Spanish first, English second."""

from __future__ import annotations

LANGUAGES = ("es", "en")

STRINGS: dict[str, tuple[str, str]] = {
    "app_tagline": ("Cooperación fronteriza Chile–Perú", "Chile–Peru border cooperation"),
    "login": ("Ingresar", "Sign in"),
    "logout": ("Salir", "Sign out"),
    "username": ("Usuario", "Username"),
    "password": ("Contraseña", "Password"),
    "bad_login": ("Usuario o contraseña incorrectos", "Incorrect username or password"),
    "events": ("Eventos", "Events"),
    "map": ("Mapa", "Map"),
    "type": ("Tipo", "Type"),
    "status": ("Estado", "Status"),
    "sector": ("Sector", "Sector"),
    "agency": ("Institución", "Agency"),
    "since": ("Desde", "Since"),
    "until": ("Hasta", "Until"),
    "any": ("Todos", "Any"),
    "filter": ("Filtrar", "Filter"),
    "occurred_at": ("Ocurrió", "Occurred"),
    "headcount": ("Personas", "People"),
    "adults": ("Adultos", "Adults"),
    "minors": ("Menores", "Minors"),
    "description": ("Descripción", "Description"),
    "sharing_level": ("Nivel de intercambio", "Sharing level"),
    "origin": ("Origen", "Origin"),
    "location": ("Ubicación", "Location"),
    "observations": ("Historial de observaciones", "Observation history"),
    "observed_at": ("Observado", "Observed"),
    "observed_by": ("Observado por", "Observed by"),
    "note": ("Nota", "Note"),
    "next_page": ("Página siguiente", "Next page"),
    "no_events": ("No hay eventos visibles con estos filtros.", "No visible events match."),
    "times_in": ("Horas en", "Times in"),
    "border_line": ("Línea de la Concordia", "Concordia Line (boundary)"),
    "crossing_point": ("Paso fronterizo", "Border crossing"),
    "facility": ("Albergue / punto de atención", "Shelter / service point"),
    "signed_in_as": ("Conectado como", "Signed in as"),
    "back_to_list": ("Volver a la lista", "Back to the list"),
    "on_map": ("Ver en el mapa", "See on the map"),
    "national": ("Nacional", "National"),
    "binational": ("Binacional", "Binational"),
    "humanitarian": ("Humanitario", "Humanitarian"),
    "open": ("Abierto", "Open"),
    "monitoring": ("En seguimiento", "Monitoring"),
    "closed": ("Cerrado", "Closed"),
    "sighting": ("Avistamiento", "Sighting"),
    "stranded_group": ("Grupo varado", "Stranded group"),
    "irregular_crossing": ("Cruce irregular", "Irregular crossing"),
    "interception": ("Interceptación", "Interception"),
    "humanitarian_need": ("Necesidad humanitaria", "Humanitarian need"),
    "crossing_disruption": ("Alteración en paso fronterizo", "Crossing disruption"),
    "patrol_report": ("Informe de patrullaje", "Patrol report"),
    "official_measure": ("Medida oficial", "Official measure"),
    "other": ("Otro", "Other"),
}


def translator(lang: str) -> dict[str, str]:
    index = LANGUAGES.index(lang) if lang in LANGUAGES else 0
    return {key: pair[index] for key, pair in STRINGS.items()}
