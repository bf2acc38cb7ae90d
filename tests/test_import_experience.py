"""One import experience for the four CSV imports (leads with outcomes, content metrics, matching
choices, output feedback): upload, preview with the obvious columns pre-selected and the ignored
ones warned, the run, the result with counts and an error report (line, reason), the same bad-row
policy (keep the good rows) and the all-or-nothing choice."""

import csv
import html
import io
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from content.models import DailyMetric, MetricImport
from content.services.ingest import run_csv_import
from core import import_flow
from feedback.models import FeedbackEntry
from leads.models import Lead, LeadImport
from leads.services.imports.importing import run_lead_import
from matching.models import Recommendation
from tests.import_steps import preview_values

pytestmark = pytest.mark.django_db


def _leads_file(bad=()):
    lines = ["Lead ID,Outcome,industry,company_size,favourite_colour"]
    for n in range(1, 11):
        size = "lots" if n in bad else str(10 * n)
        lines.append(f"L{n},{'Won' if n % 2 else 'Lost'},Retail,{size},blue")
    return "\n".join(lines) + "\n"


def _metrics_file(bad=()):
    lines = ["Post ID,brand,platform,variant,experiment,text,Day,Impr,clicks,conversions,revenue,owner_note"]
    for n in range(1, 11):
        impressions = "-5" if n in bad else "1000"
        lines.append(f"fb-{n},Acme,facebook,A,spring,Spring sale,2026-03-01,{impressions},50,5,10,x")
    return "\n".join(lines) + "\n"


def _choices_file(bad=()):
    # Sessions of 4, 3 and 3 candidates: dropping a bad non-chosen row leaves each session usable.
    rows = [(1, "a", 1), (1, "b", 0), (1, "c", 0), (1, "d", 0), (2, "a", 0), (2, "b", 1), (2, "c", 0)]
    rows += [(3, "a", 0), (3, "b", 0), (3, "c", 1)]
    lines = ["Session,Alternative,Chosen,price,comment"]
    for n, (session, alternative, chosen) in enumerate(rows, start=2):
        price = "cheap" if n in bad else str(10 + n)
        lines.append(f"{session},{alternative},{chosen},{price},note {n}")
    return "\n".join(lines) + "\n"


def _feedback_file(bad=()):
    lines = ["Prompt,Response,Rating,internal_note"]
    for n in range(1, 11):
        rating = "9" if n in bad else "4"
        lines.append(f"Explain {n},Answer {n},{rating},x")
    return "\n".join(lines) + "\n"


@dataclass
class Import:
    name: str
    upload: str
    confirm: str
    make_file: Callable
    bad_lines: tuple  # file lines (the header is line 1) of the two bad rows
    bad_column: str
    expected: dict  # field -> column the preview pre-selects
    ignored: str
    stored: Callable  # rows stored in the workspace
    run_job: Callable | None = None

    def file(self, bad=()):
        return self.make_file(bad)


def _run_lead_jobs():
    for job in LeadImport.objects.all():
        run_lead_import(job.id)


def _run_metric_jobs():
    for job in MetricImport.objects.all():
        run_csv_import(job.id)


# Files whose rows 3 and 7 (lines 4 and 8) are bad; the choices file counts lines directly.
IMPORTS = [
    Import(
        "leads",
        "leads:import_start",
        "leads:import_confirm",
        lambda bad: _leads_file({n - 1 for n in bad}),
        (4, 8),
        "company_size",
        {"id_column": "Lead ID", "outcome_column": "Outcome"},
        "favourite_colour",
        lambda ws: Lead.objects.for_workspace(ws).count(),
        _run_lead_jobs,
    ),
    Import(
        "metrics",
        "content:upload",
        "content:upload_confirm",
        lambda bad: _metrics_file({n - 1 for n in bad}),
        (4, 8),
        "impressions",
        {"post_id": "Post ID", "date": "Day", "impressions": "Impr", "clicks": "clicks"},
        "owner_note",
        lambda ws: DailyMetric.objects.for_workspace(ws).count(),
        _run_metric_jobs,
    ),
    Import(
        "choices",
        "matching:import",
        "matching:import_confirm",
        _choices_file,
        (5, 8),
        "price",
        {"session_id": "Session", "alternative": "Alternative", "chosen": "Chosen"},
        "comment",
        lambda ws: Recommendation.objects.for_workspace(ws).count(),
    ),
    Import(
        "feedback",
        "feedback:import",
        "feedback:import_confirm",
        lambda bad: _feedback_file({n - 1 for n in bad}),
        (4, 8),
        "rating",
        {"prompt": "Prompt", "output": "Response", "rating": "Rating"},
        "internal_note",
        lambda ws: FeedbackEntry.objects.for_workspace(ws).count(),
    ),
]
BY_NAME = pytest.mark.parametrize("spec", IMPORTS, ids=[i.name for i in IMPORTS])


