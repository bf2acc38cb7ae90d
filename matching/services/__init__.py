"""Services of the matching app (the logic behind pages, API, commands and tasks), one module per feature."""
