from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def install_rollup_triggers(sender, using="default", **kwargs):
    """After every migrate: (re)create the rollup triggers; if any were missing (first install, or a
    migration rebuilt a table on SQLite), writes may have gone unrecorded, so recompute everything."""
    # These modules import analytics' models, which cannot load while the app registry is being built.
    from analytics import rollup_triggers, rollups  # noqa: PLC0415

    if connections[using].vendor not in ("postgresql", "sqlite") or using != "default":
        return
    if rollup_triggers.install():
        rollups.invalidate_all()


class AnalyticsConfig(AppConfig):
    name = "analytics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(install_rollup_triggers, sender=self)
