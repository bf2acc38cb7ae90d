"""JSON API routes of the content loop."""

from ninja import Router

router = Router(tags=["content"])
