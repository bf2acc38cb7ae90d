"""Models of the matching loop."""
