"""What every CSV import shares: the file kept between preview and run, the mapping form, the
stored result and its error report (line, column, reason; cells safe against formulas)."""

from __future__ import annotations

import csv
import io
import json
import time
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from core.columns import KnownField
from core.csv_export import safe_cell

ERRORS_SHOWN = 50  # rows of the error report shown on the result page (all are in the download)
MAX_REPORTED_ERRORS = 5000
PENDING_SECONDS = 24 * 3600  # an upload whose preview is not confirmed within a day is dropped
RESULT_SECONDS = 30 * 24 * 3600  # an inline import's result page and error report stay a month

ALL_OR_NOTHING_HELP = (
    "Refuse the whole file if any row is bad (nothing is stored). Otherwise the good rows are "
    "stored and the bad ones are listed with their line and reason."
)


def _folder(kind: str, workspace, part: str) -> Path:
    path = Path(settings.VAR_DIR) / "imports" / kind / part / str(workspace.id)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _checked(token) -> str:
    """The token as the hex name of its file; anything but a UUID (a path, say) is refused."""
    try:
        return uuid.UUID(str(token)).hex
    except ValueError:
        raise ValidationError({"file": ["Upload the file again."]}) from None


def upload_form_refused(form_class, error: ValidationError | str):
    """The upload form, bound and showing why the upload was refused beside its fields."""
    form = form_class(data={}, files={})
    form.is_valid()
    form.errors.clear()  # not "this field is required": the reason below is the one to show
    add_errors(form, error)
    return form


def add_errors(form, error: ValidationError | str):
    """Show a service's refusal on a form: each message beside its field (or above the form
    when the form has no such field); a message without a field goes beside the file."""
    messages = (
        error.message_dict if isinstance(error, ValidationError) and hasattr(error, "error_dict") else None
    )
    if messages is None:
        text = error if isinstance(error, str) else " ".join(error.messages)
        messages = {"file": [text]}
    for field, field_messages in messages.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


def _sweep(folder: Path, older_than: float) -> None:
    """Forget files left behind (a preview never confirmed, an old result) so the folder stays small."""
    cutoff = time.time() - older_than
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue  # another request removed it first


def stash_upload(kind: str, workspace, data: bytes) -> str:
    """Keep an uploaded file (per workspace) between the preview and the run; its token."""
    folder = _folder(kind, workspace, "pending")
    _sweep(folder, PENDING_SECONDS)
    token = uuid.uuid4().hex
    (folder / f"{token}.csv").write_bytes(data)
    return token


def read_stash(kind: str, workspace, token) -> bytes:
    path = _folder(kind, workspace, "pending") / f"{_checked(token)}.csv"
    if not path.is_file():
        raise ValidationError({"file": ["The uploaded file has expired; upload it again."]})
    return path.read_bytes()


def drop_stash(kind: str, workspace, token) -> None:
    (_folder(kind, workspace, "pending") / f"{_checked(token)}.csv").unlink(missing_ok=True)


def save_result(kind: str, workspace, result: dict) -> str:
    """Store an inline import's result (counts and errors) for its result page; its token."""
    folder = _folder(kind, workspace, "results")
    _sweep(folder, RESULT_SECONDS)
    token = str(uuid.uuid4())
    result = {**result, "errors": [list(e) for e in result.get("errors", [])[:MAX_REPORTED_ERRORS]]}
    (folder / f"{_checked(token)}.json").write_text(json.dumps(result))
    return token


def load_result(kind: str, workspace, token) -> dict:
    """The stored result of this workspace's import; 404 for another workspace's or a bad token."""
    try:
        path = _folder(kind, workspace, "results") / f"{_checked(token)}.json"
    except ValidationError:
        raise Http404("No such import.") from None
    if not path.is_file():
        raise Http404("No such import.")
    return json.loads(path.read_text())


def result_context(kind: str, workspace, token, errors_url: str) -> dict:
    """What an inline import's result page shows: the counts, the first errors, the report's link."""
    result = load_result(kind, workspace, token)
    return {
        "result": result,
        "errors": result["errors"][:ERRORS_SHOWN],
        "error_count": len(result["errors"]),
        "errors_url": errors_url,
    }


def error_report_csv(errors) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["line", "column", "reason"])
    # Column names and values come from the uploaded file: never hand them back as formulas.
    writer.writerows([[safe_cell(cell) for cell in row] for row in errors])
    return out.getvalue()


def error_report_response(errors, name: str) -> HttpResponse:
    response = HttpResponse(error_report_csv(errors), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-errors.csv"'
    return response


def preview_rows(records, count: int = 5) -> list[list[str]]:
    rows = []
    for _line, values in records:
        rows.append(values)
        if len(rows) >= count:
            break
    return rows


class UploadForm(forms.Form):
    file = forms.FileField(widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}))


class ColumnMappingForm(forms.Form):
    """The preview's form: which column fills each known field (the obvious ones pre-selected),
    and whether a single bad row refuses the whole file."""

    upload = forms.CharField(widget=forms.HiddenInput)
    file_name = forms.CharField(widget=forms.HiddenInput, max_length=255)
    all_or_nothing = forms.BooleanField(required=False, label="All or nothing", help_text=ALL_OR_NOTHING_HELP)

    def __init__(self, *args, fields: list[KnownField], header: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.known = fields
        choices = [("", "(not in the file)"), *[(c, c) for c in header]]
        for known in fields:
            self.fields[f"column_{known.name}"] = forms.ChoiceField(
                choices=choices,
                required=known.required,
                label=f"{known.label or known.name}{' (required)' if known.required else ''}",
            )
        # Keep the field order: the column choices first, the checkbox last.
        self.order_fields([f"column_{k.name}" for k in fields] + ["all_or_nothing"])

    def chosen(self) -> dict[str, str]:
        source = self.cleaned_data if hasattr(self, "cleaned_data") else self.data
        return {k.name: source.get(f"column_{k.name}", "") or "" for k in self.known}

    @staticmethod
    def initial_for(match, token: str, file_name: str) -> dict:
        return {
            "upload": token,
            "file_name": file_name[:255],
            **{f"column_{name}": column for name, column in match.mapping.items()},
        }


def preview_page(request, template: str, form, shown: dict, action: str, status: int = 200):
    """The preview step of an inline import: the first rows, the mapping form, where it posts."""
    return render(request, template, {"form": form, "preview": shown, "action": action}, status=status)


def result_page(request, kind: str, token, template: str, errors_route: str):
    """An inline import's result page; ``errors_route`` names the error report's URL."""
    errors_url = reverse(errors_route, args=[token])
    return render(request, template, result_context(kind, request.workspace, token, errors_url))


def errors_download(request, kind: str, token, name: str) -> HttpResponse:
    """The error report (CSV) of this workspace's inline import; 404 for another's."""
    return error_report_response(load_result(kind, request.workspace, token)["errors"], name)
