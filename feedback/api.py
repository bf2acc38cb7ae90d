"""JSON API routes of the feedback loop."""

from ninja import Router

router = Router(tags=["feedback"])
