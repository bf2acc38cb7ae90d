"""Lead scoring learning code: pure functions on dataframes and arrays (no Django)."""
