"""Pages of the feedback app, one module per feature (entries, imports, patterns, reports)."""
