"""RFC 9457 problem+json: every error of the API has this one shape."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from hito.exc import HitoError

MEDIA_TYPE = "application/problem+json"
MAX_ERRORS = 100
log = logging.getLogger(__name__)


class Problem(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[dict[str, str]] = Field(
        default_factory=list, description="One entry per invalid field: field, message"
    )


def problem_response(
    status: int,
    title: str,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = Problem(
        title=title,
        status=status,
        detail=detail,
        errors=[{k: str(v) for k, v in e.items()} for e in (errors or [])[:MAX_ERRORS]],
    )
    return JSONResponse(
        body.model_dump(), status_code=status, media_type=MEDIA_TYPE, headers=headers
    )


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "form")]
    return ".".join(parts) or "body"


def field_errors(errors: list[Any]) -> list[dict[str, Any]]:
    result = []
    for error in errors:
        message = str(error.get("msg", "invalid"))
        if message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        result.append({"field": _field(tuple(error.get("loc", ()))), "message": message})
    return result


def _summary(errors: list[dict[str, Any]]) -> str:
    first = errors[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{first['field']}: {first['message']}{more}"


# psycopg refuses a NUL before sending (no SQLSTATE); PostgreSQL itself answers 22021
# (character not in repertoire) or 22P05 (untranslatable character).
_NUL_STATES = {"22021", "22P05"}


def _holds_nul(exc: DataError) -> bool:
    original = exc.orig
    state = getattr(original, "sqlstate", None)
    return state in _NUL_STATES or "NUL (0x00)" in str(original)


def install(app: FastAPI) -> None:
    @app.exception_handler(HitoError)
    async def _domain(_: Request, exc: HitoError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return problem_response(exc.status, exc.title, exc.detail, exc.errors, headers)

    @app.exception_handler(RequestValidationError)
    async def _request(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = field_errors(list(exc.errors()))
        if not errors:
            errors = [{"field": "body", "message": "invalid request"}]
        return problem_response(422, "Invalid input", _summary(errors), errors)

    @app.exception_handler(ValidationError)
    async def _model(_: Request, exc: ValidationError) -> JSONResponse:
        errors = field_errors(list(exc.errors()))
        return problem_response(422, "Invalid input", _summary(errors), errors)

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> JSONResponse:
        """A NUL character reaching PostgreSQL, which stores none in any text, is the client's
        input (validation refuses it first; this is the net under it): 422, the transaction
        rolled back. Any other data error is a fault of the server, and stays a 500."""
        if not _holds_nul(exc):
            log.error("database error on %s %s", request.method, request.url.path, exc_info=exc)
            return problem_response(500, "Internal server error", "the server failed; it is logged")
        log.warning("a NUL character reached the database on %s %s", request.method,
                    request.url.path)  # fmt: skip
        return problem_response(
            422, "Invalid input", "a text value holds a NUL character, which cannot be stored"
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        titles = {
            400: "Bad request",
            401: "Not authenticated",
            404: "Not found",
            405: "Method not allowed",
            413: "Request too large",
        }
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            headers["Allow"] = _allowed_methods(request)
        return problem_response(
            exc.status_code,
            titles.get(exc.status_code, "Error"),
            str(exc.detail),
            headers=headers or None,
        )


def _allowed_methods(request: Request) -> str:
    """Methods the OpenAPI document gives for this path (Starlette names only one route's)."""
    app = request.app
    if not hasattr(app.state, "path_methods"):
        table = []
        for template, operations in app.openapi()["paths"].items():
            # every path parameter of this API is an integer id
            pattern = re.sub(r"\\\{[^}]+\\\}", "[0-9]+", re.escape(template))
            table.append((re.compile(f"^{pattern}$"), {m.upper() for m in operations}))
        app.state.path_methods = table
    methods: set[str] = set()
    for pattern, verbs in app.state.path_methods:
        if pattern.match(request.url.path):
            methods |= verbs
    return ", ".join(sorted(methods))


def document_body_problems(document: dict[str, Any]) -> None:
    """Every operation that reads a body can answer 400 (unparseable) and 413 (too large):
    say so once here, so no route can forget it."""
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                responses = operation.setdefault("responses", {})
                for status, spec in documented(400, 413).items():
                    responses.setdefault(str(status), spec)


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the problem statuses a route can answer."""
    descriptions = {
        400: "Malformed request",
        401: "Not authenticated",
        403: "Not allowed for your roles",
        404: "Not found, or not visible to you",
        409: "Conflict with the stored version",
        413: "Request body too large",
        422: "Invalid input, one message per field",
        503: "Not available on this node now",
    }
    schema = Problem.model_json_schema()
    return {
        status: {"description": descriptions[status], "content": {MEDIA_TYPE: {"schema": schema}}}
        for status in statuses
    }
