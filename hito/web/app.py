"""create_app(settings): the one factory used by the server, the CLI and the tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from sqlalchemy import text

from hito import __version__
from hito.db import make_engine, make_sessionmaker
from hito.settings import Settings, get_settings
from hito.web import pages, problems
from hito.web.limits import BodySizeLimit
from hito.web.routes import auth, events, identity, people, places

API = "/api/v1"
STATIC = Path(__file__).parent / "static"


class Health(BaseModel):
    status: str
    node: str
    database: str
    version: str


def _document_raw_bodies(app: FastAPI) -> None:
    """Add the schemas of bodies that routes validate from raw bytes to the OpenAPI document."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = generate()
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            for model in events.RAW_BODIES:
                schema = model.model_json_schema(ref_template=events.COMPONENTS + "{model}")
                for name, definition in schema.pop("$defs", {}).items():
                    schemas.setdefault(name, definition)
                schemas[model.__name__] = schema
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
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
    problems.install(app)
    for module in (auth, events, identity, people, places):
        app.include_router(module.router, prefix=API)

    @app.get(
        "/healthz",
        response_model=Health,
        tags=["health"],
        responses={503: {"model": Health, "description": "Database unreachable"}},
    )
    def healthz() -> JSONResponse:
        """Whether this node and its database are up."""
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            database, status = "ok", 200
        except Exception as error:  # any driver error means "down" here
            database, status = f"error: {type(error).__name__}", 503
        body = Health(
            status="ok" if status == 200 else "degraded",
            node=settings.node,
            database=database,
            version=__version__,
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
