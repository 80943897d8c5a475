"""Words of the joint-patrol pages (the sector risk map and the plan board), Spanish first,
English second."""

STRINGS: dict[str, tuple[str, str]] = {
    "pt_nav": ("Patrullas", "Patrols"),
    "pt_plans": ("Planes de patrullaje", "Patrol plans"),
    "pt_risk": ("Mapa de riesgo por sector", "Sector risk map"),
    "pt_risk_help": (
        "Riesgo de los eventos recientes de ambos lados que usted puede ver, por día y por noche.",
        "Risk from the recent events of both sides that you may see, by day and by night.",
    ),
    "pt_day": ("Día", "Day"),
    "pt_night": ("Noche", "Night"),
    "pt_show_kind": ("Mostrar el nivel de", "Show the level by"),
    "pt_level": ("Nivel de impacto", "Impact level"),
    "pt_level_low": ("bajo", "low"),
    "pt_level_medium": ("medio", "medium"),
    "pt_level_high": ("alto", "high"),
    "pt_level_critical": ("crítico", "critical"),
    "pt_figure": ("Riesgo", "Risk"),
    "pt_override": ("Nivel fijado por supervisión", "Level set by a supervisor"),
    "pt_computed": ("calculado", "computed"),
    "pt_until": ("hasta", "until"),
    "pt_set_by": ("por", "by"),
    "pt_no_override": ("—", "—"),
    "pt_hotspots": ("Puntos calientes (celdas H3)", "Hotspots (H3 cells)"),
    "pt_hotspots_none": ("Sin puntos calientes en el período.", "No hotspots in the period."),
    "pt_events": ("eventos", "events"),
    "pt_weight": ("peso", "weight"),
    "pt_sectors": ("Sectores", "Sectors"),
    "pt_at": ("Momento", "Moment"),
    "pt_at_help": ("vacío: ahora", "empty: now"),
    "pt_show": ("Ver", "Show"),
    "pt_as_of": ("Riesgo al", "Risk as of"),
    # the plans
    "pt_plan": ("Plan nº", "Plan no."),
    "pt_side": ("Lado", "Side"),
    "pt_window": ("Período", "Window"),
    "pt_shift_hours": ("Turnos de", "Shifts of"),
    "pt_assignments": ("Asignaciones", "Assignments"),
    "pt_objective": ("Valor del plan", "Objective"),
    "pt_bound": ("Cota", "Bound"),
    "pt_gap": ("Brecha", "Gap"),
    "pt_gap_help": (
        "Brecha: cuánto podría faltar para el mejor plan posible, según lo que el planificador "
        "alcanzó a probar.",
        "Gap: how far from the best possible plan this one may be, as far as the planner could "
        "prove.",
    ),
    "pt_solver": ("Planificador", "Planner"),
    "pt_status_draft": ("borrador", "draft"),
    "pt_status_approved": ("aprobado", "approved"),
    "pt_approved_at": ("Aprobado el", "Approved on"),
    "pt_no_plans": ("No hay planes.", "No plans."),
    "pt_open": ("Abrir", "Open"),
    "pt_both_countries": ("Ambos países", "Both countries"),
    "pt_any_status": ("Todos", "All"),
    "pt_in_force_on": ("Vigente el", "In force on"),
    "pt_country_CL": ("Chile", "Chile"),
    "pt_country_PE": ("Perú", "Peru"),
    # drafting
    "pt_draft": ("Preparar un plan", "Draft a plan"),
    "pt_first_day": ("Primer día", "First day"),
    "pt_days": ("Días", "Days"),
    "pt_hours_per_shift": ("Horas por turno", "Hours per shift"),
    "pt_draft_button": ("Preparar borrador", "Draft it"),
    "pt_draft_help": (
        "El planificador busca durante unos segundos la mejor asignación de las unidades.",
        "The planner spends a few seconds looking for the best assignment of the units.",
    ),
    "pt_drafted": (
        "Borrador preparado: revíselo antes de aprobarlo.",
        "Draft ready: review it before approving it.",
    ),
    # the board
    "pt_board": ("Tablero del plan", "Plan board"),
    "pt_this_node": ("este nodo", "this node"),
    "pt_other_side": ("el otro lado", "the other side"),
    "pt_unit": ("Unidad", "Unit"),
    "pt_agency_kind": ("Institución · tipo", "Agency · kind"),
    "pt_no_counterpart": (
        "El otro lado no tiene un plan aprobado que cubra estas fechas.",
        "The other side has no approved plan covering these dates.",
    ),
    "pt_counterpart": ("Plan aprobado del otro lado", "The other side's approved plan"),
    "pt_no_assignments": ("Sin asignaciones.", "No assignments."),
    "pt_joint": ("conjunto", "joint"),
    "pt_joint_help": (
        "⇄ patrullaje conjunto: ambos lados cubren el mismo sector en ese turno.",
        "⇄ joint patrol: both sides cover the same sector in that shift.",
    ),
    "pt_level_mark_help": (
        "Una marca a la izquierda: sector de impacto alto (naranja) o crítico (rojo) al "
        "planificarse.",
        "A mark on the left: a sector at high (orange) or critical (red) impact when planned.",
    ),
    "pt_times_in": ("Horas en", "Times in"),
    "pt_uncovered": (
        "Puestos altos y críticos sin cubrir",
        "High and critical posts left uncovered",
    ),
    "pt_all_covered": (
        "Todos los puestos de nivel alto y crítico están cubiertos.",
        "Every high and critical post is covered.",
    ),
    "pt_impact": ("Impacto", "Impact"),
    "pt_shift": ("Turno", "Shift"),
    "pt_why": ("Por qué", "Why"),
    "pt_coverage": ("Probabilidad de cobertura", "Coverage probability"),
    "pt_coverage_help": (
        "Probabilidad (%) de que cada sector esté patrullado en cada turno, según el juego de "
        "seguridad que vuelve el plan impredecible.",
        "Probability (%) that each sector is patrolled in each shift, from the security game "
        "that makes the plan unpredictable.",
    ),
    "pt_no_coverage": ("Sin probabilidades (plan recibido).", "No probabilities (received plan)."),
    "pt_approve": ("Aprobar plan", "Approve plan"),
    "pt_approve_help": (
        "Al aprobarlo, el plan se comparte con el otro lado: sectores, horarios, instituciones y "
        "tipos de unidad; nunca el código ni la dotación de una unidad.",
        "Once approved, the plan is shared with the other side: sectors, times, agencies and "
        "kinds of unit; never a unit's code or crew.",
    ),
    "pt_approved": (
        "Plan aprobado y compartido con el otro lado.",
        "Plan approved and shared with the other side.",
    ),
    "pt_withdraw": ("Retirar plan", "Withdraw plan"),
    "pt_withdraw_reason": ("Motivo", "Reason"),
    "pt_withdraw_help": (
        "El plan vuelve a borrador: sus días quedan libres para otro plan y el otro lado lo sabe "
        "en el próximo intercambio.",
        "The plan goes back to draft: its days are free for another plan and the other side "
        "learns it at the next exchange.",
    ),
    "pt_withdrawn": (
        "Plan retirado: vuelve a ser un borrador.",
        "Plan withdrawn: it is a draft again.",
    ),
    "pt_not_yours": (
        "Plan del otro lado: solo su nodo lo modifica.",
        "The other side's plan: only its node changes it.",
    ),
    "pt_back": ("Volver a los planes", "Back to the plans"),
    # why a post stays uncovered (hito.patrols.problem.REASONS)
    "pt_reason_no_unit_available": (
        "ninguna unidad de este lado está disponible en el turno",
        "no unit of this side is available in the shift",
    ),
    "pt_reason_no_unit_reaches": (
        "ninguna unidad disponible llega al sector con suficiente turno por delante",
        "no available unit reaches the sector with enough of the shift left",
    ),
    "pt_reason_one_agency": (
        "solo unidades de una institución llegan, y su nivel pide dos",
        "units of fewer than two agencies can reach it, and its level asks for two",
    ),
    "pt_reason_joint": (
        "el lado opuesto no puede cubrirse en el mismo turno, y su nivel pide ambos",
        "the facing side cannot be covered in the same shift, and its level asks for both",
    ),
    "pt_reason_capacity": (
        "todas las unidades que podrían ir hacen falta en puestos de más valor (o descansan)",
        "every unit that could go is needed for posts worth more (or resting)",
    ),
    "pt_kind_foot": ("a pie", "on foot"),
    "pt_kind_vehicle": ("vehículo", "vehicle"),
    "pt_kind_mounted": ("montada", "mounted"),
    "pt_kind_drone": ("dron", "drone"),
    "pt_kind_boat": ("embarcación", "boat"),
    # patrol logs and tracks
    "pt_logs": ("Patrullajes realizados", "Patrol logs"),
    "pt_logs_help": (
        "Patrullajes de ambos lados en curso en algún momento del período.",
        "Patrols of both sides under way at some time in the window.",
    ),
    "pt_from": ("Desde el día", "From day"),
    "pt_to": ("Hasta el día (incluido)", "To day (included)"),
    "pt_bad_dates": (
        "Fechas no válidas ({detail}); se muestran los últimos 7 días.",
        "Invalid dates ({detail}); showing the last 7 days.",
    ),
    "pt_more_patrols": (
        "Se muestran solo los {n} más recientes: acorte el período.",
        "Only the {n} most recent are shown: narrow the window.",
    ),
    "pt_no_patrols": ("No hay patrullajes en el período.", "No patrols in the window."),
    "pt_patrol": ("Patrullaje nº", "Patrol no."),
    "pt_track": ("Recorrido", "Track"),
    "pt_track_start": ("Salida", "Set out"),
    "pt_track_end": ("Regreso", "Back"),
    "pt_last_fix": ("Última posición", "Last fix"),
    "pt_under_way": ("en curso", "under way"),
    "pt_hours": ("Horas", "Hours"),
    "pt_km": ("km", "km"),
    "pt_points": ("Posiciones GPS", "GPS fixes"),
    "pt_segments": ("tramos", "segments"),
    "pt_segments_help": (
        "Cada tramo termina donde el GPS dejó de dar posiciones: no se traza una línea sobre el "
        "hueco.",
        "Each segment ends where the GPS stopped giving fixes: no line is drawn across the gap.",
    ),
    "pt_no_track": ("Sin recorrido registrado.", "No track recorded."),
    "pt_planned": ("Turno planificado", "Planned shift"),
    "pt_planned_short": ("Planificado", "Planned"),
    "pt_points_short": ("Puntos", "Points"),
    "pt_planned_yes": (
        "sí, en un turno de un plan aprobado",
        "yes, on a shift of an approved plan",
    ),
    "pt_planned_no": ("no, fuera de plan", "no, outside any plan"),
    "pt_yes": ("sí", "yes"),
    "pt_no": ("no", "no"),
    "pt_findings": ("Hallazgos", "Findings"),
    "pt_no_findings": ("Sin hallazgos.", "No findings."),
    "pt_hidden_findings": (
        "Además, {n} hallazgo(s) que usted no puede ver.",
        "Also {n} finding(s) you may not see.",
    ),
    "pt_see_track": ("Ver recorrido", "See track"),
    "pt_back_logs": ("Volver a los patrullajes", "Back to the patrol logs"),
    # plan against actual
    "pt_report": ("Plan versus lo realizado", "Plan against actual"),
    "pt_report_max": ("a lo más {days} días", "at most {days} days"),
    "pt_report_help": (
        "Turnos planificados y patrullados, frontera recorrida y esfuerzo, de los planes y "
        "patrullajes que usted puede ver.",
        "Planned shifts and those patrolled, border covered and effort, from the plans and "
        "patrols you may see.",
    ),
    "pt_patrolled_share": ("Turnos planificados cumplidos", "Planned shifts patrolled"),
    "pt_planned_shifts": ("Turnos planificados", "Planned shifts"),
    "pt_patrolled": ("Patrullados", "Patrolled"),
    "pt_patrolled_one": ("Patrullado", "Patrolled"),
    "pt_patrol_count": ("Patrullajes", "Patrols"),
    "pt_outside_hours": ("Horas fuera de todo sector", "Hours outside any sector"),
    "pt_effort": ("Esfuerzo por sector", "Effort by sector"),
    "pt_border_help": (
        "Un tramo de la línea cuenta como recorrido si un recorrido pasó a {km:g} km o menos.",
        "A stretch of the line counts as covered when a track came within {km:g} km of it.",
    ),
    "pt_border_km": ("Línea (km)", "Line (km)"),
    "pt_border_covered": ("Línea recorrida", "Line covered"),
    "pt_findings_per_hour": ("Hallazgos por hora", "Findings per hour"),
    "pt_by_agency": ("Por institución", "By agency"),
    "pt_shifts": ("Turnos planificados y lo realizado", "Planned shifts and what was done"),
    "pt_hours_on_sector": ("Horas en el sector", "Hours on the sector"),
    "pt_no_shifts": (
        "Ningún plan aprobado tiene turnos en el período.",
        "No approved plan has shifts in the window.",
    ),
    # a service's refusals (HitoError keys), shown on the plan pages
    "pt_err_no_units": (
        "No hay unidades de patrullaje que planificar: primero registre las unidades.",
        "No patrol units to plan: add the units first.",
    ),
    "pt_err_other_side": (
        "El plan {plan} es del otro lado: solo su nodo lo aprueba o lo retira.",
        "Plan {plan} is the other side's: only its node approves or withdraws it.",
    ),
    "pt_err_already_approved": (
        "El plan {plan} ya está aprobado.",
        "Plan {plan} is already approved.",
    ),
    "pt_err_overlaps": (
        "El plan {other} está aprobado del {first} al {last}, días que se superponen con "
        "los de este plan: retírelo primero o planifique los días siguientes.",
        "Plan {other} is approved from {first} to {last}, days which overlap this plan's "
        "days: withdraw it first or plan the days after it.",
    ),
    "pt_err_not_approved": (
        "El plan {plan} no está aprobado: no hay nada que retirar.",
        "Plan {plan} is not approved: there is nothing to withdraw.",
    ),
}
