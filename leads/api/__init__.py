"""JSON API of the leads app: one sub-router per feature module (add yours below)."""

from ninja import Router

router = Router(tags=["leads"])
