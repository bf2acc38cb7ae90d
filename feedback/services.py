"""Feedback services: capture, import, analysis (cached per day), reports, suggestions, routing.

Pages, API routes, the management command and the tasks all call these functions.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models import Count, TextField
from django.db.models.functions import Cast, Substr
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core import csvio
from core.columns import KnownField, match_columns
from core.jsonlimits import JsonLimitError, loads_limited
from feedback import analysis as patterns
from feedback import reports as report_builder
from feedback.models import FeedbackEntry, FeedbackReport, PatternCache, Thumbs
from feedback.router import BanditRouter
from feedback.suggestions import AIConfig, suggest
from workspaces import audit

MAX_TEXT = 100_000
MAX_TAGS = 20
MAX_CONTEXT_BYTES = 20_000
MAX_BATCH = 1000
MAX_IMPORT_ROWS = 100_000
CSV_REQUIRED = ("prompt", "output", "rating")


# --- settings -----------------------------------------------------------------------------


def success_rule() -> patterns.SuccessRule:
    return patterns.SuccessRule(
        min_rating=settings.FEEDBACK_SUCCESS_MIN_RATING,
        thumbs_up_counts=settings.FEEDBACK_THUMBS_UP_COUNTS,
    )


def ai_config() -> AIConfig | None:
    if not settings.FEEDBACK_ANTHROPIC_API_KEY:
        return None
    return AIConfig(
        api_key=settings.FEEDBACK_ANTHROPIC_API_KEY,
        base_url=settings.FEEDBACK_ANTHROPIC_BASE_URL or None,
        model=settings.FEEDBACK_ANTHROPIC_MODEL,
        timeout=settings.FEEDBACK_ANTHROPIC_TIMEOUT,
    )


# --- capture ------------------------------------------------------------------------------


def parse_thumbs(value) -> int:
    """'up'/'down'/'none', True/False, 1/-1/0 or blank -> Thumbs value."""
    if value is None or value == "":
        return Thumbs.NONE
    if isinstance(value, bool):
        return Thumbs.UP if value else Thumbs.DOWN
    text = str(value).strip().lower()
    mapping = {
        "up": Thumbs.UP, "1": Thumbs.UP, "true": Thumbs.UP, "yes": Thumbs.UP, "+1": Thumbs.UP,
        "down": Thumbs.DOWN, "-1": Thumbs.DOWN, "false": Thumbs.DOWN, "no": Thumbs.DOWN,
        "none": Thumbs.NONE, "0": Thumbs.NONE,
    }  # fmt: skip
    if text not in mapping:
        raise ValidationError({"thumbs": ["Use up, down or none."]})
    return mapping[text]


def _parse_rating(value) -> int:
    if isinstance(value, bool) or value is None or value == "":
        raise ValidationError({"rating": ["A rating from 1 to 5 is required."]})
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError({"rating": ["The rating must be a whole number from 1 to 5."]}) from None
    if not math.isfinite(number) or number != int(number) or not 1 <= number <= 5:
        raise ValidationError({"rating": ["The rating must be a whole number from 1 to 5."]})
    return int(number)


def _parse_timestamp(value):
    if value in (None, ""):
        return timezone.now()
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()[:64]
        try:
            moment = parse_datetime(text) or datetime.combine(date.fromisoformat(text), datetime.min.time())
        except ValueError:
            raise ValidationError(
                {"timestamp": ["Use an ISO date or time, e.g. 2026-11-25T10:30:00Z."]}
            ) from None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    if moment > timezone.now() + timedelta(days=1):
        raise ValidationError({"timestamp": ["The timestamp is in the future."]})
    if moment.year < 2000:
        raise ValidationError({"timestamp": ["The timestamp is before the year 2000."]})
    return moment


def _clean_entry(data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    prompt = str(data.get("prompt") or "").strip()
    output = str(data.get("output") or "").strip()
    if not prompt:
        errors["prompt"] = ["The prompt is required."]
    if not output:
        errors["output"] = ["The output is required."]
    for name, text in (("prompt", prompt), ("output", output)):
        if len(text) > MAX_TEXT:
            errors[name] = [f"At most {MAX_TEXT:,} characters."]
    cleaned: dict = {"prompt": prompt, "output": output}
    for name, parse in (("rating", _parse_rating), ("thumbs", parse_thumbs)):
        try:
            cleaned[name] = parse(data.get(name))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    tags = patterns.normalise_tags(data.get("tags"))
    if len(tags) > MAX_TAGS or any(len(t) > 50 for t in tags):
        errors["tags"] = [f"At most {MAX_TAGS} tags of at most 50 characters each."]
    context = data.get("context") or {}
    if not isinstance(context, dict):
        errors["context"] = ["The context must be a JSON object."]
        context = {}
    try:
        encoded = json.dumps(context, allow_nan=False)
    except (TypeError, ValueError):
        errors["context"] = ["The context must hold plain JSON values (no NaN or infinity)."]
    else:
        if len(encoded) > MAX_CONTEXT_BYTES:
            errors["context"] = [f"The context is larger than {MAX_CONTEXT_BYTES:,} bytes."]
    context = dict(context)
    for key in ("framework", "model"):
        value = data.get(key)
        if value not in (None, ""):
            context[key] = str(value).strip()
    framework = str(context.get("framework") or "").strip()
    model_name = str(context.get("model") or "").strip()
    if len(framework) > 100:
        errors["framework"] = ["At most 100 characters."]
    if len(model_name) > 100:
        errors["model"] = ["At most 100 characters."]
    try:
        created_at = _parse_timestamp(data.get("timestamp"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
        created_at = None
    if errors:
        raise ValidationError(errors)
    cleaned.update(
        tags=tags,
        context=context,
        framework=framework,
        model_name=model_name,
        notes=str(data.get("notes") or "").strip()[:MAX_TEXT],
        created_at=created_at,
    )
    return cleaned


def invalidate_patterns(workspace) -> None:
    PatternCache.objects.for_workspace(workspace).delete()


@transaction.atomic
def capture_entry(workspace, **data) -> FeedbackEntry:
    """Store one rated output (keys: prompt, output, rating, thumbs, tags, context, framework,
    model, notes, timestamp)."""
    entry = FeedbackEntry.objects.create(workspace=workspace, **_clean_entry(data))
    invalidate_patterns(workspace)
    return entry


@transaction.atomic
def capture_batch(workspace, items: list[dict], *, prefix: str = "entries") -> list[FeedbackEntry]:
    """Store several entries at once; nothing is stored when any of them is invalid."""
    if len(items) > MAX_BATCH:
        raise ValidationError({prefix: [f"At most {MAX_BATCH} entries per batch."]})
    if not items:
        raise ValidationError({prefix: ["Send at least one entry."]})
    cleaned, errors = [], {}
    for index, item in enumerate(items):
        try:
            cleaned.append(_clean_entry(item if isinstance(item, dict) else {}))
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors[f"{prefix}.{index}.{field}"] = messages
    if errors:
        raise ValidationError(errors)
    entries = FeedbackEntry.objects.bulk_create(
        [FeedbackEntry(workspace=workspace, **row) for row in cleaned], batch_size=500
    )
    invalidate_patterns(workspace)
    return entries


@transaction.atomic
def rate_entry(workspace, entry: FeedbackEntry, *, rating=None, thumbs=None) -> FeedbackEntry:
    """Change an entry's rating and/or thumbs (the rating widget)."""
    if entry.workspace_id != workspace.id:
        raise ValidationError({"entry": ["This entry belongs to another workspace."]})
    if rating is not None:
        entry.rating = _parse_rating(rating)
    if thumbs is not None:
        entry.thumbs = parse_thumbs(thumbs)
    entry.save(update_fields=["rating", "thumbs", "updated_at"])
    invalidate_patterns(workspace)
    return entry


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


