"""Pages of the content app, one module per feature (winners, brands, imports, search)."""
