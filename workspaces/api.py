"""API routes about the token's own workspace, and an unauthenticated health check."""

from django.db import connection
from ninja import Router, Schema

router = Router(tags=["workspace"])


class WorkspaceOut(Schema):
    id: str
    name: str
    slug: str
    timezone: str
    token_name: str
    token_can_write: bool


class HealthOut(Schema):
    status: str
    database: str


@router.get("/workspace", response=WorkspaceOut, summary="The workspace this token belongs to")
def current_workspace(request):
    workspace = request.workspace
    return {
        "id": str(workspace.id),
        "name": workspace.name,
        "slug": workspace.slug,
        "timezone": workspace.timezone,
        "token_name": request.auth.name,
        "token_can_write": request.auth.allows_write,
    }


@router.get("/health", response={200: HealthOut, 503: HealthOut}, auth=None, summary="Liveness")
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means "not healthy", never a 500
        return 503, {"status": "unavailable", "database": "unreachable"}
    return {"status": "ok", "database": connection.vendor}
