"""JSON API of the leads app: one sub-router per feature module (add yours below)."""

from ninja import Router

router = Router(tags=["leads"])

from leads.api import agents, executions, lead_feedback, performance, preferences  # noqa: E402

router.add_router("", preferences.router)
router.add_router("", executions.router)
router.add_router("", agents.router)
router.add_router("", lead_feedback.router)
router.add_router("", performance.router)

from leads.api import outcomes, scoring  # noqa: E402

router.add_router("", scoring.router)
router.add_router("", outcomes.router)

from leads.api import call_list  # noqa: E402

router.add_router("", call_list.router)
