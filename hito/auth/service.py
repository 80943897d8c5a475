from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hito import audit
from hito.agencies.service import agency_by_code
from hito.auth.models import ApiToken, Role, UserAccount
from hito.auth.scope import Scope
from hito.db import utcnow
from hito.exc import Conflict, InvalidInput, Unauthenticated
from hito.settings import DEMO_PASSWORD

_hasher = PasswordHasher()
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 8


def _token_hash(token: str, secret_key: str) -> str:
    return hmac.new(secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()


def parse_roles(roles: list[str] | str) -> list[Role]:
    names = roles.replace(",", " ").split() if isinstance(roles, str) else roles
    if not names:
        raise InvalidInput("at least one role is needed")
    try:
        return sorted({Role(n.strip().lower()) for n in names})
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise InvalidInput(f"unknown role in {names!r}; known roles: {known}") from None


def create_user(
    session: Session,
    *,
    node: str,
    username: str,
    password: str,
    agency_code: str,
    roles: list[str] | str,
    scope: Scope | None = None,
) -> UserAccount:
    """A user of this node: of one of its country's agencies or of an international
    organisation working on its side; never of the other country's agencies."""
    if not USERNAME_RE.match(username):
        raise InvalidInput(
            "username must be 2–64 characters: lowercase letters, digits, '.', '_' or '-'"
        )
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"password must have at least {MIN_PASSWORD} characters")
    if session.scalar(select(UserAccount.id).where(UserAccount.username == username)):
        raise Conflict(f"user {username!r} already exists")
    agency = agency_by_code(session, code=agency_code)
    if agency.country not in (None, node):
        raise InvalidInput(
            f"{agency.code} is an agency of {agency.country}; this node serves {node}: "
            f"{agency.country}'s users are created on {agency.country}'s own node"
        )
    user = UserAccount(
        username=username,
        password_hash=_hasher.hash(password),
        agency=agency,
        roles=" ".join(r.value for r in parse_roles(roles)),
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        scope=scope or _system(node),
        action="user.create",
        object_type="user",
        object_ids=[username],
        detail={"agency": agency.code, "roles": user.roles},
    )
    return user


def _system(node: str) -> Scope:
    from hito.auth.scope import unrestricted

    return unrestricted(node)


def authenticate(
    session: Session, *, node: str, username: str, password: str, demo: bool = False
) -> UserAccount:
    """The active user with these credentials; the same error whatever was wrong.

    Outside demo mode the demo password is refused, so demo accounts left in a database
    cannot be used once the node runs for real.
    """
    # A name no account can have is not looked up (PostgreSQL refuses NUL characters outright).
    user = None
    if USERNAME_RE.match(username):
        user = session.scalar(select(UserAccount).where(UserAccount.username == username))
    try:
        if user is None or not user.active or (password == DEMO_PASSWORD and not demo):
            raise VerificationError
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise Unauthenticated("incorrect username or password") from None
    audit.record(
        session,
        scope=scope_for_user(user, node=node),
        action="auth.login",
        object_type="user",
        object_ids=[user.username],
    )
    return user


def record_failed_login(session: Session, *, node: str, username: str) -> None:
    """A refused login, in a transaction of its own (the request's is rolled back)."""
    shown = username if USERNAME_RE.match(username) else "(not a username)"
    audit.record(
        session,
        scope=_system(node),
        action="auth.login.fail",
        object_type="user",
        object_ids=[shown],
    )


def issue_token(session: Session, *, user: UserAccount, secret_key: str, ttl_minutes: int) -> str:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.execute(delete(ApiToken).where(ApiToken.expires_at < now))
    session.add(
        ApiToken(
            token_hash=_token_hash(token, secret_key),
            user_id=user.id,
            expires_at=now + dt.timedelta(minutes=ttl_minutes),
        )
    )
    session.flush()
    return token


def revoke_token(session: Session, *, token: str, secret_key: str) -> None:
    session.execute(delete(ApiToken).where(ApiToken.token_hash == _token_hash(token, secret_key)))


def scope_for_user(user: UserAccount, *, node: str) -> Scope:
    return Scope(
        user_id=user.id,
        username=user.username,
        agency_code=user.agency.code,
        agency_kind=user.agency.kind,
        country=user.agency.country,
        roles=user.role_set,
        node=node,
    )


def scope_for_token(session: Session, *, token: str, secret_key: str, node: str) -> Scope:
    row = session.scalar(
        select(ApiToken).where(ApiToken.token_hash == _token_hash(token, secret_key))
    )
    if row is None or row.expires_at < utcnow() or not row.user.active:
        raise Unauthenticated("invalid or expired token")
    return scope_for_user(row.user, node=node)
