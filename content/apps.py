from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from content.models import MetricImport
        from workspaces.jobs import InterruptibleJob, register_interruptible_job

        # content.tasks.import_metrics_csv holds the lease `metrics-import:<id>` while it runs.
        register_interruptible_job(
            InterruptibleJob(
                MetricImport,
                "metrics-import:",
                MetricImport.Status.RUNNING,
                MetricImport.Status.FAILED,
                "error",
            )
        )
