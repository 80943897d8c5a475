"""What a signature covers: canonical JSON (RFC 8785), the node's key file, signed requests."""

from __future__ import annotations

import math
import os
import stat
from pathlib import Path

import pytest
import rfc8785
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hito.exc import Conflict, InvalidInput
from hito.exchange.canonical import NotCanonical, canonical
from hito.exchange.keys import KeyFileError, create_key, load_public_key, read_key, verify

# The values Hito writes on the wire: ASCII keys; text (any Unicode, controls included);
# integers within ±2^53; finite floats below 10^16 in magnitude; booleans and null.
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False, min_value=-1e16, max_value=1e16).filter(
        lambda x: abs(x) < 1e16
    )
    | st.text(max_size=40)
)
keys = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=12)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=25,
)


@settings(max_examples=400, deadline=None)
@given(values)
@example([5.442327449619013e-6, 1.5e-7, -9.5e-7, 0.000123])  # orjson writes these with exponents
def test_canonical_json_is_rfc_8785_on_what_hito_writes(value: object) -> None:
    assert canonical(value) == rfc8785.dumps(value)


def test_canonical_json_refuses_what_it_does_not_cover() -> None:
    for value in [1e17, [2**60], {1: "a"}, b"bytes", object()]:
        with pytest.raises(NotCanonical):
            canonical(value)
    # NaN and infinities never reach it: every float of the wire models refuses them
    from hito.events.sharing import WireLocation

    for bad in (math.nan, math.inf):
        with pytest.raises(ValueError):
            WireLocation(lat=bad, lon=0.0)
    assert canonical({"b": 2.0, "a": [1.5, "ñ\n"]}) == b'{"a":[1.5,"\xc3\xb1\\n"],"b":2}'


def test_the_key_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "cl-node.key"
    key = create_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_key(path).fingerprint == key.fingerprint and len(key.fingerprint) == 64
    with pytest.raises(Conflict, match="already exists"):
        create_key(path)  # a node keeps its key
    os.chmod(path, 0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        read_key(path)
    os.chmod(path, 0o600)
    path.write_text("not a key")
    with pytest.raises(KeyFileError, match="not a PEM private key"):
        read_key(path)
    with pytest.raises(KeyFileError, match="hito node init"):
        read_key(tmp_path / "missing.key")


def test_signatures_verify_only_with_the_right_key_and_bytes(tmp_path: Path) -> None:
    one, other = create_key(tmp_path / "a.key"), create_key(tmp_path / "b.key")
    data = canonical({"seq": 1, "type": "event"})
    signature = one.sign(data)
    public = load_public_key(one.public_pem)
    assert verify(public, signature, data)
    assert not verify(public, signature, data + b" ")
    assert not verify(load_public_key(other.public_pem), signature, data)
    assert not verify(public, "not base64 at all!", data)
    with pytest.raises(InvalidInput, match="not a PEM public key"):
        load_public_key("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
