"""Words of the monitoring pages (the committee's dashboard, the records behind a figure and the
briefing), Spanish first, English second."""

STRINGS: dict[str, tuple[str, str]] = {
    "mo_nav": ("Monitoreo", "Monitoring"),
    "mo_dashboard": ("Tablero de monitoreo", "Monitoring dashboard"),
    "mo_briefing": ("Informe para el comité", "Committee briefing"),
    # the cut-off
    "mo_at": ("Día de corte", "Cut-off day"),
    "mo_at_help": ("vacío: ahora", "empty: now"),
    "mo_show": ("Ver", "Show"),
    "mo_bad_day": (
        "No se pudo usar el día indicado ({detail}); se muestra la situación actual.",
        "The day given could not be used ({detail}); showing the situation now.",
    ),
    "mo_as_of": ("Cifras al", "Figures as of"),
    "mo_scoped": (
        "Cada cifra se calcula solo con los registros que usted puede ver.",
        "Each figure is counted only from the records you may see.",
    ),
    # the indicators
    "mo_indicators": ("Indicadores", "Indicators"),
    "mo_indicator": ("Indicador", "Indicator"),
    "mo_value": ("Valor", "Value"),
    "mo_level": ("Nivel", "Level"),
    "mo_thresholds": ("Umbrales", "Thresholds"),
    "mo_records": ("Registros", "Records"),
    "mo_see_records": ("Ver registros", "See the records"),
    "mo_definition": ("Definición", "Definition"),
    "mo_source": ("Fuente", "Source"),
    "mo_reference": ("referencia", "reference"),
    "mo_level_ok": ("normal", "normal"),
    "mo_level_warning": ("aviso", "warning"),
    "mo_level_critical": ("crítico", "critical"),
    "mo_level_unknown": ("sin datos", "no data"),
    "mo_no_data": ("nada informado que usted pueda ver", "nothing reported that you may see"),
    # the alerts
    "mo_alerts": ("Alertas abiertas", "Open alerts"),
    "mo_alerts_help": (
        "Indicadores que superan un umbral, los críticos primero (supervisión de turno).",
        "Indicators past a threshold, the critical first (duty supervisors).",
    ),
    "mo_no_alerts": (
        "Ningún indicador supera sus umbrales.",
        "No indicator is past its thresholds.",
    ),
    # the forecasts
    "mo_forecasts": ("Pronósticos", "Forecasts"),
    "mo_forecasts_help": (
        "Un pronóstico es una estimación, no un hecho: junto a cada uno se muestra cuánto se "
        "equivocó el mismo modelo en las semanas anteriores.",
        "A forecast is an estimate, not a fact: beside each one is how far off the same model "
        "was over the past weeks.",
    ),
    "mo_chart_departures": (
        "Salidas irregulares por día y pronóstico",
        "Irregular departures per day and forecast",
    ),
    "mo_chart_stranded": ("Personas varadas y pronóstico", "People stranded and forecast"),
    "mo_interval": ("intervalo de predicción 80 %", "80% prediction interval"),
    "mo_model": ("Modelo", "Model"),
    "mo_mae": ("Error medio absoluto", "Mean absolute error"),
    "mo_mae_help": (
        "diferencia media entre lo pronosticado y lo ocurrido",
        "mean difference between what was forecast and what happened",
    ),
    "mo_coverage": ("Cobertura del intervalo", "Interval coverage"),
    "mo_coverage_help": (
        "días en que el valor real quedó dentro del intervalo (se espera cerca de 80 %)",
        "days on which the true value fell inside the interval (about 80% is expected)",
    ),
    "mo_windows": ("Semanas comprobadas", "Weeks checked"),
    "mo_no_backtest": (
        "Sin comprobación: la historia aún es corta para medir el error del pronóstico.",
        "Not checked: the history is still too short to measure the forecast's error.",
    ),
    "mo_no_forecast": ("Sin pronóstico", "No forecast"),
    "mo_short_history": (
        "{days} días de historia; se necesitan al menos {needed} para que el modelo vea la semana.",
        "{days} days of history; at least {needed} are needed for the model to see the week.",
    ),
    # the crossing
    "mo_crossing": (
        "Paso fronterizo {code}: flujo y espera",
        "Crossing {code}: throughput and wait",
    ),
    "mo_crossing_help": (
        "Personas en las casetas de migraciones por hora y sentido el {day} ({tz}), casetas "
        "abiertas y espera media estimada (cola M/M/c). En una hora sobre su capacidad los "
        "conteos son de personas atendidas: la espera real fue mayor.",
        "People at the immigration booths per hour and direction on {day} ({tz}), booths open "
        "and the estimated mean wait (M/M/c queue). In an hour over capacity the counts are of "
        "people served: the real wait was longer.",
    ),
    "mo_target": ("Espera objetivo", "Target wait"),
    "mo_no_crossing": ("Sin datos del paso fronterizo", "No data for the crossing"),
    "mo_hour": ("Hora", "Hour"),
    "mo_direction": ("Sentido", "Direction"),
    "mo_people": ("Personas", "People"),
    "mo_booths_open": ("Casetas abiertas", "Booths open"),
    "mo_utilisation": ("Ocupación", "Utilisation"),
    "mo_mean_wait": ("Espera media (min)", "Mean wait (min)"),
    "mo_booths_needed": ("Casetas necesarias", "Booths needed"),
    "mo_not_reported": ("no informado", "not reported"),
    "mo_over_capacity": ("sobre capacidad", "over capacity"),
    "mo_no_counts": ("Sin conteos ese día.", "No counts that day."),
    "mo_direction_entry": ("entrada a {country}", "into {country}"),
    "mo_direction_exit": ("salida de {country}", "out of {country}"),
    "mo_queue_chart": (
        "{direction}: personas por hora y espera media",
        "{direction}: people per hour and mean wait",
    ),
    "mo_minutes": ("espera media (min)", "mean wait (min)"),
    "mo_country_CL": ("Chile", "Chile"),
    "mo_country_PE": ("Perú", "Peru"),
    # both sides' counts
    "mo_sides": ("Conteos de ambos lados", "Both sides' counts"),
    "mo_sides_help": (
        "Lo que un país registra saliendo por el paso frente a lo que el otro registra "
        "llegando, hora por hora, el {day} ({tz}). Diferencia: lado de salida menos lado de "
        "llegada.",
        "What one country records leaving through the crossing against what the other records "
        "arriving, hour by hour, on {day} ({tz}). Difference: leaving side minus arriving side.",
    ),
    "mo_travel": ("Viaje", "Travel"),
    "mo_category": ("Categoría", "Category"),
    "mo_counted_by": ("Contó {country}", "Counted by {country}"),
    "mo_difference": ("Diferencia", "Difference"),
    "mo_cat_visitor": ("visitantes", "visitors"),
    "mo_cat_resident": ("residentes", "residents"),
    "mo_cat_regular_migrant": ("migrantes regulares", "regular migrants"),
    "mo_cat_refused": ("rechazados en caseta", "refused at the booth"),
    "mo_cat_cargo_vehicle": ("vehículos de carga", "cargo vehicles"),
    "mo_cat_bus": ("buses", "buses"),
    # the records behind a figure
    "mo_drill": ("Registros detrás de la cifra", "Records behind the figure"),
    "mo_drill_help": (
        "Los registros que la cifra cuenta al corte, entre los que usted puede ver; los más "
        "recientes primero.",
        "The records the figure counts at the cut-off, among those you may see; the newest first.",
    ),
    "mo_uid": ("Identificador global", "Global id"),
    "mo_when": ("Fecha", "When"),
    "mo_detail": ("Detalle", "Detail"),
    "mo_total": ("Registros", "Records"),
    "mo_more_records": (
        "Se muestran los {shown} más recientes de {total}.",
        "The newest {shown} of {total} are shown.",
    ),
    "mo_no_records": ("Ningún registro detrás de esta cifra.", "No records behind this figure."),
    "mo_not_listed": (
        "Esta cifra no se cuenta a partir de registros que se puedan listar aquí.",
        "This figure is not counted from records that can be listed here.",
    ),
    "mo_see_also": ("Véase", "See"),
    "mo_back": ("Volver al tablero", "Back to the dashboard"),
    "mo_when_stranded_now": ("Ocurrió", "Occurred"),
    "mo_when_irregular_departures_per_day": ("Ocurrió", "Occurred"),
    "mo_when_interceptions_7d": ("Ocurrió", "Occurred"),
    "mo_when_weekend_visitors": ("Hora", "Hour"),
    "mo_when_vulnerable_waiting": ("Abierto", "Opened"),
    "mo_when_overdue_referrals": ("Plazo", "Deadline"),
    "mo_when_separation_alerts_open": ("Creada", "Created"),
    "mo_when_overdue_requests": ("Plazo", "Deadline"),
    "mo_detail_stranded_now": ("Personas", "People"),
    "mo_detail_irregular_departures_per_day": ("Personas", "People"),
    "mo_detail_interceptions_7d": ("Personas", "People"),
    "mo_detail_weekend_visitors": ("Nodo que informó", "Reporting node"),
    "mo_detail_vulnerable_waiting": ("Prioridad", "Priority"),
    "mo_detail_overdue_referrals": ("Servicio", "Service"),
    "mo_detail_separation_alerts_open": ("Niños separados", "Children separated"),
    "mo_detail_overdue_requests": ("Dirigida a", "Addressed to"),
    "mo_when_critical_sector_coverage": ("Turno desde", "Shift from"),
    "mo_detail_critical_sector_coverage": ("Nivel; patrullado o no", "Level; patrolled or not"),
    # a drill-down's detail as the API gives it, in the reader's language
    "mo_value_critical; patrolled": ("crítico; patrullado", "critical; patrolled"),
    "mo_value_critical; not patrolled": ("crítico; sin patrullar", "critical; not patrolled"),
    "mo_value_high; patrolled": ("alto; patrullado", "high; patrolled"),
    "mo_value_high; not patrolled": ("alto; sin patrullar", "high; not patrolled"),
    # the briefing
    "mo_from": ("Desde el día", "From the day"),
    "mo_to": ("Hasta el día (incluido)", "To the day (included)"),
    "mo_binational": (
        "Binacional: solo lo que ambos nodos comparten",
        "Binational: only what both nodes share",
    ),
    "mo_make_briefing": ("Preparar informe", "Prepare the briefing"),
    "mo_briefing_help": (
        "El informe del período: los indicadores al final y su cambio desde el inicio, las "
        "alertas, la situación humanitaria en agregados, gráficos y un mapa. Como máximo {days} "
        "días.",
        "The period's briefing: the indicators at its end and how they moved since its start, "
        "the alerts, the humanitarian situation in aggregates, charts and a map. At most {days} "
        "days.",
    ),
    "mo_bad_period": ("No se puede preparar el informe: {detail}", "No briefing: {detail}"),
    "mo_period": ("Período", "Period"),
    "mo_pdf": ("Descargar PDF", "Download the PDF"),
    "mo_pdf_help": (
        "el mismo informe, para imprimir o enviar",
        "the same briefing, to print or send",
    ),
}
