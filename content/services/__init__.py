"""Services of the content loop: the one place pages, API routes, commands and tasks change data."""
