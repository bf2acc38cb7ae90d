"""Models of the content loop."""
