"""The dashboard beside its figures: which loops have data yet, and each loop's first step."""

from django.urls import reverse

from content.models import DailyMetric, WinnerDecision
from feedback.models import FeedbackEntry
from leads.models import Execution, Lead
from matching.models import MatchingSession

# Per loop of the figures (analytics/figures.py LOOPS): the first steps that give it data.
FIRST_STEPS = {
    "leads": [
        (
            "Set preferences and run a recipe",
            "Say which leads you want, add an agent and run one of its recipes: loop 1 starts counting.",
            "leads:preferences",
        ),
        (
            "Import leads with outcomes",
            "A CSV of past leads with won or lost: the scoring model learns from them.",
            "leads:import_start",
        ),
    ],
    "content": [
        (
            "Upload post metrics",
            "Daily impressions, clicks and conversions per post: the nightly job picks winners.",
            "content:upload",
        ),
    ],
    "matching": [
        (
            "Start a matching session",
            "Rank providers for a customer and record the choice: weights are learned from choices.",
            "matching:index#start-form",
        ),
    ],
    "feedback": [
        (
            "Send output feedback",
            "Rate a generated output (or send ratings through the API): reports and patterns follow.",
            "feedback:entry_create",
        ),
    ],
}


def loops_with_data(workspace):
    """The loops that have recorded anything yet (at any time, not only in the period shown)."""
    found = {
        "leads": Lead.objects.for_workspace(workspace).exists()
        or Execution.objects.for_workspace(workspace).exists(),
        "content": DailyMetric.objects.for_workspace(workspace).exists()
        or WinnerDecision.objects.for_workspace(workspace).exists(),
        "matching": MatchingSession.objects.for_workspace(workspace).exists(),
        "feedback": FeedbackEntry.objects.for_workspace(workspace).exists(),
    }
    return {loop for loop, has_data in found.items() if has_data}


def _url(target):
    name, _, anchor = target.partition("#")
    return reverse(name) + (f"#{anchor}" if anchor else "")


def first_steps(loop):
    return [{"title": title, "text": text, "url": _url(target)} for title, text, target in FIRST_STEPS[loop]]
