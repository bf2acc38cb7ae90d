"""The cross-loop dashboard: collects each loop's cards from its summaries module."""

import logging
from importlib import import_module
from importlib.util import find_spec

logger = logging.getLogger(__name__)

LOOPS = [
    ("leads", "Leads"),
    ("content", "Content"),
    ("matching", "Matching"),
    ("feedback", "Output feedback"),
]


def dashboard_sections(workspace):
    sections = []
    for app, label in LOOPS:
        module_name = f"{app}.summaries"
        cards = []
        if find_spec(module_name):
            cards = import_module(module_name).dashboard_cards(workspace)
        sections.append({"app": app, "label": label, "cards": cards})
    return sections
