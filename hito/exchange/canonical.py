"""Canonical JSON: the bytes a signature covers.

Hito signs the RFC 8785 (JSON Canonicalization Scheme) form of its documents. For the values Hito
writes — objects with ASCII keys, text, booleans, null, integers below 2^53 and finite floats
below 10^16 in magnitude — orjson with sorted keys produces exactly those bytes once a float with
an integral value is written as an integer (RFC 8785 writes 2.0 as ``2``); a test compares the
two over that whole domain. orjson is used because it is about 70 times faster than the
pure-Python reference, which matters at thousands of envelopes a second.
"""

from __future__ import annotations

import hashlib
import math
import re
from decimal import Decimal
from typing import Any

import orjson

_LIMIT = 1e16
_INTEGER_LIMIT = 2**53


class NotCanonical(ValueError):
    """A value outside what Hito's canonical form covers."""


def _normalise(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        if abs(value) >= _INTEGER_LIMIT:
            raise NotCanonical(f"integer {value} is too large for canonical JSON")
        return value
    if isinstance(value, float):
        if not math.isfinite(value) or abs(value) >= _LIMIT:
            raise NotCanonical(f"number {value!r} is outside what canonical JSON writes")
        return int(value) if value.is_integer() else value
    if isinstance(value, dict):
        normalised = {}
        for key, item in value.items():
            if not isinstance(key, str) or not key.isascii():
                raise NotCanonical(f"object key {key!r} is not ASCII text")
            normalised[key] = _normalise(item)
        return normalised
    if isinstance(value, list | tuple):
        return [_normalise(item) for item in value]
    raise NotCanonical(f"{type(value).__name__} has no canonical JSON form")


# Where orjson's output could differ from RFC 8785: a float with an integral value ("2.0"), or
# in exponent form. Text that merely looks like one only costs the slower path.
_FLOAT_FORMS = re.compile(rb"(?:^|[:,\[])-?\d+(?:\.0|(?:\.\d+)?[eE][+-]?\d+)(?:$|[,}\]])")
_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_STRICT_INTEGER


def canonical(value: Any) -> bytes:
    """The RFC 8785 bytes of ``value`` (a JSON-like structure with ASCII keys and finite
    numbers, as every wire model of Hito ensures). Integers beyond 2^53 are refused."""
    try:
        out = orjson.dumps(value, option=_OPTIONS)
    except orjson.JSONEncodeError as error:
        raise NotCanonical(str(error)) from None
    if _FLOAT_FORMS.search(out) is None:
        return out
    return _write(_normalise(value))


def _write(value: Any) -> bytes:
    """The slow path: RFC 8785 by hand for structures, numbers as ECMAScript writes them,
    text as orjson does (the same escapes)."""
    if isinstance(value, float):
        return _number(value).encode()
    if isinstance(value, dict):
        items = (orjson.dumps(k) + b":" + _write(value[k]) for k in sorted(value))
        return b"{" + b",".join(items) + b"}"
    if isinstance(value, list):
        return b"[" + b",".join(_write(item) for item in value) + b"]"
    return orjson.dumps(value)


def _number(value: float) -> str:
    """ECMAScript's Number::toString of a finite, non-integral float (RFC 8785, section 3.2.2.3):
    the shortest digits that round-trip (Python's repr finds the same), in fixed notation from
    10^-6 up, in exponent form below."""
    sign, digits, exponent = Decimal(repr(value)).as_tuple()
    assert isinstance(exponent, int)
    text = "".join(map(str, digits)).rstrip("0") or "0"
    k = len(text)
    n = exponent + len(digits)  # the value is 0.text × 10^n
    minus = "-" if sign else ""
    if 0 < n <= 21:
        whole = text[:n] + "0" * max(0, n - k)
        rest = text[n:]
        return minus + whole + ("." + rest if rest else "")
    if -6 < n <= 0:
        return minus + "0." + "0" * -n + text
    mantissa = text[0] + ("." + text[1:] if k > 1 else "")
    return f"{minus}{mantissa}e{'+' if n - 1 > 0 else '-'}{abs(n - 1)}"


def sha256_hex(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()
