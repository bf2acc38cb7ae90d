"""Objects of a workspace for the tenant isolation test, by URL kwarg name."""

from tests.workspaces.factories import ApiTokenFactory, WorkerHeartbeatFactory

OBJECT_FACTORIES = {
    "token_id": lambda workspace: ApiTokenFactory(workspace=workspace).id,
    "heartbeat_id": lambda workspace: WorkerHeartbeatFactory(workspace=workspace).id,
}
