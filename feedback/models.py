"""Models of the feedback loop."""