def _read_upload(upload) -> str:
    raw = upload if isinstance(upload, bytes) else upload.read(settings.MAX_UPLOAD_SIZE + 1)
    if len(raw) > settings.MAX_UPLOAD_SIZE:
        raise ValidationError({"file": ["The file is too large."]})
    try:
        return csvio.decode_upload(raw)
    except csvio.CsvProblem as exc:
        raise ValidationError({"file": [str(exc)]}) from None


def _csv_table(text: str, columns: dict | None = None):
    """Header, records and the field -> column mapping of a feedback CSV; ValidationError on "file"
    for a file `csv` cannot read or without the required columns."""
    try:
        header, records = csvio.read_table(text)
    except csvio.CsvProblem as exc:
        raise ValidationError({"file": [str(exc)]}) from None
    if columns is None:  # exact names, compared without case
        lowered = {name.lower(): name for name in header}
        columns = {f.name: lowered.get(f.name, "") for f in FEEDBACK_FIELDS}
        if not columns["thumbs"] and "thumbs_up" in lowered:
            columns["thumbs"] = lowered["thumbs_up"]
    match = match_columns(header, FEEDBACK_FIELDS, chosen=columns)
    if match.missing:
        raise ValidationError(
            {
                "file": [
                    f"The CSV lacks the column(s) {', '.join(match.missing)}; it needs at least "
                    f"{', '.join(CSV_REQUIRED)}. The file has: {', '.join(header)}."
                ]
            }
        )
    return header, records, match


