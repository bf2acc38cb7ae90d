"""Shared presentation helpers: key labels, signed point changes and each app's sub-navigation."""

from django import template
from django.urls import reverse

from workspaces.labels import humanize_key as _humanize_key
from workspaces.labels import readable_value as _readable_value
from workspaces.labels import signed_points as _signed_points

register = template.Library()

# Each app's sub-navigation: (label, url name, the url names of the pages that belong to the tab).
# One list per app, so every page of the app shows the same tabs.
SUBNAVS = {
    "leads": (
        "Leads sections",
        [
            ("Leads", "leads:index", {"index", "lead_detail", "lead_feedback", "lead_outcome"}),
            ("Call list", "leads:call_list", {"call_list", "call_list_outcome"}),
            ("Preferences", "leads:preferences", {"preferences"}),
            (
                "Agents & recipes",
                "leads:agents",
                {"agents", "agent_create", "agent_detail", "agent_edit", "recipe_detail", "recipe_edit",
                 "recipe_run", "execution_detail"},
            ),
            ("Scoring", "leads:scoring_status", {"scoring_status", "scoring_retrain", "model_make_champion"}),
            ("Scoring settings", "leads:scoring_settings", {"scoring_settings"}),
            ("Import CSV", "leads:import_start", {"import_start", "import_confirm", "import_detail"}),
        ],
    ),
    "feedback": (
        "Output feedback sections",
        [
            ("Entries", "feedback:index", {"index", "entry_detail", "entry_rate"}),
            ("Record feedback", "feedback:entry_create", {"entry_create"}),
            ("Import", "feedback:import", {"import"}),
            ("Analysis", "feedback:analysis", {"analysis"}),
            ("Reports", "feedback:reports", {"reports", "report_detail"}),
            ("Suggestions", "feedback:suggestions", {"suggestions"}),
            ("Router", "feedback:route", {"route"}),
            ("Pairwise board", "feedback:pairwise_board", {"pairwise_board", "pairwise_judge", "pairwise_import", "pairwise_import_confirm", "pairwise_import_result"}),
        ],
    ),
}  # fmt: skip


@register.filter
def humanize_key(value):
    """`unit_price` -> "Unit price"; known keys get their own label."""
    return _humanize_key(value)


@register.filter
def readable_value(value):
    """{"search_query": "x"} -> "Search query: x"; lists joined by commas."""
    return _readable_value(value)


@register.filter
def signed_points(value, digits=1):
    """1.8 -> "+1.8 points", -3.1 -> "−3.1 points"; None -> "–"."""
    return _signed_points(value, digits)


@register.inclusion_tag("_subnav.html", takes_context=True)
def subnav(context, app):
    """The app's tabs, the one holding the current page marked with aria-current="page"."""
    label, items = SUBNAVS[app]
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match and match.namespace == app else None
    tabs = [{"label": text, "url": reverse(name), "current": current in names} for text, name, names in items]
    return {"label": label, "tabs": tabs, "app": app}
