"""Models of the leads app; each module holds one part of the domain (add your import line)."""

from leads.models.leads import Lead  # noqa: F401
