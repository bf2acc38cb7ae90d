"""Dashboard cards of both leads loops (each loop describes its own part)."""

from importlib import import_module
from importlib.util import find_spec

PARTS = ["leads.summaries_loop1", "leads.summaries_loop2"]


def dashboard_cards(workspace):
    cards = []
    for module_name in PARTS:
        if find_spec(module_name):
            cards.extend(import_module(module_name).dashboard_cards(workspace))
    return cards
