"""The leads app: preferences, agents and their runs, lead feedback, scoring and outcomes."""

from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "leads"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Models (and the tasks, which import services and models) load only once every app is
        # ready, so these imports cannot sit at the top of this module.
        from leads.models import Execution, ExecutionStatus, ImportStatus, LeadImport  # noqa: PLC0415
        from leads.tasks import call_list, executions, imports, scoring, webhooks  # noqa: F401, PLC0415
        from workspaces.jobs import InterruptibleJob, register_interruptible_job  # noqa: PLC0415

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
