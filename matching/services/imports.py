"""Import historical choices from a long-format CSV (one row per session and candidate)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from django.core.exceptions import ValidationError
from django.db import transaction

from core import csvio
from core.columns import KnownField, match_columns
from matching.learning import STATED_PREFIX, choice_set_from_frame
from matching.models import Candidate, Choice, Factor, MatchingSession, Recommendation
from matching.segments import BALANCED

REQUIRED = ("session_id", "alternative", "chosen")


def import_choices(
    workspace, frame: pd.DataFrame, lower_is_better: list[str] | None = None, batch_size: int = 2000
) -> dict:
    """Create factors, candidates, sessions, recommendations and choices from a long frame.

    Every numeric column besides session_id, alternative, chosen and segment is a factor (created
    with weight 1 when new; higher is better unless named in `lower_is_better`). Sessions without
    exactly one chosen row or with a single candidate are skipped and counted in the report.
    Imported sessions have no displayed rank.
    """
    frame = frame.copy()
    has_segment = "segment" in frame.columns
    stated_columns = [c for c in frame.columns if str(c).startswith(STATED_PREFIX)]
    factor_columns = [
        c
        for c in frame.columns
        if c not in (*REQUIRED, "segment", *stated_columns) and pd.api.types.is_numeric_dtype(frame[c])
    ]
    if not factor_columns:
        raise ValidationError({"file": ["No numeric factor column besides session_id and chosen."]})
    stated_for = _check_stated_frame(frame, stated_columns, factor_columns)
    lower = set(lower_is_better or [])
    unknown = lower - set(factor_columns)
    if unknown:
        raise ValidationError({"lower_is_better": [f"Not a factor column: {', '.join(sorted(unknown))}."]})
    data, report = choice_set_from_frame(
        frame,
        factor_columns,
        segment_column="segment" if has_segment else None,
        stated_columns=stated_for,
    )
    if data.n_sessions == 0:
        raise ValidationError({"file": ["No session has exactly one chosen candidate among two or more."]})
    with transaction.atomic():
        existing = {f.key: f for f in Factor.objects.for_workspace(workspace)}
        start = len(existing)
        for i, key in enumerate(factor_columns):
            if key not in existing:
                existing[key] = Factor.objects.create(
                    workspace=workspace,
                    key=key,
                    label=key.replace("_", " "),
                    position=start + i,
                    higher_is_better=key not in lower,
                )
            elif key in lower and existing[key].higher_is_better:
                existing[key].higher_is_better = False
                existing[key].save(update_fields=["higher_is_better"])
        names = data.alternative_names
        candidates = {c.name: c for c in Candidate.objects.for_workspace(workspace).filter(name__in=names)}
        # a candidate's factor values are its average over the sessions it appeared in
        means = pd.DataFrame(data.values, columns=factor_columns).groupby(data.alternative).mean()
        new = [
            Candidate(
                workspace=workspace,
                name=name,
                factor_values={k: float(means.loc[code, k]) for k in factor_columns},
            )
            for code, name in enumerate(names)
            if name not in candidates
        ]
        Candidate.objects.bulk_create(new)
        candidates.update({c.name: c for c in new})
        cand_by_code = [candidates[n] for n in names]
        starts = np.r_[data.starts, len(data.session)]
        segments = data.segment if data.segment is not None else None
        for batch_start in range(0, data.n_sessions, batch_size):
            batch = range(batch_start, min(batch_start + batch_size, data.n_sessions))
            sessions = [
                MatchingSession(
                    workspace=workspace,
                    customer_ref=f"import:{data.session_ids[s]}",
                    segment=(str(segments[s])[:30] or BALANCED) if segments is not None else BALANCED,
                    segment_reason="Imported" + (" with its segment" if segments is not None else ""),
                    stated_preferences=_stated_of(data, s),
                    imported=True,
                )
                for s in batch
            ]
            MatchingSession.objects.bulk_create(sessions)
            recs, choices = [], []
            for s, session in zip(batch, sessions, strict=True):
                for row in range(starts[s], starts[s + 1]):
                    candidate = cand_by_code[data.alternative[row]]
                    recs.append(
                        Recommendation(
                            workspace=workspace,
                            session=session,
                            candidate=candidate,
                            rank=None,
                            factor_values=dict(zip(factor_columns, data.values[row].tolist(), strict=True)),
                        )
                    )
                    if data.chosen[row]:
                        choices.append(Choice(workspace=workspace, session=session, candidate=candidate))
            Recommendation.objects.bulk_create(recs, ignore_conflicts=True)
            Choice.objects.bulk_create(choices)
    report.update(
        {
            "factors": factor_columns,
            "candidates_created": len(new),
            "sessions_imported": data.n_sessions,
        }
    )
    return report


def _check_stated_frame(frame: pd.DataFrame, stated_columns: list[str], factor_columns: list[str]) -> dict:
    """{factor: its stated_<factor> column}; a ValidationError on "file" naming the column and row for
    a column of no factor, a value that is not a number 1-5, or two values in one session."""
    stated_for = {}
    for column in stated_columns:
        factor = str(column)[len(STATED_PREFIX) :]
        if factor not in factor_columns:
            raise ValidationError(
                {
                    "file": [
                        f"Column {column}: there is no factor column {factor!r} it states the importance of."
                    ]
                }
            )
        numbers = pd.to_numeric(frame[column], errors="coerce")
        given = frame[column].notna() & (frame[column].astype(str).str.strip() != "")
        bad = given & ~numbers.between(1, 5)
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValidationError(
                {
                    "file": [
                        f"Row {row + 2}, column {column}: {str(frame[column].iloc[row])[:40]!r} is not an importance 1 to 5."
                    ]
                }
            )
        per_session = numbers.groupby(frame["session_id"].astype(str), sort=False).transform(
            lambda v: v.nunique(dropna=False)
        )
        if (per_session > 1).any():
            row = int(np.flatnonzero((per_session > 1).to_numpy())[0])
            raise ValidationError(
                {
                    "file": [
                        f"Row {row + 2}, column {column}: session {frame['session_id'].iloc[row]} has different values; give one per session."
                    ]
                }
            )
        stated_for[factor] = column
    return stated_for


def _stated_of(data, session: int) -> dict:
    """A session's stated priorities, by factor key, as stored on the session."""
    if data.stated is None:
        return {}
    return {
        name: (int(v) if float(v).is_integer() else float(v))
        for name, v in zip(data.factor_names, data.stated[session].tolist(), strict=True)
        if v == v
    }


