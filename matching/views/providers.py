"""Pages for the providers (candidates) the matching loop ranks: a list with their factor values,
adding one, and editing one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from matching import selectors
from matching.forms import ProviderForm
from matching.models import Candidate
from matching.services import providers
from workspaces.access import workspace_view
from workspaces.htmx import redirect_after_post


def _save(request, form, candidate=None):
    """Validate and save; errors land on the form. Returns the candidate or None."""
    if not form.is_valid():
        return None
    try:
        saved, _ = providers.save_candidate(
            request.workspace,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            active=form.cleaned_data["active"],
            factor_values=form.factor_values(),
            candidate=candidate,
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None
    return saved


def _list(request, form, status=200):
    factors = form.factors
    context = {"factors": factors, "rows": selectors.provider_rows(request.workspace, factors), "form": form}
    return render(request, "matching/providers.html", context, status=status)


@workspace_view
def provider_list(request):
    factors = selectors.factors_for(request.workspace)
    return _list(request, ProviderForm(factors=factors, initial={"active": True}))


@require_POST
@workspace_view(write=True)
def provider_add(request):
    form = ProviderForm(request.POST, factors=selectors.factors_for(request.workspace))
    saved = _save(request, form)
    if saved is None:
        return _list(request, form, status=400)
    messages.success(request, f"{saved.name} added.")
    return redirect_after_post(request, "matching:providers")


def _candidate(request, candidate_id):
    return get_object_or_404(Candidate.objects.for_workspace(request.workspace), pk=candidate_id)


@workspace_view
def provider_edit(request, candidate_id):
    candidate = _candidate(request, candidate_id)
    form = ProviderForm.for_candidate(candidate, selectors.factors_for(request.workspace))
    return render(request, "matching/provider_edit.html", {"candidate": candidate, "form": form})


@require_POST
@workspace_view(write=True)
def provider_save(request, candidate_id):
    candidate = _candidate(request, candidate_id)
    form = ProviderForm(request.POST, factors=selectors.factors_for(request.workspace))
    saved = _save(request, form, candidate)
    if saved is None:
        context = {"candidate": candidate, "form": form}
        return render(request, "matching/provider_edit.html", context, status=400)
    messages.success(request, f"{saved.name} saved.")
    return redirect_after_post(request, "matching:providers")