def preview_import(upload, name: str = "", rows: int = 5) -> dict:
    """What the preview shows: the header, the first rows, the columns pre-selected by their
    names, the ignored ones; ValidationError on "file" for an unreadable file."""
    text = _read_upload(upload)
    if _is_jsonl(name):
        lines = [line for line in text.splitlines() if line.strip()]
        return {"header": ["line"], "sample": [[line[:500]] for line in lines[:rows]], "jsonl": True}
    try:
        header, records = csvio.read_table(text)
        csvio.check_readable(text)  # a malformed line further down is refused now, not after the preview
    except csvio.CsvProblem as exc:
        raise ValidationError({"file": [str(exc)]}) from None
    match = match_columns(header, FEEDBACK_FIELDS)
    if match.missing:  # nothing to choose from: refused now, beside the file field
        raise ValidationError(
            {
                "file": [
                    f"The CSV lacks the column(s) {', '.join(match.missing)}; it needs at least "
                    f"{', '.join(CSV_REQUIRED)}. The file has: {', '.join(header)}."
                ]
            }
        )
    sample = []
    for _line, values in records:
        sample.append(values)
        if len(sample) >= rows:
            break
    return {
        "header": header,
        "sample": sample,
        "match": match,
        "roles": {c: match.roles(FEEDBACK_FIELDS).get(c, "") for c in header},
        "ignored": match.ignored,
        "missing": match.missing,
        "jsonl": False,
    }


def _rows_from_upload(upload, name: str, columns: dict | None = None):
    """(line, row dict or None, [(column, reason), ...]) for every record of a CSV or JSON Lines
    file; a file that cannot be read as a whole raises ValidationError on "file"."""
    text = _read_upload(upload)
    if _is_jsonl(name):
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
                cleaned.append(_clean_entry(row))
                continue
            except ValidationError as exc:
                problems = [(f, m) for f, messages in exc.message_dict.items() for m in messages]
        skipped += 1
        errors.extend((number, column, reason) for column, reason in problems)
    if not cleaned and not skipped:
        raise ValidationError({"file": ["The file holds no entries."]})
    refused = bool(all_or_nothing and skipped)
    if cleaned and not refused:
        with transaction.atomic():
            FeedbackEntry.objects.bulk_create(
                [FeedbackEntry(workspace=workspace, **row) for row in cleaned], batch_size=500
            )
            invalidate_patterns(workspace)
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


# --- reading ------------------------------------------------------------------------------

FRAME_COLUMNS = ["prompt", "rating", "thumbs", "tags", "framework", "model", "created_at"]


