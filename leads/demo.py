"""Demo data for both leads loops (each loop seeds its own part)."""

from importlib import import_module
from importlib.util import find_spec

PARTS = [("leads.demo_loop1", "seed_loop1"), ("leads.demo_loop2", "seed_loop2")]


def seed(workspace, user):
    for module_name, function_name in PARTS:
        if find_spec(module_name):
            getattr(import_module(module_name), function_name)(workspace, user)
