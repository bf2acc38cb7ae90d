"""Ingesting post metrics: one row (API), a batch (API), a CSV (upload page and command)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import logging
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from content import tasks
from content.metric_rows import CSV_COLUMNS, MetricRow, RowError, parse_metric_row
from content.models import Brand, DailyMetric, Experiment, MetricImport, Post
from core import csvio
from core.columns import KnownField, match_columns

logger = logging.getLogger(__name__)
MAX_BATCH = 1000
MAX_CSV_ROWS = 200_000
CHUNK_ROWS = 1000  # rows per transaction (and per progress update) in a CSV import
REQUIRED_TO_CREATE = ("brand", "experiment", "variant")
REQUIRED_COLUMNS = ("post_id", "date", "impressions", "clicks")
OPTIONAL_COLUMNS = ("published_at",)


def local_today(workspace) -> dt.date:
    try:
        zone = zoneinfo.ZoneInfo(workspace.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    return timezone.now().astimezone(zone).date()


def _resolve_post(workspace, row: MetricRow, cache: dict | None = None) -> Post:
    if cache is not None and row.post_id in cache:
        post = cache[row.post_id]
    else:
        post = (
            Post.objects.for_workspace(workspace)
            .select_related("brand", "experiment")
            .filter(external_id=row.post_id)
            .first()
        )
    if post is None:
        missing = [name for name in REQUIRED_TO_CREATE if not getattr(row, name)]
        if missing:
            raise ValidationError(
                {
                    "post_id": [
                        f"Unknown post '{row.post_id}': send its {', '.join(missing)} "
                        "(and text) to create it."
                    ]
                }
            )
        brand, _ = Brand.objects.get_or_create(workspace=workspace, name=row.brand)
        experiment, _ = Experiment.objects.get_or_create(
            workspace=workspace, brand=brand, name=row.experiment
        )
        post = Post.objects.create(
            workspace=workspace,
            brand=brand,
            experiment=experiment,
            external_id=row.post_id,
            platform=row.platform,
            variant=row.variant,
            text=row.text,
            published_at=row.published_at,
        )
    else:
        conflicts = {}
        if row.brand and row.brand != post.brand.name:
            conflicts["brand"] = [f"Post '{row.post_id}' belongs to brand '{post.brand.name}'."]
        if row.experiment and row.experiment != post.experiment.name:
            conflicts["experiment"] = [
                f"Post '{row.post_id}' belongs to experiment '{post.experiment.name}'."
            ]
        if row.variant and row.variant != post.variant:
            conflicts["variant"] = [f"Post '{row.post_id}' is variant '{post.variant}'."]
        if conflicts:
            raise ValidationError(conflicts)
        changed = []
        for name in ("platform", "text", "published_at"):
            value = getattr(row, name)
            if value and value != getattr(post, name):
                setattr(post, name, value)
                changed.append(name)
        if changed:
            post.save(update_fields=changed)
    if cache is not None:
        cache[row.post_id] = post
    return post


def _store(workspace, row: MetricRow, cache: dict | None = None) -> DailyMetric:
    with transaction.atomic():
        post = _resolve_post(workspace, row, cache)
        metric, _ = DailyMetric.objects.update_or_create(
            post=post,
            date=row.date,
            defaults={
                "workspace": workspace,
                "impressions": row.impressions,
                "clicks": row.clicks,
                "conversions": row.conversions,
                "revenue": row.revenue,
            },
        )
    return metric


def _parse(workspace, raw) -> MetricRow:
    if not isinstance(raw, dict):
        raise ValidationError({"__all__": ["Each metrics row must be an object."]})
    try:
        return parse_metric_row(raw, default_date=local_today(workspace))
    except RowError as exc:
        raise ValidationError(exc.errors) from exc


def ingest_metric(workspace, raw: dict) -> DailyMetric:
    """Store one post-day of metrics (replacing that day's row); ValidationError when bad."""
    return _store(workspace, _parse(workspace, raw))


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {k: [m for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    return {"__all__": list(exc.messages)}


def ingest_batch(workspace, raws: list[dict]) -> dict:
    """Store each good row; report each bad row with its index and reasons (nothing else lost)."""
    if len(raws) > MAX_BATCH:
        raise ValidationError({"__all__": [f"At most {MAX_BATCH} rows per batch."]})
    ingested, errors = 0, []
    for index, raw, exc in _ingest_rows(workspace, list(enumerate(raws)), cache={}):
        if exc is None:
            ingested += 1
            continue
        post_id = raw.get("post_id") if isinstance(raw, dict) else None
        post_id = None if post_id is None else str(post_id)[:200]
        errors.append({"index": index, "post_id": post_id, "errors": _messages(exc)})
    return {"received": len(raws), "ingested": ingested, "errors": errors}


def _ingest_rows(workspace, numbered: list[tuple[int, object]], cache: dict, counts: dict | None = None):
    """Store a chunk of rows in one transaction; yields (number, raw, ValidationError or None).

    Set-based: the chunk's posts are read with one query and its post-days are written with one
    upsert (the same post and day twice in a chunk: the later row wins, as it would row by row).
    With `counts`, counts["replaced"] grows by the post-days that were already stored.
    """
    parsed, results = [], {}
    for number, raw in numbered:
        try:
            parsed.append((number, _parse(workspace, raw)))
        except ValidationError as exc:
            results[number] = exc
    unknown = {row.post_id for _, row in parsed} - cache.keys()
    if unknown:
        found = (
            Post.objects.for_workspace(workspace)
            .select_related("brand", "experiment")
            .filter(external_id__in=unknown)
        )
        cache.update({post_id: None for post_id in unknown})
        cache.update({post.external_id: post for post in found})
    with transaction.atomic():
        metrics = {}
        for number, row in parsed:
            try:
                post = _resolve_post(workspace, row, cache)
            except ValidationError as exc:
                results[number] = exc
                continue
            metrics[(post.pk, row.date)] = DailyMetric(
                workspace=workspace,
                post=post,
                date=row.date,
                impressions=row.impressions,
                clicks=row.clicks,
                conversions=row.conversions,
                revenue=row.revenue,
            )
        if counts is not None and metrics:
            stored = DailyMetric.objects.filter(
                post_id__in={post for post, _ in metrics}, date__in={day for _, day in metrics}
            ).values_list("post_id", "date")
            counts["replaced"] = counts.get("replaced", 0) + sum(1 for key in stored if key in metrics)
        DailyMetric.objects.bulk_create(
            metrics.values(),
            update_conflicts=True,
            unique_fields=["post", "date"],
            update_fields=["impressions", "clicks", "conversions", "revenue", "updated_at"],
        )
    for number, raw in numbered:
        yield number, raw, results.get(number)


def read_csv(text: str) -> list[tuple[int, dict]]:
    """(line, row as a dict) for every data record of a metrics CSV; ValidationError naming the
    line for a file `csv` cannot read, naming the columns for a header that lacks some or repeats one."""
    try:
        header, records = csvio.read_table(text)
    except csvio.CsvProblem as exc:
        raise ValidationError({"file": [str(exc)]}) from exc
    names = [h.lower() for h in header]
    missing = [c for c in CSV_COLUMNS if c in REQUIRED_COLUMNS and c not in names]
    if missing:
        raise ValidationError(
            {
                "file": [
                    f"The CSV lacks the column(s) {', '.join(missing)}. Expected: {', '.join(CSV_COLUMNS)}. "
                    f"The file has: {', '.join(header)}."
                ]
            }
        )
    rows = []
    try:
        for line, values in records:
            rows.append((line, dict(zip(names, values, strict=False))))
            if len(rows) > MAX_CSV_ROWS:
                raise ValidationError({"file": [f"At most {MAX_CSV_ROWS:,} rows per file."]})
    except csvio.CsvProblem as exc:
        raise ValidationError({"file": [str(exc)]}) from exc
    return rows


def ignored_columns(text: str) -> list[str]:
    """Columns of a metrics CSV the import does not read (named in a warning, not refused)."""
    try:
        header, _records = csvio.read_table(text)
    except csvio.CsvProblem:
        return []
    return [h for h in header if h.lower() not in (*CSV_COLUMNS, *OPTIONAL_COLUMNS)]


class _Refused(Exception):
    def __init__(self, result):
        self.result = result


def ingest_csv_text(
    workspace, text: str, progress=None, every: int = CHUNK_ROWS, all_or_nothing: bool = False
) -> dict:
    """Ingest a whole CSV, `every` rows per transaction; `progress(processed, total, ingested,
    errors)` is called after each chunk. With `all_or_nothing`, the whole file is one transaction
    rolled back when any row is bad: the result then has "refused" and no row is kept.

    Row numbers in errors are the file's line numbers (the header is line 1).
    """
    if all_or_nothing:
        try:
            with transaction.atomic():
                result = ingest_csv_text(workspace, text, progress, every)
                if result["errors"]:
                    raise _Refused(result)
        except _Refused as refused:
            return {**refused.result, "ingested": 0, "replaced": 0, "refused": True}
        return result
    rows = read_csv(text)
    total = len(rows)
    cache: dict = {}
    counts = {"replaced": 0}
    ingested, errors = 0, []
    for first in range(0, total, every):
        chunk = rows[first : first + every]
        for number, raw, exc in _ingest_rows(workspace, chunk, cache, counts):
            if exc is None:
                ingested += 1
            else:
                errors.append({"line": number, "post_id": raw.get("post_id") or "", "errors": _messages(exc)})
        if progress:
            progress(min(first + every, total), total, ingested, errors)
    if progress and total == 0:
        progress(0, 0, 0, errors)
    return {"total_rows": total, "ingested": ingested, "replaced": counts["replaced"], "errors": errors}


def max_csv_bytes() -> int:
    return settings.CONTENT_MAX_CSV_BYTES


def error_rows(row_errors) -> list[tuple]:
    """A job's rejected rows as (line, column, reason), one per reason (the error report's rows)."""
    return [
        (row["line"], "" if field == "__all__" else field, message)
        for row in row_errors
        for field, messages in row["errors"].items()
        for message in messages
    ]


def start_csv_import(workspace, user, uploaded_file) -> MetricImport:
    """Save the uploaded CSV and queue its processing; ValidationError for unreadable files."""
    limit = settings.CONTENT_MAX_CSV_BYTES
    if uploaded_file is None:
        raise ValidationError({"file": ["Choose a CSV file."]})
    if uploaded_file.size > limit:
        raise ValidationError({"file": [f"The file is larger than {limit // (1024 * 1024)} MB."]})
    text = csvio.upload_text(uploaded_file.read())
    rows = read_csv(text)  # header and malformed lines are reported now, beside the field
    with transaction.atomic():
        job = MetricImport.objects.create(
            workspace=workspace,
            uploaded_by=user,
            file_name=(uploaded_file.name or "metrics.csv")[:255],
            csv_text=text,
            total_rows=len(rows),
        )
        tasks.import_metrics_csv.delay_on_commit(str(job.id))
    return job


METRIC_FIELDS = [
    KnownField("post_id", ("post", "postid", "ad_id", "id", "external_id"), required=True),
    KnownField("brand", ("brand_name", "account")),
    KnownField("platform", ("network", "channel")),
    KnownField("variant", ("version", "arm")),
    KnownField("experiment", ("test", "experiment_name", "campaign")),
    KnownField("text", ("copy", "ad_text", "body", "post_text")),
    KnownField("date", ("day", "metric_date", "report_date"), required=True),
    KnownField("impressions", ("impr", "impression"), required=True),
    KnownField("clicks", ("click", "link_clicks"), required=True),
    KnownField("conversions", ("conversion", "conv", "purchases")),
    KnownField("revenue", ("sales", "value", "conversion_value")),
    KnownField("published_at", ("published", "publish_date", "posted_at")),
]


def preview_csv(data: bytes, columns: dict | None = None, rows: int = 5) -> dict:
    """What the upload page previews: header, first rows, the column of each field (chosen, else
    by name), the ignored columns; ValidationError on "file" for an unreadable file."""
    text = csvio.upload_text(data)
    try:
        header, records = csvio.read_table(text)
        sample = [values for _line, values in itertools.islice(records, rows)]
        csvio.check_readable(text)
    except csvio.CsvProblem as exc:
        raise ValidationError({"file": [str(exc)]}) from exc
    match = match_columns(header, METRIC_FIELDS, chosen=columns)
    if match.missing and columns is None:
        raise ValidationError(
            {
                "file": [
                    f"The CSV lacks the column(s) {', '.join(match.missing)}. Expected: {', '.join(CSV_COLUMNS)}. "
                    f"The file has: {', '.join(header)}."
                ]
            }
        )
    roles = {c: match.roles(METRIC_FIELDS).get(c, "") for c in header}
    return {"header": header, "sample": sample, "match": match, "roles": roles, "ignored": match.ignored}


def start_mapped_import(workspace, user, data: bytes, file_name: str, columns: dict, all_or_nothing=False):
    """Queue the import of a previewed file with the chosen columns (each under its field's name)."""
    shown = preview_csv(data, columns)
    if shown["match"].missing:
        raise ValidationError({"file": [f"Choose a column for: {', '.join(shown['match'].missing)}."]})
    header, records = csvio.read_table(csvio.upload_text(data))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(shown["match"].renamed(header))
    writer.writerows(values for _line, values in records)
    text = out.getvalue()
    rows = read_csv(text)
    with transaction.atomic():
        job = MetricImport.objects.create(
            workspace=workspace,
            uploaded_by=user,
            file_name=(file_name or "metrics.csv")[:255],
            csv_text=text,
            total_rows=len(rows),
            all_or_nothing=all_or_nothing,
            ignored_columns=shown["ignored"],
        )
        tasks.import_metrics_csv.delay_on_commit(str(job.id))
    return job


def run_csv_import(import_id) -> MetricImport | None:
    job = MetricImport.objects.filter(pk=import_id).select_related("workspace").first()
    if job is None or job.is_finished:
        return job
    job.status = MetricImport.Status.RUNNING
    job.save(update_fields=["status"])

    def progress(processed, total, ingested, errors):
        MetricImport.objects.filter(pk=job.pk).update(
            processed_rows=processed, total_rows=total, ingested_rows=ingested, row_errors=errors[:1000]
        )

    try:
        result = ingest_csv_text(
            job.workspace, job.csv_text, progress=progress, all_or_nothing=job.all_or_nothing
        )
    except ValidationError as exc:
        job.status = MetricImport.Status.FAILED
        job.error = " ".join(m for msgs in _messages(exc).values() for m in msgs)
    except Exception as exc:  # record why on the row, then let the task fail visibly
        logger.exception("metrics import %s failed", job.pk)
        job.refresh_from_db(fields=["processed_rows", "ingested_rows", "row_errors"])
        job.status = MetricImport.Status.FAILED
        job.error = (
            f"The import stopped at row {job.processed_rows} of {job.total_rows}: {exc}. "
            "Rows before it are kept; upload the file again to finish (repeated rows replace themselves)."
        )[:2000]
        job.finished_at = timezone.now()
        job.save()
        raise
    else:
        job.status = MetricImport.Status.DONE
        job.total_rows = job.processed_rows = result["total_rows"]
        job.ingested_rows = result["ingested"]
        job.replaced_rows = result["replaced"]
        job.row_errors = result["errors"][:1000]
    job.finished_at = timezone.now()
    job.save()
    return job