def entries_frame(workspace, since=None, until=None, *, with_time: bool = True) -> pd.DataFrame:
    """The workspace's entries in [since, until) as the analysis frame.

    Read with one plain cursor query (tags and times as text, parsed once per distinct value),
    because the ORM's per-row conversions dominate at a million entries.
    """
    entries = FeedbackEntry.objects.for_workspace(workspace)
    if since is not None:
        entries = entries.filter(created_at__gte=since)
    if until is not None:
        entries = entries.filter(created_at__lt=until)
    fields = ["prompt", "rating", "thumbs", "tags_text", "framework", "model_name"]
    entries = entries.order_by().annotate(tags_text=Cast("tags", TextField()))
    if with_time:
        entries = entries.annotate(time_text=Cast("created_at", TextField()))
        fields.append("time_text")
    sql, params = entries.values_list(*fields).query.sql_with_params()
    with connections[entries.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    columns = FRAME_COLUMNS if with_time else FRAME_COLUMNS[:-1]
    frame = (
        pd.DataFrame.from_records(rows, columns=columns)
        if rows
        else pd.DataFrame({name: pd.Series(dtype=object) for name in columns})
    )
    frame["rating"] = frame["rating"].astype(int)
    frame["thumbs"] = frame["thumbs"].astype(int)
    frame["tags"] = _parse_json_lists(frame["tags"])
    if with_time:
        frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True, format="ISO8601")
    return frame


def _window(workspace, since=None, until=None):
    entries = FeedbackEntry.objects.for_workspace(workspace)
    if since is not None:
        entries = entries.filter(created_at__gte=since)
    if until is not None:
        entries = entries.filter(created_at__lt=until)
    return entries.order_by()


