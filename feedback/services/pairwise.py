"""Pairwise judgments: capture one, a batch or a CSV file (all or nothing), and the Bradley-Terry
board of prompt variants, frameworks and models they make, beside the rating figures."""

import json
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import transaction

from core import csvio
from core.columns import KnownField
from core.stats import Rate
from feedback import pairwise, queries
from feedback.forms import PairwiseForm
from feedback.models import PairwiseJudgment
from feedback.services.batches import clean_batch
from feedback.services.imports import matched_columns, read_table, read_upload, table_preview

MAX_BATCH = 1000  # as the entries' batch
MAX_IMPORT_ROWS = 100_000
MAX_BOARD_ITEMS = 50  # per kind, the most compared: the fit is cubic in the number of items
CSV_REQUIRED = ("prompt", "left_output", "right_output", "verdict")
PAIRWISE_FIELDS = [
    KnownField("prompt", ("input", "query", "user_prompt"), required=True),
    KnownField("left_output", ("output_a", "a_output", "output_left", "a"), required=True),
    KnownField("right_output", ("output_b", "b_output", "output_right", "b"), required=True),
    KnownField("verdict", ("winner", "better", "preference", "choice"), required=True),
    KnownField("left_variant", ("variant_a", "a_variant", "left_prompt_variant")),
    KnownField("left_framework", ("framework_a", "a_framework")),
    KnownField("left_model", ("model_a", "a_model")),
    KnownField("right_variant", ("variant_b", "b_variant", "right_prompt_variant")),
    KnownField("right_framework", ("framework_b", "b_framework")),
    KnownField("right_model", ("model_b", "b_model")),
    KnownField("notes", ("note", "comment", "comments")),
]
KINDS = [
    ("variant", "Prompt variants"),
    ("framework", "Frameworks"),
    ("model", "Models"),
    ("arm", "Framework and model (the router's options)"),
]


def clean_judgment(data: dict) -> dict:
    """PairwiseJudgment's fields from raw data; ValidationError naming each bad field."""
    return PairwiseForm.check(data)


@transaction.atomic
def store_judgments(workspace, rows: list[dict], *, user=None, token=None) -> list[PairwiseJudgment]:
    """Store judgments already cleaned by PairwiseForm."""
    judgments = [PairwiseJudgment(workspace=workspace, created_by=user, token=token, **row) for row in rows]
    return PairwiseJudgment.objects.bulk_create(judgments, batch_size=500)


def capture_judgment(workspace, *, user=None, token=None, **data) -> PairwiseJudgment:
    """Store one judgment (keys: prompt, left_output, right_output, verdict, left_/right_variant,
    _framework, _model, notes)."""
    return store_judgments(workspace, [clean_judgment(data)], user=user, token=token)[0]


def capture_judgments(workspace, items: list, *, user=None, token=None, prefix="judgments"):
    """Store several judgments; nothing is stored when any is invalid (errors as prefix.index.field)."""
    cleaned = clean_batch(
        items,
        clean_judgment,
        prefix=prefix,
        limit=MAX_BATCH,
        too_many=f"At most {MAX_BATCH} judgments per batch; this one has {len(items):,}.",
        empty="Send at least one judgment.",
    )
    return store_judgments(workspace, cleaned, user=user, token=token)


# The CSV import: upload, preview with the column mapping, all or nothing.


def _matched(header, columns=None):
    return matched_columns(header, PAIRWISE_FIELDS, CSV_REQUIRED, columns)


def preview_judgments(upload, rows: int = 5) -> dict:
    """The preview (`imports.table_preview`): header, first rows, columns pre-selected by their
    names; ValidationError on "file" for an unreadable file or one without the required columns."""
    return table_preview(read_upload(upload), PAIRWISE_FIELDS, CSV_REQUIRED, rows)


def import_judgments(workspace, upload, *, columns=None, user=None) -> dict:
    """Import a CSV of judgments, all or nothing: one bad row refuses the file and every bad row is
    reported as (line, column, reason), the column named as in the file. Returns {stored, skipped,
    errors, refused}. ``columns`` maps each field to the file's column (the preview's choice)."""
    text = read_upload(upload)
    header, records = read_table(text)
    match = _matched(header, columns)  # without a chosen mapping: the columns the preview would pick
    position = {field: header.index(column) for field, column in match.mapping.items() if column}
    try:
        rows = list(records)
    except csvio.CsvProblem as exc:
        raise ValidationError({"file": [str(exc)]}) from None
    if len(rows) > MAX_IMPORT_ROWS:
        raise ValidationError({"file": [f"At most {MAX_IMPORT_ROWS:,} rows per file."]})
    if not rows:
        raise ValidationError({"file": ["The file holds no judgments."]})
    cleaned, errors, skipped = [], [], 0
    for number, values in rows:
        row = {field: values[at] if at < len(values) else "" for field, at in position.items()}
        try:
            cleaned.append(clean_judgment(row))
        except ValidationError as exc:
            skipped += 1
            errors.extend(
                (number, match.mapping.get(field) or field, message)
                for field, messages in exc.message_dict.items()
                for message in messages
            )
    refused = bool(skipped)
    if not refused:
        store_judgments(workspace, cleaned, user=user)
    return {"stored": 0 if refused else len(cleaned), "updated": 0, "skipped": skipped, "errors": errors,
            "refused": refused}  # fmt: skip


