"""Admin of the leads app; each feature registers its models in its own module (import it here)."""

from leads.admin import leads, preferences, scoring  # noqa: F401