def _fetch(queryset) -> list[tuple]:
    """Rows of a values_list queryset by one plain cursor query (no per-row ORM conversions)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def grouped_entries(workspace, since=None, until=None, *, by_day: bool = False) -> pd.DataFrame:
    """Entries in [since, until) counted in the database per (tags, framework, model, rating,
    thumbs[, UTC day]): the analysis frame with a ``count`` column, small however many rows."""
    entries = _window(workspace, since, until).annotate(tags_text=Cast("tags", TextField()))
    fields = ["tags_text", "framework", "model_name", "rating", "thumbs"]
    if by_day:
        entries = entries.annotate(day_text=Substr(Cast("created_at", TextField()), 1, 10))
        fields.append("day_text")
    rows = _fetch(entries.values(*fields).annotate(count=Count("id")).values_list(*fields, "count"))
    columns = ["tags", "framework", "model", "rating", "thumbs"] + (["day"] if by_day else []) + ["count"]
    if rows:
        frame = pd.DataFrame.from_records(rows, columns=columns)
    else:
        frame = pd.DataFrame({name: pd.Series(dtype=object) for name in columns})
    for name in ("rating", "thumbs", "count"):
        frame[name] = frame[name].astype(np.int64)
    frame["tags"] = _parse_json_lists(frame["tags"])
    if by_day:
        days = {text: date.fromisoformat(text) for text in frame["day"].unique()}
        frame["day"] = frame["day"].map(days)
    return frame


def prompt_success_counts(workspace, since=None, until=None) -> pd.DataFrame:
    """Successes ``s`` and failures ``f`` per distinct prompt, counted in the database."""
    rows = _fetch(
        _window(workspace, since, until)
        .values("prompt")
        .annotate(n=Count("id"), s=Count("id", filter=success_filter(success_rule())))
        .values_list("prompt", "s", "n")
    )
    frame = pd.DataFrame.from_records(rows, columns=["prompt", "s", "n"])
    frame["f"] = frame["n"] - frame["s"]
    return frame.set_index("prompt")[["s", "f"]].astype(np.int64)


def _parse_json_lists(texts: pd.Series) -> pd.Series:
    """JSON list texts -> lists, decoding each distinct text once."""
    decoded = {}
    for text in texts.unique():
        try:
            value = json.loads(text) if isinstance(text, str) else text
        except ValueError:
            value = []
        decoded[text] = value if isinstance(value, list) else []
    return texts.map(decoded)


def min_samples_default() -> int:
    return settings.FEEDBACK_MIN_SAMPLES


def _check_window(days, min_samples):
    errors = {}
    if not isinstance(days, int) or not 1 <= days <= 3660:
        errors["days"] = ["Days must be a whole number from 1 to 3660."]
    if not isinstance(min_samples, int) or not 1 <= min_samples <= 100_000:
        errors["min_samples"] = ["The minimum sample size must be from 1 to 100000."]
    if errors:
        raise ValidationError(errors)


def analyze_workspace(workspace, days: int = 7, min_samples: int | None = None) -> dict:
    """Pattern analysis of the last ``days`` days, cached for the day until new entries arrive.

    Raises feedback.analysis.InsufficientData when there are too few entries.
    """
    min_samples = min_samples_default() if min_samples is None else min_samples
    _check_window(days, min_samples)
    rule = success_rule()
    today = timezone.localdate()
    key = f"{days}:{min_samples}:{rule.min_rating}:{int(rule.thumbs_up_counts)}"
    cached = PatternCache.objects.for_workspace(workspace).filter(day=today, key=key).first()
    if cached is not None:
        return cached.result
    since = timezone.now() - timedelta(days=days)
    frame = grouped_entries(workspace, since=since)
    prompts = prompt_success_counts(workspace, since=since) if int(frame["count"].sum()) else None
    result = patterns.analyze(frame, rule=rule, min_samples=min_samples, prompts=prompts)
    result["days"] = days
    result["computed_at"] = timezone.now().isoformat()
    PatternCache.objects.update_or_create(
        workspace=workspace, day=today, key=key, defaults={"result": result}
    )
    return result


def overview(workspace, days: int = 30) -> dict:
    """Counts and success rate over the last ``days`` days, for list pages and the dashboard."""
    from analytics.intervals import rate_with_interval

    entries = FeedbackEntry.objects.for_workspace(workspace).filter(
        created_at__gte=timezone.now() - timedelta(days=days)
    )
    rule = success_rule()
    n = entries.count()
    successes = entries.filter(success_filter(rule)).count()
    return {
        "days": days,
        "n": n,
        "stat": rate_with_interval(successes, n),
        "rule": rule.describe(),
    }


def success_filter(rule):
    from django.db.models import Q

    condition = Q(rating__gte=rule.min_rating)
    if rule.thumbs_up_counts:
        condition |= Q(thumbs=Thumbs.UP)
    return condition


# --- reports ------------------------------------------------------------------------------


def write_report(
    workspace, period: str = "weekly", day: date | None = None, *, actor=None, token=None
) -> FeedbackReport:
    """Build and store the report of the period containing ``day`` (today by default).

    A report asked for by a person (``actor``) or an API token is recorded in the audit log.
    """
    if period not in report_builder.PERIODS:
        raise ValidationError({"period": ["Choose weekly or monthly."]})
    day = day or timezone.localdate()
    if not date(2000, 1, 1) <= day <= date(2100, 12, 31):
        raise ValidationError({"date": ["Choose a date between 2000 and 2100."]})
    label, start, end = report_builder.period_bounds(period, day)
    _prev_label, prev_start, prev_end = report_builder.previous_period(period, day)

    def at(d):
        return timezone.make_aware(datetime.combine(d, datetime.min.time()))

    current = grouped_entries(workspace, since=at(start), until=at(end), by_day=True)
    previous = grouped_entries(workspace, since=at(prev_start), until=at(prev_end))
    rule = success_rule()
    advice = []
    if int(current["count"].sum()) >= min_samples_default():
        prompts = prompt_success_counts(workspace, since=at(start), until=at(end))
        advice = patterns.analyze(current, rule=rule, min_samples=min_samples_default(), prompts=prompts)[
            "recommendations"
        ]
    data = report_builder.build_report(
        period,
        label,
        start,
        end,
        current,
        previous,
        rule=rule,
        min_samples=min_samples_default(),
        recommendations=advice,
        today=timezone.localdate(),
    )
    report, _created = FeedbackReport.objects.update_or_create(
        workspace=workspace,
        period_type=period,
        period=label,
        defaults={
            "start_date": start,
            "end_date": end - timedelta(days=1),
            "total_prompts": data["total_prompts"],
            "success_rate": data["success_rate"],
            "improvement_vs_previous": data["improvement_vs_previous"],
            "data": data,
        },
    )
    if actor is not None or token is not None:
        audit.record(workspace, "feedback.report_written", f"{period} {label}", actor=actor, token=token)
    return report


def latest_alert(workspace) -> FeedbackReport | None:
    """The latest weekly report when its success rate fell by more than the alert threshold."""
    report = FeedbackReport.objects.for_workspace(workspace).filter(period_type="weekly").first()
    if report and report_builder.success_rate_fell(report.data, settings.FEEDBACK_ALERT_DROP_POINTS):
        return report
    return None


# --- suggestions and routing --------------------------------------------------------------


def suggestions_for(workspace, framework=None, days: int = 7, limit: int = 5) -> dict:
    """Suggestions (AI when configured, else rule-based) from the last ``days`` days."""
    if not isinstance(limit, int) or not 1 <= limit <= 20:
        raise ValidationError({"limit": ["The limit must be from 1 to 20."]})
    result = analyze_workspace(workspace, days=days)
    low_rated = list(
        FeedbackEntry.objects.for_workspace(workspace)
        .filter(created_at__gte=timezone.now() - timedelta(days=days), rating__lte=2)
        .filter(**({"framework": framework} if framework else {}))
        .values("prompt", "rating", "tags", "framework", "model_name", "notes")[:10]
    )
    for row in low_rated:
        row["prompt"] = row["prompt"][:500]
    answer = suggest(result, ai_config(), framework=framework or None, limit=limit, examples=low_rated)
    answer["analysis"] = {
        "total_feedback": result["total_feedback"],
        "success_rate": result["success_rate"],
        "days": days,
    }
    return answer


def build_router(workspace, days: int | None = None) -> BanditRouter:
    entries = FeedbackEntry.objects.for_workspace(workspace).exclude(framework="").exclude(model_name="")
    if days:
        entries = entries.filter(created_at__gte=timezone.now() - timedelta(days=days))
    rule = success_rule()
    router = BanditRouter(pool_strength=settings.FEEDBACK_ROUTER_POOL_STRENGTH)
    # Counted in the database per (tags, framework, model): the router sees totals, not rows.
    groups = (
        entries.order_by()
        .values("tags", "framework", "model_name")
        .annotate(n=Count("id"), successes=Count("id", filter=success_filter(rule)))
    )
    for row in groups:
        arm = (row["framework"], row["model_name"])
        tags = row["tags"] if isinstance(row["tags"], list) else []
        if row["successes"]:
            router.update(tags, arm, True, weight=row["successes"])
        if row["n"] - row["successes"]:
            router.update(tags, arm, False, weight=row["n"] - row["successes"])
    return router


def recommend_route(workspace, tags) -> dict:
    """Framework and model for a task with these tags, by Thompson sampling on the ratings."""
    tags = patterns.normalise_tags(tags)
    if len(tags) > MAX_TAGS:
        raise ValidationError({"tags": [f"At most {MAX_TAGS} tags."]})
    router = build_router(workspace)
    recommendation = router.recommend(tags)
    if recommendation is None:
        return {
            "tags": tags,
            "recommendation": None,
            "reasoning": "No rated output names both a framework and a model yet: capture "
            "feedback with context framework and model first.",
        }
    return {"tags": tags, "recommendation": recommendation.as_dict(), "reasoning": recommendation.reasoning}


def workspaces_with_feedback() -> list:
    return list(FeedbackEntry.objects.order_by().values_list("workspace_id", flat=True).distinct())


def filter_entries(entries, *, tag: str = "", framework: str = "", model: str = "", rating=None):
    """Narrow an entries queryset by normalised tag, framework, model and rating."""
    from django.db import connection

    tag = patterns.normalise_tag(tag) if tag else ""
    if tag:
        if connection.vendor == "postgresql":
            entries = entries.filter(tags__contains=[tag])
        else:  # SQLite has no JSON containment; the quoted tag inside the JSON text is exact
            entries = entries.filter(tags__icontains=json.dumps(tag))
    if framework:
        entries = entries.filter(framework=framework)
    if model:
        entries = entries.filter(model_name=model)
    if rating not in (None, ""):
        entries = entries.filter(rating=rating)
    return entries
