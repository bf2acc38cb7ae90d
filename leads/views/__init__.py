"""Pages of the leads app, one module per feature (preferences, executions, scoring, ...)."""
