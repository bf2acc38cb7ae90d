"""The lead preferences page: the form and the history of changes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import render

from leads.forms.preferences import PreferencesForm
from leads.services.preferences import get_preferences, preference_history, update_preferences
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
        try:
            update_preferences(request.workspace, form.cleaned_data, actor=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Preferences saved. The next recipe runs are filtered with them.")
            return redirect_after_post(request, "leads:preferences")
    return _preferences_page(request, form, get_preferences(request.workspace), status=400)


def _preferences_page(request, form, current, status):
    context = {"form": form, "preferences": current, "history": _history_rows(request.workspace)}
    return render(request, "leads/preferences.html", context, status=status)
