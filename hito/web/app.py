"""create_app(settings): the one factory used by the server, the CLI and the tests."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from sqlalchemy import text

from hito import __version__
from hito.auth.scoping import unscoped
from hito.db import make_engine, make_sessionmaker
from hito.exchange.delivery import Exchange
from hito.exchange.keys import KeyFileError, NodeKey, read_key
from hito.exchange.peers import link_states
from hito.exchange.worker import ExchangeWorker
from hito.humanitarian.follow_up import FollowUp
from hito.settings import Settings, get_settings
from hito.web import pages, problems
from hito.web.limits import BodySizeLimit
from hito.web.routes import (
    annotation,
    auth,
    crossings,
    events,
    exchange,
    family_unity,
    flows,
    humanitarian,
    identity,
    monitoring,
    node,
    patrol_logs,
    patrol_risk,
    patrols,
    people,
    places,
    referrals,
    requests,
)

log = logging.getLogger("hito")
API = "/api/v1"
STATIC = Path(__file__).parent / "static"


class LinkHealth(BaseModel):
    peer: str
    pending: int = Field(description="Envelopes not yet acknowledged by the peer")
    lag_seconds: float | None
    held: int = Field(description="Envelopes from the peer waiting for a missing one")
    first_gap: int | None
    failures: int
    last_error: str | None


class Health(BaseModel):
    status: str
    node: str
    database: str
    version: str
    links: list[LinkHealth] = Field(default_factory=list)


def _document_raw_bodies(app: FastAPI) -> None:
    """Add the schemas of bodies that routes validate from raw bytes to the OpenAPI document."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = generate()
            problems.document_body_problems(document)
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            for model in events.RAW_BODIES:
                schema = model.model_json_schema(ref_template=events.COMPONENTS + "{model}")
                for name, definition in schema.pop("$defs", {}).items():
                    schemas.setdefault(name, definition)
                schemas[model.__name__] = schema
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _node_key(settings: Settings) -> NodeKey | None:
    """This node's key, if `hito node init` made one; without it the node exchanges nothing."""
    try:
        return read_key(settings.key_path)
    except KeyFileError as error:
        if settings.key_path.exists():
            raise  # a key that is there but unusable is an error to mend, not to skip
        log.info("%s: the exchange is off", error)
        return None


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """With a key and `exchange` on, the exchange runs beside the app in this process."""
    settings: Settings = app.state.settings
    worker = None
    if settings.exchange and app.state.node_key is not None:
        worker = ExchangeWorker(Exchange(settings, app.state.sessionmaker, app.state.node_key))
        worker.start()
    app.state.exchange_worker = worker
    follow = FollowUp(
        app.state.sessionmaker, node=settings.node, interval=settings.follow_up_interval
    )
    follow.start()
    try:
        yield
    finally:
        follow.stop()
        if worker is not None:
            worker.stop()
        app.state.engine.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        lifespan=_lifespan,
        title="Hito API",
        version=__version__,
        description="Binational border cooperation platform, Chile–Peru (Arica–Tacna).",
        openapi_url=f"{API}/openapi.json",
        docs_url=f"{API}/docs",
        redoc_url=None,
    )
    engine = make_engine(settings.database_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.node_key = _node_key(settings)
    problems.install(app)
    for module in (
        auth,
        events,
        identity,
        people,
        places,
        annotation,
        requests,
        humanitarian,
        family_unity,
        referrals,
        patrols,
        patrol_logs,
        patrol_risk,
        crossings,
        monitoring,
        flows,
        node,
    ):
        app.include_router(module.router, prefix=API)
    app.include_router(exchange.router)

    @app.get(
        "/healthz",
        response_model=Health,
        tags=["health"],
        responses={503: {"model": Health, "description": "Database unreachable"}},
    )
    def healthz() -> JSONResponse:
        """Whether this node and its database are up."""
        links: list[LinkHealth] = []
        try:
            with app.state.sessionmaker() as session, unscoped(session):
                session.execute(text("SELECT 1"))
                links = [
                    LinkHealth(
                        peer=s.peer,
                        pending=s.pending,
                        lag_seconds=round(s.lag_seconds, 3) if s.lag_seconds is not None else None,
                        held=s.held,
                        first_gap=s.first_gap,
                        failures=s.failures,
                        last_error=s.last_error,
                    )
                    for s in link_states(session)
                ]
            database, status = "ok", 200
        except Exception as error:  # any driver error means "down" here
            database, status = f"error: {type(error).__name__}", 503
        body = Health(
            status="ok" if status == 200 else "degraded",
            node=settings.node,
            database=database,
            version=__version__,
            links=links,
        )
        return JSONResponse(body.model_dump(), status_code=status)

    _document_raw_bodies(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    leaflet = settings.node_modules / "leaflet" / "dist"
    if leaflet.is_dir():
        app.mount("/vendor/leaflet", StaticFiles(directory=leaflet), name="leaflet")
    app.include_router(pages.router)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    return app
