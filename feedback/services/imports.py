"""Importing feedback files: CSV (columns chosen at the preview) or JSON Lines, row by row."""

import json

from django.conf import settings
from django.core.exceptions import ValidationError

from core import csvio, import_flow
from core.columns import KnownField, match_columns
from core.jsonlimits import JsonLimitError, loads_limited
from feedback.services.capture import clean_entry, store_entries

MAX_IMPORT_ROWS = 100_000
CSV_REQUIRED = ("prompt", "output", "rating")

# The columns a feedback CSV may hold, with the other names a file may give them (the preview
# pre-selects them; the service without a chosen mapping reads the exact names only).
FEEDBACK_FIELDS = [
    KnownField("prompt", ("input", "query", "user_prompt"), required=True),
    KnownField("output", ("response", "completion", "generation", "model_output"), required=True),
    KnownField("rating", ("score", "stars", "rating_1_5"), required=True),
    KnownField("thumbs", ("thumbs_up", "thumb", "vote")),
    KnownField("tags", ("tag", "labels", "categories")),
    KnownField("framework", ("prompt_framework", "technique")),
    KnownField("model", ("model_name", "llm")),
    KnownField("notes", ("note", "comment", "comments")),
    KnownField("timestamp", ("created_at", "date", "time")),
    KnownField("context", ("metadata",)),
]


def _is_jsonl(name: str) -> bool:
    return name.lower().endswith((".jsonl", ".ndjson", ".json"))


def read_upload(upload) -> str:
    """An upload's (or its bytes') decoded text; ValidationError on "file" for one too large or unreadable."""
    raw = upload if isinstance(upload, bytes) else upload.read(settings.MAX_UPLOAD_SIZE + 1)
    if len(raw) > settings.MAX_UPLOAD_SIZE:
        raise ValidationError({"file": ["The file is too large."]})
    return csvio.upload_text(raw)


def read_table(text: str):
    """csvio.read_table's header and records; ValidationError on "file" for a CSV it cannot read."""
    try:
        return csvio.read_table(text)
    except csvio.CsvProblem as exc:
        raise ValidationError({"file": [str(exc)]}) from None


def matched_columns(header, fields, required, columns=None):
    """The field -> column match of a CSV header; ValidationError on "file" without the required
    columns (the entries' and the pairwise judgments' imports)."""
    match = match_columns(header, fields, chosen=columns)
    if match.missing:
        raise ValidationError(
            {
                "file": [
                    f"The CSV lacks the column(s) {', '.join(match.missing)}; it needs at least "
                    f"{', '.join(required)}. The file has: {', '.join(header)}."
                ]
            }
        )
    return match


def _matched(header, columns=None):
    return matched_columns(header, FEEDBACK_FIELDS, CSV_REQUIRED, columns)


def _csv_table(text: str, columns: dict | None = None):
    """Header, records and the field -> column mapping of a feedback CSV."""
    header, records = read_table(text)
    if columns is None:  # exact names, compared without case
        lowered = {name.lower(): name for name in header}
        columns = {f.name: lowered.get(f.name, "") for f in FEEDBACK_FIELDS}
        if not columns["thumbs"] and "thumbs_up" in lowered:
            columns["thumbs"] = lowered["thumbs_up"]
    return header, records, _matched(header, columns)


def table_preview(text: str, fields, required, rows: int = 5) -> dict:
    """A CSV's preview: the header, the first rows, the columns pre-selected by their names for
    `fields`, the ignored ones; ValidationError on "file" for a file that cannot be read further
    down or that lacks a `required` column (refused now, beside the file field)."""
    header, records = read_table(text)
    try:
        csvio.check_readable(text)  # a malformed line further down is refused now, not after the preview
    except csvio.CsvProblem as exc:
        raise ValidationError({"file": [str(exc)]}) from None
    match = matched_columns(header, fields, required)
    return {
        "header": header,
        "sample": import_flow.preview_rows(records, rows),
        "match": match,
        "roles": {c: match.roles(fields).get(c, "") for c in header},
        "ignored": match.ignored,
        "missing": match.missing,
    }


