"""Text fields that every backend can store: no NUL or control characters, no lone surrogates."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _clean(value: str) -> str:
    match = _FORBIDDEN.search(value)
    if match:
        raise ValueError(
            f"contains a control character or invalid code point (U+{ord(match.group()):04X}) "
            f"at position {match.start()}"
        )
    return value


def _clean_line(value: str) -> str:
    _clean(value)
    if "\n" in value or "\r" in value or "\t" in value:
        raise ValueError("must be a single line")
    return value


Text = Annotated[str, AfterValidator(_clean)]
# Not stripped: a length limit must hold for the text as sent (the OpenAPI maxLength).
Line = Annotated[str, AfterValidator(_clean_line)]
