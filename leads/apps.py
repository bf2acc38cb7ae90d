from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "leads"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from leads.models import Execution, ExecutionStatus, ImportStatus, LeadImport
        from workspaces.jobs import InterruptibleJob, register_interruptible_job

        # Their tasks hold the lease `import:<id>` / `execution:<id>` while they run.
        register_interruptible_job(
            InterruptibleJob(LeadImport, "import:", ImportStatus.RUNNING, ImportStatus.FAILED, "failure")
        )
        register_interruptible_job(
            InterruptibleJob(
                Execution,
                "execution:",
                ExecutionStatus.RUNNING,
                ExecutionStatus.FAILED,
                "error",
                {"progress": 100, "progress_message": "Failed."},
            )
        )