def _upload(client, spec, text):
    return client.post(
        reverse(spec.upload), {"file": SimpleUploadedFile("data.csv", text.encode(), "text/csv")}
    )


def _import(client, spec, text, all_or_nothing=False):
    """Upload, start from the preview as pre-filled, run the worker's job; the result page."""
    values = preview_values(_upload(client, spec, text))
    if all_or_nothing:
        values["all_or_nothing"] = "on"
    response = client.post(reverse(spec.confirm), values)
    assert response.status_code == 302, response.content.decode()[:2000]
    if spec.run_job:
        spec.run_job()
    return client.get(response["Location"])


def _text(response) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


def _error_report(client, result_page) -> list[list[str]]:
    link = re.search(r'<a href="([^"]+)" download class="import-error-report"', result_page.content.decode())
    assert link, "no error report link on the result page"
    report = client.get(html.unescape(link.group(1)))
    assert report["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(report.content.decode())))


@BY_NAME
def test_the_preview_preselects_obvious_columns_and_warns_of_the_ignored_one(owner_client, spec):
    preview = _upload(owner_client, spec, spec.file())
    assert preview.status_code == 200
    chosen = {k.removeprefix("column_"): v for k, v in preview_values(preview).items()}
    assert {k: chosen.get(k) for k in spec.expected} == spec.expected
    text = _text(preview)
    assert "First rows" in text and spec.ignored in text
    warning = re.search(r'class="alert alert-warning[^"]*" role="status">([^<]*)', preview.content.decode())
    assert warning and spec.ignored in warning.group(1)


@BY_NAME
def test_two_bad_rows_among_ten_keep_the_eight_good_ones_and_report_the_two(owner_client, workspace, spec):
    result = _import(owner_client, spec, spec.file(bad=spec.bad_lines))
    assert spec.stored(workspace) == 8
    assert "8 stored" in _text(result) and "2 skipped" in _text(result)
    report = _error_report(owner_client, result)
    assert report[0] == ["line", "column", "reason"]
    assert sorted({int(row[0]) for row in report[1:]}) == list(spec.bad_lines)
    assert all(row[2] for row in report[1:]) and {row[1] for row in report[1:]} == {spec.bad_column}


@BY_NAME
def test_all_or_nothing_with_bad_rows_stores_nothing_and_shows_the_reasons(owner_client, workspace, spec):
    result = _import(owner_client, spec, spec.file(bad=spec.bad_lines), all_or_nothing=True)
    assert spec.stored(workspace) == 0
    text = _text(result)
    assert "All or nothing: 2 bad rows, so nothing was stored" in text
    for line in spec.bad_lines:
        assert f"<td>{line}</td><td>{spec.bad_column}</td>" in result.content.decode()


@BY_NAME
def test_all_or_nothing_with_a_clean_file_stores_every_row(owner_client, workspace, spec):
    result = _import(owner_client, spec, spec.file(), all_or_nothing=True)
    assert spec.stored(workspace) == 10
    assert "10 stored" in _text(result)


@BY_NAME
def test_a_viewer_cannot_upload(viewer_client, spec):
    assert _upload(viewer_client, spec, spec.file()).status_code == 403


@pytest.mark.parametrize("spec", IMPORTS[1:], ids=[i.name for i in IMPORTS[1:]])
def test_a_missing_required_column_is_refused_at_the_upload(owner_client, workspace, spec):
    header, *rows = spec.file().splitlines()
    missing = list(spec.expected.values())[-1]
    drop = header.split(",").index(missing)
    text = "\n".join(
        ",".join(v for i, v in enumerate(line.split(",")) if i != drop) for line in [header, *rows]
    )
    response = _upload(owner_client, spec, text + "\n")
    assert 'id="import-preview"' not in response.content.decode()
    assert "field-error" in response.content.decode()


def test_the_error_report_quotes_cells_a_spreadsheet_would_run(owner_client, workspace):
    spec = IMPORTS[3]
    text = "prompt,output,rating\nExplain,Answer,4\n=HYPERLINK(1),Answer,9\n"
    result = _import(owner_client, spec, text)
    report = _error_report(owner_client, result)
    assert report[1][:2] == ["3", "rating"] and not any(
        cell.startswith("=") for row in report for cell in row
    )


def test_another_workspace_cannot_read_an_import_result(owner_client, outsider_client, workspace):
    spec = IMPORTS[3]
    preview = _upload(owner_client, spec, spec.file(bad=(4,)))
    response = owner_client.post(reverse("feedback:import_confirm"), preview_values(preview))
    url = response["Location"]
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.get(url + "errors.csv").status_code == 404


def _exact_metrics_header(text):
    # The command reads the columns by their exact names (no preview to choose them).
    header, rest = text.split("\n", 1)
    header = header.replace("Post ID", "post_id").replace("Day", "date").replace("Impr", "impressions")
    return header + "\n" + rest


def _exact_choices_header(text):
    return text.replace("Session,Alternative,Chosen", "session_id,alternative,chosen", 1)


@pytest.mark.parametrize(
    "command, make_file, stored",
    [
        ("import_leads", _leads_file, lambda: Lead.objects.count()),
        (
            "ingest_metrics",
            lambda bad: _exact_metrics_header(_metrics_file(bad)),
            lambda: DailyMetric.objects.count(),
        ),
        (
            "import_choices",
            lambda bad: _exact_choices_header(_choices_file((5, 8))),  # rows whose sessions stay usable
            lambda: Recommendation.objects.count(),
        ),
    ],
    ids=["leads", "metrics", "choices"],
)
def test_the_commands_all_or_nothing_option_stores_nothing_when_a_row_is_bad(
    tmp_path, db, command, make_file, stored
):
    path = tmp_path / "data.csv"
    path.write_text(make_file({3, 7}))
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(command, str(path), "--workspace", "acme", "--all-or-nothing", stdout=out, stderr=err)
    except CommandError as exc:  # import_choices refuses with an error, as for an unreadable file
        out.write(str(exc))
    assert stored() == 0
    assert "All or nothing:" in out.getvalue() and "nothing was" in out.getvalue()
    call_command(command, str(path), "--workspace", "acme", stdout=io.StringIO(), stderr=io.StringIO())
    assert stored() == 8


def test_a_metrics_file_imported_again_counts_its_rows_as_updated(owner_client, workspace):
    spec = IMPORTS[1]
    _import(owner_client, spec, spec.file())
    result = _import(owner_client, spec, spec.file())
    assert "0 stored, 10 updated, 0 skipped" in _text(result)
    assert DailyMetric.objects.for_workspace(workspace).count() == 10


def test_an_upload_left_at_its_preview_for_a_day_is_dropped(workspace):
    old = import_flow.stash_upload("feedback", workspace, b"prompt,output,rating\n")
    path = import_flow._folder("feedback", workspace, "pending") / f"{old}.csv"
    a_day_ago = time.time() - import_flow.PENDING_SECONDS - 60
    os.utime(path, (a_day_ago, a_day_ago))
    import_flow.stash_upload("feedback", workspace, b"prompt,output,rating\n")
    assert not path.exists()
