"""Forms of the leads app, one module per feature."""
