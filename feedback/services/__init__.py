"""Services of the feedback loop (the writes behind pages, API, command and tasks), one module per feature."""
