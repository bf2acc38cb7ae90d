"""Bearer-token authentication for the JSON API; the token decides the workspace."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connections, router
from django.utils import timezone
from ninja.security import HttpBearer

from core.rows import column, columns, instance_from_row, table
from workspaces.models import ApiToken, Membership, Role, Workspace, hash_token

# Writing last_used_at on every call would turn every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# What the request uses of its token and its workspace (the rest loads if something asks for it).
TOKEN_FIELDS = ("id", "workspace_id", "can_write", "created_by_id")
WORKSPACE_FIELDS = ("name", "slug", "timezone")


def _lookup_sql(connection) -> str:
    """The active token with the given hash, its workspace's columns, its creator's state, the
    creator's current role in the workspace and whether last_used_at is older than the given
    time, in one query.

    Raw SQL: the ORM took about 3 ms to build this query (select_related, a subquery), more than an
    outcome's whole write (docs/bench.md, scenario 5); tests/workspaces/test_token_lookup.py pins it
    against the ORM's answer for every token state."""

    def col(model, name, alias):
        return column(connection, model, name, alias)

    user = get_user_model()
    return (
        f"SELECT {columns(connection, ApiToken, TOKEN_FIELDS, 't')}, {columns(connection, Workspace, WORKSPACE_FIELDS, 'w')}, "
        f"{columns(connection, user, ('is_active', 'is_superuser'), 'u')}, "
        f"(SELECT {col(Membership, 'role', 'm')} FROM {table(connection, Membership)} m "
        f"WHERE {col(Membership, 'workspace', 'm')} = {col(ApiToken, 'workspace', 't')} "
        f"AND {col(Membership, 'user', 'm')} = {col(ApiToken, 'created_by', 't')} LIMIT 1), "
        f"CASE WHEN {col(ApiToken, 'last_used_at', 't')} IS NULL OR {col(ApiToken, 'last_used_at', 't')} < %s "
        f"THEN 1 ELSE 0 END FROM {table(connection, ApiToken)} t "
        f"JOIN {table(connection, Workspace)} w ON {col(Workspace, 'id', 'w')} = {col(ApiToken, 'workspace', 't')} "
        f"LEFT JOIN {table(connection, user)} u ON {col(user, 'id', 'u')} = {col(ApiToken, 'created_by', 't')} "
        # ApiToken.objects.active()
        f"WHERE {col(ApiToken, 'token_hash', 't')} = %s AND {col(ApiToken, 'revoked_at', 't')} IS NULL"
    )


def find_active_token(raw_token: str, used_before=None) -> ApiToken | None:
    """The active token for a raw value, with its workspace loaded and `creator_role`,
    `creator_active`, `creator_superuser` set from its creator (None when it has none), and
    `needs_last_used` when its last use is older than `used_before` (or never)."""
    connection = connections[router.db_for_read(ApiToken)]
    used_before = used_before or timezone.now()
    params = [
        ApiToken._meta.get_field("last_used_at").get_db_prep_value(used_before, connection),
        hash_token(raw_token),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_lookup_sql(connection), params)
        row = cursor.fetchone()
    if row is None:
        return None
    n = len(TOKEN_FIELDS)
    api_token = instance_from_row(ApiToken, connection.alias, TOKEN_FIELDS, row[:n])
    workspace_values = [api_token.workspace_id, *row[n : n + len(WORKSPACE_FIELDS)]]
    api_token.workspace = instance_from_row(
        Workspace, connection.alias, ("id", *WORKSPACE_FIELDS), workspace_values
    )
    active, superuser, role, stale = row[n + len(WORKSPACE_FIELDS) :]
    api_token.creator_active, api_token.creator_superuser = bool(active), bool(superuser)
    api_token.creator_role, api_token.needs_last_used = role, bool(stale)
    return api_token


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        if not token or len(token) > 200:
            return None
        now = timezone.now()
        api_token = find_active_token(token, used_before=now - LAST_USED_RESOLUTION)
        if api_token is None:
            return None
        # Checked at every call, not when the token was made: a creator who was removed (or
        # deactivated) leaves a token that opens nothing, one demoted to viewer a read-only one.
        if api_token.created_by_id is not None:
            if not api_token.creator_active:
                return None
            if not api_token.creator_superuser:
                if api_token.creator_role is None:
                    return None
                api_token.creator_can_write = api_token.creator_role in (Role.OWNER, Role.MEMBER)
        if api_token.needs_last_used:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.workspace = api_token.workspace
        return api_token