def preview_import(upload, name: str = "", rows: int = 5) -> dict:
    """What the preview shows (`table_preview`), or a JSON-lines file's first lines."""
    text = read_upload(upload)
    if _is_jsonl(name):
        lines = [line for line in text.splitlines() if line.strip()]
        return {"header": ["line"], "sample": [[line[:500]] for line in lines[:rows]], "jsonl": True}
    return {**table_preview(text, FEEDBACK_FIELDS, CSV_REQUIRED, rows), "jsonl": False}


def _json_lines(text: str):
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = loads_limited(line)
        except JsonLimitError as exc:  # too deep (a RecursionError in json), NaN, or a NUL
            yield number, None, [(exc.path or "", exc.message)]
            continue
        except json.JSONDecodeError:
            yield number, None, [("", "not valid JSON")]
            continue
        if not isinstance(row, dict):
            yield number, None, [("", "not a JSON object")]
            continue
        yield number, row, []


def _rows_from_upload(upload, name: str, columns: dict | None = None):
    """(line, row dict or None, [(column, reason), ...]) for every record of a CSV or JSON Lines
    file; a file that cannot be read as a whole raises ValidationError on "file"."""
    text = read_upload(upload)
    if _is_jsonl(name):
        yield from _json_lines(text)
        return
    header, records, match = _csv_table(text, columns)
    position = {field: header.index(column) for field, column in match.mapping.items() if column}
    try:
        # The whole file is read before the first row is kept (a malformed line refuses it all).
        rows = [(line, values) for line, values in records]
    except csvio.CsvProblem as exc:
        raise ValidationError({"file": [str(exc)]}) from None
    for number, values in rows:
        row = {field: values[at] if at < len(values) else "" for field, at in position.items()}
        context = {}
        if row.get("context"):
            try:
                context = loads_limited(row["context"], path="context")
            except JsonLimitError as exc:
                yield number, None, [(match.mapping["context"], exc.message)]
                continue
            except json.JSONDecodeError:
                yield number, None, [(match.mapping["context"], "not valid JSON")]
                continue
        yield number, {**row, "context": context}, []


def import_feedback(workspace, upload, name: str = "", *, columns=None, all_or_nothing=False) -> dict:
    """Import a CSV or JSON Lines file: the good rows are stored and the bad ones reported as
    (line, column, reason); with `all_or_nothing`, one bad row refuses the file (nothing stored).
    `columns` maps each field to the file's column (the preview's choice); without it the
    columns are read by their exact names. Returns {stored, updated, skipped, errors, refused}."""
    name = name or getattr(upload, "name", "") or ""
    cleaned, errors, skipped = [], [], 0
    for number, row, problems in _rows_from_upload(upload, name, columns):
        if len(cleaned) + skipped >= MAX_IMPORT_ROWS:
            raise ValidationError({"file": [f"At most {MAX_IMPORT_ROWS:,} rows per file."]})
        if row is not None:
            try:
                cleaned.append(clean_entry(row))
                continue
            except ValidationError as exc:
                problems = [(f, m) for f, messages in exc.message_dict.items() for m in messages]
        skipped += 1
        errors.extend((number, column, reason) for column, reason in problems)
    if not cleaned and not skipped:
        raise ValidationError({"file": ["The file holds no entries."]})
    refused = bool(all_or_nothing and skipped)
    if cleaned and not refused:
        store_entries(workspace, cleaned)
    stored = 0 if refused else len(cleaned)
    return {"stored": stored, "updated": 0, "skipped": skipped, "errors": errors, "refused": refused}


def import_entries(workspace, upload, name: str = "") -> dict:
    """Import a CSV or JSON Lines file; all rows or none. Returns {"imported": n}."""
    result = import_feedback(workspace, upload, name, all_or_nothing=True)
    if result["errors"]:
        by_line: dict[int, list[str]] = {}
        for number, column, reason in result["errors"]:
            if number in by_line or len(by_line) < 20:
                by_line.setdefault(number, []).append(f"{column}: {reason}" if column else reason)
        raise ValidationError({"file": [f"line {n}: {'; '.join(v)}" for n, v in by_line.items()]})
    return {"imported": result["stored"]}
