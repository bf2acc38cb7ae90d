"""The nightly rescoring of open leads (recency grows, so quiet leads decay in their history)."""

from celery import shared_task

from leads.services.call_list import open_leads, rescore_open_leads
from workspaces.locks import job_lease
from workspaces.models import Workspace


@shared_task(bind=True, acks_late=True, name="leads.tasks.call_list.rescore_open_leads_nightly")
def rescore_open_leads_nightly(self):
    """Nightly beat entry: rescore the open leads of every workspace that has some (one task each),
    so days since the last contact or engagement grow and a quiet lead's score decays visibly."""
    sent = 0
    for workspace in Workspace.objects.all().order_by("pk"):
        if open_leads(workspace).exists():
            rescore_workspace_open_leads.delay(str(workspace.id))
            sent += 1
    return sent


@shared_task(bind=True, acks_late=True, name="leads.tasks.call_list.rescore_workspace_open_leads")
def rescore_workspace_open_leads(self, workspace_id):
    """One workspace's open leads rescored (at most one run at a time per workspace)."""
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None:
        return "workspace gone"
    with job_lease(f"rescore:{workspace.id}") as acquired:
        if not acquired:
            return "busy"
        return rescore_open_leads(workspace)
