"""Bearer-token authentication for the JSON API; the token decides the workspace."""

from datetime import timedelta

from django.utils import timezone
from ninja.security import HttpBearer

from workspaces.models import ApiToken, hash_token

# Writing last_used_at on every call would turn every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        if not token or len(token) > 200:
            return None
        api_token = (
            ApiToken.objects.active().select_related("workspace").filter(token_hash=hash_token(token)).first()
        )
        if api_token is None:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.workspace = api_token.workspace
        return api_token
