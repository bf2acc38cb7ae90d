from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Models can only be imported once the app registry is ready, i.e. here, not at module level.
        from content.models import MetricImport  # noqa: PLC0415
        from workspaces.jobs import InterruptibleJob, register_interruptible_job  # noqa: PLC0415

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
