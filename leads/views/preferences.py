"""The lead preferences page: the form and the history of changes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.http import require_POST

from leads.forms.preferences import PreferencesForm
from leads.models.preferences import EXPLORATION_FIELDS
from leads.services.preferences import get_preferences, preference_history, update_preferences
from leads.services.suggestions import apply_suggestion, dismiss_suggestion, preference_suggestions
from workspaces.access import workspace_view
from workspaces.htmx import redirect_after_post


def _shown(value):
    if value in (None, [], ""):
        return "–"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _history_rows(workspace):
    rows = []
    for revision in preference_history(workspace):
        revision.change_rows = [
            (name.replace("_", " "), _shown(before), _shown(after))
            for name, (before, after) in revision.changed.items()
        ]
        rows.append(revision)
    return rows


@workspace_view
def preferences(request):
    if request.method == "POST":
        return preferences_save(request)
    current = get_preferences(request.workspace)
    form = PreferencesForm(initial=PreferencesForm.initial_from(current))
    return _preferences_page(request, form, current, status=200)


@workspace_view(write=True)
def preferences_save(request):
    """The page's POST (viewers get 403, the page itself stays readable)."""
    form = PreferencesForm(request.POST)
    if form.is_valid():
        # An exploration field left out of the POST keeps its value (0 is how to turn it off).
        data = {k: v for k, v in form.cleaned_data.items() if k not in EXPLORATION_FIELDS or v is not None}
        try:
            update_preferences(request.workspace, data, actor=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Preferences saved. The next recipe runs are filtered with them.")
            return redirect_after_post(request, "leads:preferences")
    return _preferences_page(request, form, get_preferences(request.workspace), status=400)


@require_POST
@workspace_view(write=True)
def suggestion_apply(request):
    """One click: the suggested change goes through update_preferences (history, audit)."""
    try:
        suggestion = apply_suggestion(request.workspace, request.POST.get("key", ""), actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Applied: {suggestion.question[:1].upper()}{suggestion.question[1:-1]}. "
                         "The next recipe runs are filtered with it.")  # fmt: skip
    return redirect_after_post(request, "leads:preferences")


@require_POST
@workspace_view(write=True)
def suggestion_dismiss(request):
    try:
        dismiss_suggestion(request.workspace, request.POST.get("key", ""), actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Dismissed. It comes back only if the evidence for it doubles.")
    return redirect_after_post(request, "leads:preferences")


def _preferences_page(request, form, current, status):
    context = {
        "form": form,
        "preferences": current,
        "history": _history_rows(request.workspace),
        "suggestions": preference_suggestions(request.workspace),
    }
    return render(request, "leads/preferences.html", context, status=status)
