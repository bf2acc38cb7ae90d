"""JSON API routes of the matching loop."""

from ninja import Router

router = Router(tags=["matching"])
