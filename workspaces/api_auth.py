"""Bearer-token authentication for the JSON API; the token decides the workspace."""

from datetime import timedelta

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from ninja.security import HttpBearer

from workspaces.models import ApiToken, Membership, Role, hash_token

# Writing last_used_at on every call would turn every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        if not token or len(token) > 200:
            return None
        creator_role = Membership.objects.filter(
            workspace=OuterRef("workspace"), user=OuterRef("created_by")
        ).values("role")[:1]
        api_token = (
            ApiToken.objects.active()
            .select_related("workspace", "created_by")
            .annotate(creator_role=Subquery(creator_role))
            .filter(token_hash=hash_token(token))
            .first()
        )
        if api_token is None:
            return None
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
