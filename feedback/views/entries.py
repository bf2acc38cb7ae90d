"""Pages of the rated outputs: the list, the capture form, one output and its rating widget."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from core.csv_export import page_of
from feedback import queries
from feedback.forms import EntryForm
from feedback.models import FeedbackEntry
from feedback.services import capture
from workspaces.access import workspace_view
from workspaces.htmx import redirect_after_post


@workspace_view
def index(request):
    entries = queries.filter_entries(
        FeedbackEntry.objects.for_workspace(request.workspace),
        tag=request.GET.get("tag", "")[:100],
        framework=request.GET.get("framework", "")[:100],
    )
    context = {
        "page_obj": page_of(request, entries, 25),
        "overview": queries.overview(request.workspace, days=30),
        "tag": request.GET.get("tag", ""),
        "framework": request.GET.get("framework", ""),
    }
    template = "feedback/index.html#entry-table" if request.htmx else "feedback/index.html"
    return render(request, template, context)


@workspace_view(write=True)
def entry_create(request):
    form = EntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        entry = capture.store_entry(request.workspace, form.entry_fields())
        messages.success(request, "Feedback captured.")
        return redirect_after_post(request, "feedback:entry_detail", entry_id=entry.pk)
    return render(request, "feedback/entry_form.html", {"form": form})


@workspace_view
def entry_detail(request, entry_id):
    entry = get_object_or_404(FeedbackEntry.objects.for_workspace(request.workspace), pk=entry_id)
    return render(request, "feedback/entry_detail.html", {"entry": entry, "stars": range(1, 6)})


@require_POST
@workspace_view(write=True)
def entry_rate(request, entry_id):
    entry = get_object_or_404(FeedbackEntry.objects.for_workspace(request.workspace), pk=entry_id)
    error = None
    try:
        capture.rate_entry(
            request.workspace,
            entry,
            rating=request.POST.get("rating") or None,
            thumbs=request.POST.get("thumbs") or None,
        )
    except ValidationError as exc:
        error = " ".join(m for ms in exc.message_dict.values() for m in ms)
        entry.refresh_from_db()
    if request.htmx:
        return render(
            request,
            "feedback/_rating_widget.html",
            {"entry": entry, "stars": range(1, 6), "saved": error is None, "error": error},
            status=200 if error is None else 400,
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Rating saved.")
    return redirect_after_post(request, "feedback:entry_detail", entry_id=entry.pk)