# The columns of a choices file, with the other names a file may give them (the upload page
# pre-selects them); every other numeric column is a factor.
CHOICE_FIELDS = [
    KnownField("session_id", ("session", "choice_id", "case_id", "chid", "situation", "case"), required=True),
    KnownField("alternative", ("alt", "option", "candidate", "provider", "mode", "item"), required=True),
    KnownField("chosen", ("choice", "selected", "picked", "is_chosen", "won"), required=True),
    KnownField("segment", ("customer_segment", "group")),
]
CHOSEN_VALUES = {"1": 1, "0": 0, "true": 1, "false": 0, "yes": 1, "no": 0, "y": 1, "n": 0, "1.0": 1, "0.0": 0}
MAX_CHOICE_ROWS = 500_000


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _factor_columns(header: list[str], taken: set[str], rows) -> list[str]:
    """Columns most of whose filled cells are numbers: factors (a stray word in one is a bad row)."""
    factors = []
    for at, column in enumerate(header):
        if column in taken:
            continue
        filled = [values[at].strip() for _line, values in rows if at < len(values) and values[at].strip()]
        numbers = sum(_number(text) is not None for text in filled)
        if filled and numbers * 2 > len(filled):
            factors.append(column)
    return factors


def read_choice_table(data: bytes, columns: dict | None = None, sample_rows: int | None = None) -> dict:
    """Header, records, the column of each field (chosen, else by its name or an alias), the factor columns and
    the ignored ones; ValidationError on "file" for an unreadable file or a missing column."""
    try:
        text = csvio.decode_upload(data)
        header, records = csvio.read_table(text)
        rows = (
            list(records)
            if sample_rows is None
            else [r for _, r in zip(range(sample_rows), records, strict=False)]
        )
        if sample_rows is not None:
            csvio.check_readable(text)  # a malformed line further down refuses the file at the preview
    except csvio.CsvProblem as exc:
        raise ValidationError({"file": [str(exc)]}) from exc
    match = match_columns(header, CHOICE_FIELDS, chosen=columns)
    if match.missing:
        raise ValidationError(
            {
                "file": [
                    f"Missing column(s): {', '.join(match.missing)}. Required: {', '.join(REQUIRED)}; "
                    f"the file has: {', '.join(header)}."
                ]
            }
        )
    if len(rows) > MAX_CHOICE_ROWS:
        raise ValidationError({"file": [f"At most {MAX_CHOICE_ROWS:,} rows per file."]})
    taken = {c for c in match.mapping.values() if c}
    stated = [c for c in header if c.startswith(STATED_PREFIX) and c not in taken]
    factors = _factor_columns(header, taken | set(stated), rows[:1000])
    for column in stated:
        if column[len(STATED_PREFIX) :] not in factors:
            raise ValidationError(
                {
                    "file": [
                        f"Column {column}: there is no factor column {column[len(STATED_PREFIX) :]!r} it states the importance of."
                    ]
                }
            )
    roles = {c: "" for c in header}
    roles.update({column: field for field, column in match.mapping.items() if column})
    roles.update({c: "factor" for c in factors})
    roles.update({c: "stated" for c in stated})
    ignored = [c for c in header if not roles[c]]
    return {
        "header": header,
        "rows": rows,
        "match": match,
        "factors": factors,
        "stated": stated,
        "roles": roles,
        "ignored": ignored,
    }


