"""The workspaces app: tenancy, roles, tokens."""

from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import pre_delete


class WorkspacesConfig(AppConfig):
    name = "workspaces"
    verbose_name = "Workspaces and access"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # workspaces.services imports the models, which cannot load before the registry is ready.
        from workspaces.services import revoke_tokens_made_by  # noqa: PLC0415

        # Deleting a user would leave their tokens without a creator to check at each call.
        pre_delete.connect(
            revoke_tokens_made_by, sender=settings.AUTH_USER_MODEL, dispatch_uid="revoke-tokens"
        )
