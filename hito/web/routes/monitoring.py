"""Monitoring over the API: the committee's indicators, alerts past a threshold, the records
behind a figure, and exports."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from hito.monitoring import forecasts, indicators
from hito.monitoring.export import write_indicators
from hito.monitoring.forecasts import Forecast
from hito.monitoring.schemas import (
    Drill,
    ExportQuery,
    ForecastQuery,
    IndicatorQuery,
    IndicatorValue,
)
from hito.web.deps import CurrentScope, SessionDep
from hito.web.problems import documented

router = APIRouter(tags=["monitoring"])
IndicatorName = Annotated[str, Path(pattern=r"^[a-z0-9_]{1,64}$")]
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "hxl": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get(
    "/monitoring/indicators",
    response_model=list[IndicatorValue],
    responses=documented(401, 422),
)
def list_indicators(
    query: Annotated[IndicatorQuery, Query()], scope: CurrentScope, session: SessionDep
) -> list[IndicatorValue]:
    """Every indicator with its definition, its value over what you may see, and its level
    against the thresholds."""
    return indicators.indicators(session, scope=scope, at=query.at, lang=query.lang)


@router.get(
    "/monitoring/alerts", response_model=list[IndicatorValue], responses=documented(401, 403, 422)
)
def list_alerts(
    query: Annotated[IndicatorQuery, Query()], scope: CurrentScope, session: SessionDep
) -> list[IndicatorValue]:
    """Indicators past a threshold, the critical first (duty supervisors)."""
    return indicators.alerts(session, scope=scope, at=query.at, lang=query.lang)


@router.get(
    "/monitoring/indicators/{indicator}/records",
    response_model=Drill,
    responses=documented(401, 404, 422),
)
def drill_down(
    indicator: IndicatorName,
    query: Annotated[IndicatorQuery, Query()],
    scope: CurrentScope,
    session: SessionDep,
) -> Drill:
    """The records an indicator counts (those you may see), newest first."""
    return indicators.drill_down(session, scope=scope, indicator=indicator, at=query.at)


@router.get(
    "/monitoring/export",
    response_class=Response,
    responses={
        200: {"content": {m: {} for m in MEDIA.values()}, "description": "The indicators"},
        **documented(401, 422),
    },
)
def export_indicators(
    query: Annotated[ExportQuery, Query()], scope: CurrentScope, session: SessionDep
) -> Response:
    """The indicators as CSV, HXL or Excel."""
    values = indicators.indicators(session, scope=scope, at=query.at, lang=query.lang)
    return Response(
        write_indicators(values, query.format),
        media_type=MEDIA[query.format],
        headers={"Content-Disposition": f'attachment; filename="indicadores.{query.format}"'},
    )


@router.get("/monitoring/forecasts", response_model=Forecast, responses=documented(401, 422))
def forecast(
    query: Annotated[ForecastQuery, Query()], scope: CurrentScope, session: SessionDep
) -> Forecast:
    """A daily series over what you may see, its forecast with 80% prediction intervals, and
    how far off the same model was on the last weeks (backtest)."""
    return forecasts.forecast(
        session, scope=scope, series=query.series, at=query.at, horizon=query.horizon
    )
