"""The CSV import of leads and outcomes: reading a file (reading), writing its rows (row_writes,
importing), and the browser's upload, preview and queued job (uploads)."""
