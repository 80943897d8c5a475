"""Users, roles, API tokens and the permission scope."""

from hito.auth.models import ApiToken, Role, UserAccount
from hito.auth.scope import Scope, unrestricted
from hito.auth.service import (
    authenticate,
    create_user,
    issue_token,
    parse_roles,
    revoke_token,
    scope_for_token,
    scope_for_user,
)

__all__ = [
    "ApiToken",
    "Role",
    "Scope",
    "UserAccount",
    "authenticate",
    "create_user",
    "issue_token",
    "parse_roles",
    "revoke_token",
    "scope_for_token",
    "scope_for_user",
    "unrestricted",
]
