"""The CSV import of leads and outcomes, run by the worker."""

from celery import shared_task

from leads.services.imports.importing import run_lead_import
from workspaces.locks import job_lease


@shared_task(bind=True, acks_late=True, name="leads.tasks.scoring.run_import")
def run_import(self, import_id):
    # Renewed while the import runs; a dead worker's job is failed by the reaper, and the upload
    # can be imported again (rows are upserted by id, so nothing is stored twice).
    with job_lease(f"import:{import_id}") as acquired:
        if acquired:
            run_lead_import(import_id)