# The board.


def _key(kind: str, side: dict):
    if kind == "arm":
        return (side["framework"], side["model"]) if side["framework"] and side["model"] else None
    return side[kind] or None


def _label(item) -> str:
    return " / ".join(item) if isinstance(item, tuple) else str(item)


def _sides(row: dict):
    names = ("variant", "framework", "model")
    return ({n: row[f"left_{n}"] for n in names}, {n: row[f"right_{n}"] for n in names})


def comparisons(rows: list[dict], kind: str) -> list[tuple]:
    """(left item, right item, verdict, count) of one kind; judgments whose sides share the item
    (or lack it) say nothing about that kind and are left out."""
    out = []
    for row in rows:
        left, right = _sides(row)
        a, b = _key(kind, left), _key(kind, right)
        if a is not None and b is not None and a != b:
            out.append((a, b, row["verdict"], row["n"]))
    return out


def _rating_rates(workspace, days) -> dict:
    """Rate per framework, per model and per (framework, model) from the ratings."""
    totals = {"framework": {}, "model": {}, "arm": {}}
    for row in queries.rating_counts(workspace, days):
        keys = {"framework": row["framework"], "model": row["model_name"]}
        keys["arm"] = (row["framework"], row["model_name"]) if all(keys.values()) else None
        for kind, key in keys.items():
            if key:
                s, n = totals[kind].get(key, (0, 0))
                totals[kind][key] = (s + row["successes"], n + row["n"])
    return {kind: {k: Rate(s, n) for k, (s, n) in values.items()} for kind, values in totals.items()}


def _fit(rows, kind, extra_items=()):
    found = comparisons(rows, kind)
    counted = {}
    for a, b, _verdict, n in found:
        counted[a] = counted.get(a, 0) + n
        counted[b] = counted.get(b, 0) + n
    items = sorted(counted, key=lambda item: -counted[item])[:MAX_BOARD_ITEMS]
    kept = set(items)
    items += [i for i in dict.fromkeys(extra_items) if i not in kept][: max(0, MAX_BOARD_ITEMS - len(items))]
    hidden = len(counted) - len(kept)
    return pairwise.fit_comparisons([c for c in found if c[0] in kept and c[1] in kept], items), hidden


def _judge_link(kind, left, right) -> str:
    params = {}
    if kind == "arm":
        params = {"left_framework": left[0], "left_model": left[1], "right_framework": right[0],
                  "right_model": right[1]}  # fmt: skip
    else:
        params = {f"left_{kind}": left, f"right_{kind}": right}
    return urlencode(params)


def board(workspace, days: int | None = None) -> dict:
    """The Bradley-Terry board: per kind, each item's strength with its 95% interval, its chance to
    beat an average item, its comparisons and its rating figures, and the pairs to judge next."""
    rows = queries.pairwise_counts(workspace, days)
    rates = _rating_rates(workspace, days)
    total = sum(r["n"] for r in rows)
    ties = sum(r["n"] for r in rows if r["verdict"] == "tie")
    kinds = []
    for kind, title in KINDS:
        fit, hidden = _fit(rows, kind, rates.get(kind, {}))
        table = []
        for row in fit.table():
            rate = rates.get(kind, {}).get(row["item"])
            table.append({**row, "label": _label(row["item"]), "rating": rate.as_dict() if rate else None})
        suggested = [
            {**s, "left_label": _label(s["left"]), "right_label": _label(s["right"]),
             "judge_query": _judge_link(kind, s["left"], s["right"])}
            for s in pairwise.suggest_pairs(fit)
        ] if len(fit.items) > 1 else []  # fmt: skip
        kinds.append(
            {
                "kind": kind,
                "title": title,
                "rows": table,
                "comparisons": int(round(fit.total)),
                "unjudged": sum(1 for r in table if not r["comparisons"]),
                "hidden": hidden,
                "suggested": suggested,
                "rated": kind in rates,
            }
        )
    return {"judgments": total, "ties": ties, "days": days, "kinds": kinds,
            "prior_precision": pairwise.PRIOR_PRECISION}  # fmt: skip


def board_json(result: dict) -> dict:
    """The board with JSON-ready item names (a framework-model pair as "framework / model")."""
    kinds = []
    for kind in result["kinds"]:
        rows = [{**r, "item": r["label"]} for r in kind["rows"]]
        suggested = [{**s, "left": s["left_label"], "right": s["right_label"]} for s in kind["suggested"]]
        kinds.append({**kind, "rows": rows, "suggested": suggested})
    return json.loads(json.dumps({**result, "kinds": kinds}))


def arm_fit(workspace, days: int | None = None) -> pairwise.BradleyTerryFit | None:
    """The strengths of (framework, model) pairs from the judgments, for the router; None without any."""
    found = comparisons(queries.pairwise_counts(workspace, days), "arm")
    return pairwise.fit_comparisons(found) if found else None


def recent(workspace, limit: int = 10):
    return PairwiseJudgment.objects.for_workspace(workspace)[:limit]
