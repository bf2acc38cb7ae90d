"""Pages of the matching app, one module per feature (sessions, analytics, providers, imports)."""
