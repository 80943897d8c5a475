"""A node's Ed25519 key pair, kept in a file outside the database that only its owner reads.

The private key is a PKCS#8 PEM file created with mode 0600; the public key travels as a
SubjectPublicKeyInfo PEM (``hito node public-key``) and is known to peers by its fingerprint, the
SHA-256 of its 32 raw bytes. Signatures are base64url without padding (as in JWS, RFC 7515).
"""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from hito.exc import Conflict, InvalidInput


class KeyFileError(Exception):
    """The node's key file is missing, unreadable or not an Ed25519 key."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def fingerprint(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def public_pem(public: Ed25519PublicKey) -> str:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def load_public_key(pem: str) -> Ed25519PublicKey:
    """A peer's public key from its PEM text; InvalidInput when it is not an Ed25519 key."""
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except (ValueError, TypeError):
        raise InvalidInput(
            "not a PEM public key (expected the output of `hito node public-key`)"
        ) from None
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidInput(f"the key is {type(key).__name__}, not Ed25519")
    return key


def verify(public: Ed25519PublicKey, signature: str, data: bytes) -> bool:
    try:
        public.verify(unb64url(signature), data)
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True)
class NodeKey:
    """This node's signing key."""

    private: Ed25519PrivateKey

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public)

    @property
    def public_pem(self) -> str:
        return public_pem(self.public)

    def sign(self, data: bytes) -> str:
        return b64url(self.private.sign(data))


def create_key(path: Path) -> NodeKey:
    """Write a new key pair to ``path`` (mode 0600); refuse to overwrite an existing key."""
    if path.exists():
        raise Conflict(f"{path} already exists: a node keeps its key (move it away to replace it)")
    path.parent.mkdir(parents=True, exist_ok=True)
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return NodeKey(private)


def read_key(path: Path) -> NodeKey:
    """This node's key from ``path``; KeyFileError says what is wrong and how to mend it."""
    if not path.exists():
        raise KeyFileError(f"no node key at {path}: run `hito node init` first")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise KeyFileError(
            f"{path} is readable by other users (mode {mode:o}); run `chmod 600 {path}`"
        )
    try:
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as error:
        raise KeyFileError(f"{path} is not a PEM private key: {error}") from None
    if not isinstance(private, Ed25519PrivateKey):
        raise KeyFileError(f"{path} holds a {type(private).__name__}, not an Ed25519 key")
    return NodeKey(private)
