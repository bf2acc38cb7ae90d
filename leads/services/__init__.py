"""Services of the leads app (the logic behind pages, API and commands), one module per feature."""
