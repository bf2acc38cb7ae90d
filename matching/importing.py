"""Import historical choices from a long-format CSV (one row per session and candidate)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
from django.core.exceptions import ValidationError
from django.db import transaction

from core import csvio
from matching.learning import choice_set_from_frame
from matching.models import Candidate, Choice, Factor, MatchingSession, Recommendation
from matching.segments import BALANCED

REQUIRED = ("session_id", "alternative", "chosen")


def read_choice_csv(path_or_file) -> pd.DataFrame:
    """The choices of a long CSV (a path or an open binary file) as a frame; ValidationError on
    "file" naming the line of a malformed record, or the required columns the header lacks."""
    try:
        if hasattr(path_or_file, "read"):
            data = path_or_file.read()
        else:
            data = Path(path_or_file).read_bytes()
    except OSError as exc:
        raise ValidationError({"file": [f"Cannot read the file: {exc.strerror or exc}."]}) from exc
    try:
        text = csvio.decode_upload(data) if isinstance(data, bytes) else data
        header, _records = csvio.read_table(text)
        rows = csvio.check_readable(text) - 1
    except csvio.CsvProblem as exc:
        raise ValidationError({"file": [str(exc)]}) from exc
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ValidationError(
            {
                "file": [
                    f"Missing column(s): {', '.join(missing)}. Required: {', '.join(REQUIRED)}; "
                    f"the file has: {', '.join(header)}."
                ]
            }
        )
    if rows < 1:
        raise ValidationError({"file": ["The file has a header but no rows."]})
    try:
        # csvio has checked the structure; pandas infers which columns are numeric factors.
        return pd.read_csv(io.StringIO(text), header=0, names=header)
    except ValueError as exc:
        raise ValidationError({"file": [f"Cannot read the CSV: {exc}"]}) from exc


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
    factor_columns = [
        c
        for c in frame.columns
        if c not in (*REQUIRED, "segment") and pd.api.types.is_numeric_dtype(frame[c])
    ]
    if not factor_columns:
        raise ValidationError({"file": ["No numeric factor column besides session_id and chosen."]})
    lower = set(lower_is_better or [])
    unknown = lower - set(factor_columns)
    if unknown:
        raise ValidationError({"lower_is_better": [f"Not a factor column: {', '.join(sorted(unknown))}."]})
    data, report = choice_set_from_frame(
        frame, factor_columns, segment_column="segment" if has_segment else None
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
