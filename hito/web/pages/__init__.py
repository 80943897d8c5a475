"""Server-rendered pages, one module per capability as the API's routes are. Spanish first."""

from fastapi import APIRouter

from hito.web.pages import (
    auth,
    events,
    exchange,
    humanitarian,
    identity,
    map,
    monitoring,
    patrol_logs,
    patrol_risk,
    patrols,
    requests,
)

router = APIRouter(include_in_schema=False)
for module in (
    auth,
    events,
    map,
    exchange,
    requests,
    humanitarian,
    identity,
    patrols,
    patrol_risk,
    patrol_logs,
    monitoring,
):
    router.include_router(module.router)

__all__ = ["router"]
