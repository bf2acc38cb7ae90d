"""Bearer-token authentication for the JSON API; the token decides the workspace."""

from datetime import timedelta

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from ninja.security import HttpBearer

from workspaces.models import ApiToken, Membership, Role, hash_token

# Writing last_used_at on every call would turn every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# The creator's columns this check does not read (they load if something asks for them later).
CREATOR_UNUSED = [
    f"created_by__{name}"
    for name in ("password", "last_login", "first_name", "last_name", "email", "date_joined")
]


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        if not token or len(token) > 200:
            return None
        creator_role = Membership.objects.filter(
            workspace=OuterRef("workspace"), user=OuterRef("created_by")
        ).values("role")[:1]
        # One row at most (the hash is unique): no ORDER BY; of the creator only what is checked.
        found = list(
            ApiToken.objects.active()
            .select_related("workspace", "created_by")
            .defer(*CREATOR_UNUSED)
            .annotate(creator_role=Subquery(creator_role))
            .filter(token_hash=hash_token(token))
            .order_by()[:1]
        )
        if not found:
            return None
        api_token = found[0]
        # Checked at every call, not when the token was made: a creator who was removed (or
        # deactivated) leaves a token that opens nothing, one demoted to viewer a read-only one.
        creator = api_token.created_by
        if creator is not None and not creator.is_superuser:
            if not creator.is_active or api_token.creator_role is None:
                return None
            api_token.creator_can_write = api_token.creator_role in (Role.OWNER, Role.MEMBER)
        elif creator is not None and not creator.is_active:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.workspace = api_token.workspace
        return api_token