def check_choice_rows(table: dict) -> tuple[list[dict], list[tuple[int, str, str]]]:
    """The good rows as records (field names, factors as floats; an empty factor stays missing and
    is filled with the median) and the errors of the bad ones as (line, column, reason)."""
    header, mapping = table["header"], table["match"].mapping
    at = {field: header.index(column) for field, column in mapping.items() if column}
    factor_at = [(c, header.index(c)) for c in table["factors"]]
    stated_at = [(c, header.index(c)) for c in table.get("stated", [])]
    first_stated: dict[str, tuple[int, tuple]] = {}  # session -> (line, its stated values)
    good, errors = [], []
    for line, values in table["rows"]:
        if len(values) != len(header):
            errors.append((line, "", f"has {len(values)} values, the header has {len(header)}"))
            continue
        problems, record = [], {}
        for field in ("session_id", "alternative"):
            text = values[at[field]].strip()
            if not text:
                problems.append((line, mapping[field], f"the {field.replace('_', ' ')} is empty"))
            elif len(text) > 200:
                problems.append(
                    (line, mapping[field], f"the {field.replace('_', ' ')} is longer than 200 characters")
                )
            record[field] = text
        chosen = CHOSEN_VALUES.get(values[at["chosen"]].strip().lower())
        if chosen is None:
            problems.append(
                (line, mapping["chosen"], f"'{values[at['chosen']][:40]}' is not 0/1 (or yes/no)")
            )
        record["chosen"] = chosen
        if "segment" in at:
            record["segment"] = values[at["segment"]].strip()
        for column, position in factor_at:
            text = values[position].strip()
            number = _number(text) if text else math.nan
            if number is None:
                problems.append((line, column, f"'{text[:40]}' is not a number"))
            record[column] = number
        for column, position in stated_at:
            text = values[position].strip()
            number = _number(text) if text else math.nan
            if number is None or not (math.isnan(number) or 1 <= number <= 5):
                problems.append((line, column, f"'{text[:40]}' is not an importance 1 to 5"))
            record[column] = number
        if stated_at and not problems:
            said = tuple(record[c] for c, _ in stated_at)
            seen = first_stated.setdefault(record["session_id"], (line, said))
            for (column, _), mine, theirs in zip(stated_at, said, seen[1], strict=True):
                if not (mine == theirs or (math.isnan(mine) and math.isnan(theirs))):
                    shown = "blank" if math.isnan(theirs) else f"{theirs:g}"
                    problems.append(
                        (
                            line,
                            column,
                            f"{'blank' if math.isnan(mine) else f'{mine:g}'} differs from {shown} on line "
                            f"{seen[0]} of the same session: give one value per session",
                        )
                    )
        if problems:
            errors.extend(problems)
        else:
            good.append(record)
    return good, errors


def import_choice_file(
    workspace, data: bytes, columns: dict | None = None, *, all_or_nothing=False, lower_is_better=None
) -> dict:
    """Import a choices CSV: the good rows are stored, the bad ones reported (line, column,
    reason); with `all_or_nothing` one bad row refuses the file. Returns {stored, updated,
    skipped, errors, refused, notes, report (import_choices' report)}."""
    table = read_choice_table(data, columns)
    if not table["rows"]:
        raise ValidationError({"file": ["The file has a header but no rows."]})
    good, errors = check_choice_rows(table)
    skipped = len({line for line, _column, _reason in errors})
    result = {"stored": 0, "updated": 0, "skipped": skipped, "errors": errors, "refused": False, "notes": []}
    if all_or_nothing and errors:
        return {**result, "refused": True}
    if not good:
        raise ValidationError({"file": ["No row can be imported: every row has an error."]})
    names = [
        "session_id",
        "alternative",
        "chosen",
        *(["segment"] if "segment" in good[0] else []),
        *table["factors"],
        *table.get("stated", []),
    ]
    frame = pd.DataFrame.from_records(good, columns=names)
    report = import_choices(workspace, frame, lower_is_better=lower_is_better)
    sessions = frame.groupby("session_id", sort=False)["chosen"].agg(["sum", "size"])
    kept = sessions[(sessions["sum"] == 1) & (sessions["size"] >= 2)]
    result["stored"] = int(kept["size"].sum())
    result["report"] = report
    dropped = report["sessions"] - report["sessions_imported"]
    result["notes"] = [
        f"{report['sessions_imported']} sessions imported; factors: {', '.join(report['factors'])}; "
        f"{report['candidates_created']} new candidates.",
    ]
    if dropped:
        result["notes"].append(
            f"{dropped} sessions left out ({report['sessions_without_choice']} without a choice, "
            f"{report['sessions_with_several_choices']} with several, "
            f"{report['sessions_with_one_candidate']} with one candidate)."
        )
    if report.get("sessions_with_stated_priorities"):
        result["notes"].append(
            f"{report['sessions_with_stated_priorities']} sessions with stated priorities "
            f"({', '.join(table['stated'])}): learned from as priorities, not as factors."
        )
    if report["missing_values_filled"]:
        result["notes"].append(
            f"{report['missing_values_filled']} missing values filled with the factor median."
        )
    return result


# The command reads the columns by their exact names (no preview to choose them).
EXACT_COLUMNS = {f.name: f.name for f in CHOICE_FIELDS}
