"""Domain exceptions. They are turned into RFC 9457 problem+json once, in ``web/app.py``."""

from __future__ import annotations

from typing import Any


class Term(str):
    """A refusal's parameter that the pages say in the reader's words: the catalog key that
    names it (`svc_health`, `bed_families`)."""


class HitoError(Exception):
    """`detail` is English and is what the API answers; `key` (with `params`) optionally names
    the same refusal in the pages' catalog (hito/web/i18n*.py), so that a page can say it in
    the reader's language. The API never shows the key."""

    status = 400
    title = "Bad request"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        key: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.key = key
        self.params = dict(params or {})


class InvalidInput(HitoError):
    status = 422
    title = "Invalid input"


class NotFound(HitoError):
    """Raised both when a record does not exist and when the caller may not see it."""

    status = 404
    title = "Not found"


class Unauthenticated(HitoError):
    status = 401
    title = "Not authenticated"


class Forbidden(HitoError):
    status = 403
    title = "Forbidden"


class Conflict(HitoError):
    status = 409
    title = "Conflict"


class Unavailable(HitoError):
    status = 503
    title = "Service unavailable"
