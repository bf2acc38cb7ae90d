"""Pages of the pairwise judgments: judge two outputs side by side, import a CSV, the board."""

import io
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse

from core import import_flow
from core.import_flow import ColumnMappingForm, UploadForm
from feedback import charts
from feedback.forms import SIDE_NAMES, PairwiseForm
from feedback.services import pairwise
from workspaces.access import workspace_view
from workspaces.htmx import redirect_after_post

KIND = "feedback-pairwise"
SIDE_FIELDS = [f"{side}_{name}" for side in ("left", "right") for name in SIDE_NAMES]


@workspace_view
def board(request):
    result = pairwise.board(request.workspace)
    for kind in result["kinds"]:
        judged = [row for row in kind["rows"] if row["comparisons"]]
        kind["chart"] = charts.strength_bar(judged) if judged else None
    return render(request, "feedback/pairwise_board.html", {"board": result})


@workspace_view(write=True)
def judge(request):
    """Two outputs of the same prompt side by side and three buttons: A better, tie, B better.
    The names of each side stay filled in for the next pair (and come from a suggested pair)."""
    initial = {name: request.GET.get(name, "")[:100] for name in SIDE_FIELDS}
    form = PairwiseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        judgment = pairwise.store_judgments(request.workspace, [form.judgment_fields()], user=request.user)[0]
        messages.success(request, f"Judgment saved: {judgment.get_verdict_display()}. Next pair?")
        keep = {name: form.cleaned_data[name] for name in SIDE_FIELDS if form.cleaned_data[name]}
        url = reverse("feedback:pairwise_judge") + (f"?{urlencode(keep)}" if keep else "")
        return redirect_after_post(request, url)
    context = {"form": form, "recent": pairwise.recent(request.workspace)}
    return render(request, "feedback/pairwise_judge.html", context, status=400 if form.is_bound else 200)


class PairwiseMappingForm(ColumnMappingForm):
    """The preview's column choices; a judgment file is all or nothing, so no checkbox."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["all_or_nothing"]


def _mapping_form(shown, data=None, initial=None):
    return PairwiseMappingForm(data, initial=initial, fields=pairwise.PAIRWISE_FIELDS, header=shown["header"])


def _preview_page(request, form, shown, status=200):
    action = reverse("feedback:pairwise_import_confirm")
    template = "feedback/pairwise_import_preview.html"
    return import_flow.preview_page(request, template, form, shown, action, status)


@workspace_view(write=True)
def import_judgments(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name, data = (upload.name or "judgments.csv")[:255], upload.read()
        try:
            shown = pairwise.preview_judgments(data)
        except ValidationError as exc:
            import_flow.add_errors(form, exc)
        else:
            token = import_flow.stash_upload(KIND, request.workspace, data)
            initial = ColumnMappingForm.initial_for(shown["match"], token, name)
            return _preview_page(request, _mapping_form(shown, initial=initial), shown)
    status = 400 if form.is_bound else 200
    return render(request, "feedback/pairwise_import.html", {"form": form}, status=status)


@workspace_view(write=True)
def import_confirm(request):
    if request.method != "POST":
        return redirect_after_post(request, "feedback:pairwise_import")
    name = request.POST.get("file_name", "")[:255] or "judgments.csv"
    try:
        data = import_flow.read_stash(KIND, request.workspace, request.POST.get("upload"))
        shown = pairwise.preview_judgments(data)
    except ValidationError as exc:
        form = import_flow.upload_form_refused(UploadForm, exc)
        return render(request, "feedback/pairwise_import.html", {"form": form}, status=400)
    form = _mapping_form(shown, data=request.POST)
    if not form.is_valid():
        return _preview_page(request, form, shown, status=400)
    try:
        result = pairwise.import_judgments(
            request.workspace, io.BytesIO(data), columns=form.chosen(), user=request.user
        )
    except ValidationError as exc:
        import_flow.add_errors(form, exc)
        return _preview_page(request, form, shown, status=400)
    import_flow.drop_stash(KIND, request.workspace, request.POST.get("upload"))
    token = import_flow.save_result(KIND, request.workspace, {**result, "file_name": name})
    return redirect_after_post(request, "feedback:pairwise_import_result", judgment_import_id=token)


@workspace_view
def import_result(request, judgment_import_id):
    template = "feedback/pairwise_import_result.html"
    return import_flow.result_page(
        request, KIND, judgment_import_id, template, "feedback:pairwise_import_errors"
    )


@workspace_view
def import_errors(request, judgment_import_id):
    name = f"pairwise-import-{judgment_import_id}"
    return import_flow.errors_download(request, KIND, judgment_import_id, name)
