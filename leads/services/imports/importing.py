"""The import of a CSV of leads and outcomes into the database: preview, the import itself
(idempotent, chunked) and the queued job's run."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.csvio import CsvProblem
from leads.models import ImportStatus, Lead, LeadImport, Outcome, OutcomeSource
from leads.services.imports import reading
from leads.services.imports.reading import (
    NO_ID_COLUMN,
    ImportProblem,
    build_mapping,
    check_usable,
    decode_csv,
    guess_id_column,
    guess_outcome_column,
    guess_positive,
    iter_rows,
    read_header,
)
from leads.services.imports.row_writes import insert_rows, one_of, update_rows
from leads.services.scoring.retraining_queue import count_new_outcome
from leads.services.scoring.settings import scoring_settings

CHUNK = 5000
# The lead's core fields an imported row can set: text ones are "" when absent, numbers NULL.
TEXT_FIELDS = (*reading.TEXT_FIELDS, "email")
NUMBER_FIELDS = (*reading.COUNT_FIELDS, *reading.SHARE_FIELDS, *reading.DATE_FIELDS)
EXTERNAL_ID = Lead._meta.get_field("external_id")
OUTCOME_LEAD = Outcome._meta.get_field("lead")
MAX_STORED_ERRORS = 5000
MAX_DAYS_BACK = 36_500  # a days_since_contact beyond a century is kept as a number, dated 100 years back
SUGGEST_FROM_ROWS = 1000  # rows of the outcome column read to guess which value means won


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    outcomes: int = 0
    errors: list = field(default_factory=list)
    error_count: int = 0
    notes: list = field(default_factory=list)
    refused: bool = False  # all or nothing, and a row was bad: nothing was written


def preview(data: bytes, id_column="", outcome_column="", positive="", rows=5, whole_file=False) -> dict:
    """What each column becomes, the first rows, the columns an import would pick by their names
    ("suggested") and warnings; raises ValidationError for an unusable file. With `whole_file`,
    every line is read so that a malformed one further down is refused now."""
    try:
        header, records = read_header(decode_csv(data), whole_file=whole_file)
        check_usable(header, id_column, outcome_column)
        mapping = build_mapping(header, id_column, outcome_column, positive)
    except ImportProblem as error:
        raise ValidationError({"file": [str(error)]}) from error
    suggested = {"id_column": guess_id_column(header), "outcome_column": guess_outcome_column(header)}
    outcome_at = header.index(suggested["outcome_column"]) if suggested["outcome_column"] else None
    sample, outcome_values = [], []
    try:
        for count, (_line, values) in enumerate(records):
            if count >= SUGGEST_FROM_ROWS:
                break
            if len(sample) < rows:
                sample.append(values)
            if outcome_at is not None and outcome_at < len(values):
                outcome_values.append(values[outcome_at])
    except CsvProblem:
        pass  # a malformed line further down is reported when the whole file is read
    suggested["positive"] = guess_positive(outcome_values) if outcome_at is not None else ""
    warnings = []
    if not mapping.id_column:
        warnings.append(NO_ID_COLUMN[0].upper() + NO_ID_COLUMN[1:] + ".")
    kept = [column for column, role in mapping.roles.items() if role == "attribute"]
    if kept:
        warnings.append(
            "Not a lead id, an outcome or a known lead field, so kept only as free attributes "
            f"(the scoring model may still use them): {', '.join(kept)}."
        )
    return {
        "header": header,
        "roles": mapping.roles,
        "sample": sample,
        "suggested": suggested,
        "warnings": warnings,
    }


@dataclass
class _ChunkResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    outcomes: int = 0


def _contact_date_from_days(row, now) -> bool:
    """The old form, a number of days since the last contact, becomes the date it means at the
    import time (a row with a date keeps its date): scoring then counts the days as they pass.
    True if the row's date was derived so."""
    days = row.fields.get("days_since_contact")
    if days is None or row.fields.get("last_contact_at") is not None:
        return False
    # Whole days back from the import time; capped so the date stays a real one.
    row.fields["last_contact_at"] = now - dt.timedelta(days=min(int(days), MAX_DAYS_BACK))
    return True


def _write_chunk(workspace, chunk, outcome_source) -> _ChunkResult:
    """Upsert a chunk of mapped rows with a fixed number of queries: one look-up of the leads
    already there, one insert of the new ones, one update of the changed ones, the same for
    their outcomes, and one count of the new or changed outcomes toward retraining."""
    done = _ChunkResult()
    now = timezone.now()
    outcome_source = str(outcome_source)  # a plain string for the database driver
    derived = {id(row) for row in chunk if _contact_date_from_days(row, now)}
    core = sorted({name for row in chunk for name in row.fields})
    existing = {
        values[0]: values[1:]
        for values in Lead.objects.for_workspace(workspace)
        .filter(one_of(EXTERNAL_ID, [row.external_id for row in chunk]))
        .order_by()
        .values_list("external_id", "id", "attributes", *core)
    }
    new_leads, changed, changed_columns = [], [], set()
    lead_ids = {}
    for row in chunk:
        found = existing.get(row.external_id)
        if found is None:
            lead_id = uuid.uuid4()
            new_leads.append((lead_id, row))
            lead_ids[row.external_id] = lead_id
            continue
        lead_id, attributes, *current = found
        lead_ids[row.external_id] = lead_id
        state = dict(zip(core, current, strict=True))
        if id(row) in derived and state["last_contact_at"] is not None:
            if state["days_since_contact"] == row.fields["days_since_contact"]:
                # The same number as before: the lead keeps the date it got then (a file imported
                # again leaves it unchanged).
                row.fields["last_contact_at"] = state["last_contact_at"]
        columns = {name for name, value in row.fields.items() if state[name] != value}
        merged = {**(attributes or {}), **row.attributes}
        if merged != attributes:
            columns.add("attributes")
        if columns:
            state.update(row.fields)
            state["attributes"] = merged
            changed.append((lead_id, state))
            changed_columns |= columns
        else:
            done.unchanged += 1

    lead_columns = ["id", "workspace", "created_at", "updated_at", "external_id", "attributes"]
    lead_columns += [*TEXT_FIELDS, *NUMBER_FIELDS]
    insert_rows(
        Lead,
        lead_columns,
        [
            (
                lead_id,
                workspace.id,
                now,
                now,
                row.external_id,
                row.attributes,
                *(row.fields.get(name, "") for name in TEXT_FIELDS),
                *(row.fields.get(name) for name in NUMBER_FIELDS),
            )
            for lead_id, row in new_leads
        ],
    )
    update = sorted(changed_columns)
    update_rows(
        Lead,
        [*update, "updated_at"],
        [(*(state[name] for name in update), now, lead_id) for lead_id, state in changed],
    )
    done.created, done.updated = len(new_leads), len(changed)

    with_outcome = [row for row in chunk if row.outcome is not None]
    if not with_outcome:
        return done
    had_lead = [lead_ids[row.external_id] for row in with_outcome if row.external_id in existing]
    current = {}
    if had_lead:
        outcomes = Outcome.objects.for_workspace(workspace).filter(one_of(OUTCOME_LEAD, had_lead)).order_by()
        current = {lead: (pk, won) for lead, pk, won in outcomes.values_list("lead_id", "id", "won")}
    create, revise = [], []
    for row in with_outcome:
        lead_id = lead_ids[row.external_id]
        outcome = current.get(lead_id)
        if outcome is None:
            create.append((uuid.uuid4(), workspace.id, now, lead_id, row.outcome, outcome_source, now))
        elif outcome[1] != row.outcome:
            revise.append((row.outcome, outcome_source, now, outcome[0]))
    insert_rows(
        Outcome, ["id", "workspace", "created_at", "lead", "won", "source", "recorded_at", "reason"],
        [(*values, "") for values in create],
    )  # fmt: skip
    update_rows(Outcome, ["won", "source", "recorded_at"], revise)
    done.outcomes = len(create) + len(revise)
    if done.outcomes:
        count_new_outcome(workspace, count=done.outcomes)
    return done


def _apply_chunk(workspace, chunk, result: ImportResult, outcome_source) -> None:
    """Write one chunk in its own transaction. A concurrent import of the same leads can insert
    one of them first (a unique-key conflict): the chunk is then rolled back and written again,
    now finding that lead."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                done = _write_chunk(workspace, chunk, outcome_source)
        except IntegrityError:
            if attempt == 2:
                raise
            continue
        break
    result.created += done.created
    result.updated += done.updated
    result.unchanged += done.unchanged
    result.outcomes += done.outcomes


def import_leads(
    workspace,
    data: bytes,
    id_column="",
    outcome_column="",
    positive="",
    progress=None,
    outcome_source=OutcomeSource.IMPORT,
    scope="",
    all_or_nothing=False,
) -> ImportResult:
    """Import every good row (re-importing the same file changes nothing); bad rows are reported.
    A file that cannot be read at all (encoding, header, missing columns) writes nothing.
    Rows are written CHUNK at a time, each chunk in one transaction; the new or changed outcomes
    of a chunk count toward the retraining threshold in that same transaction.
    Without an id column every row is a new lead: its id is scoped to this import (`scope`, the
    job's id, so that running the same job again finds its own rows; a fresh one otherwise) and
    no other file ever matches it. With `all_or_nothing`, the rows are all checked first and one
    bad row refuses the file: nothing is written and the result is `refused` with the errors."""
    if all_or_nothing:
        checked = _check_rows(data, id_column, outcome_column, positive, scope)
        if checked.error_count:
            return checked
    try:
        header, reader = read_header(decode_csv(data), whole_file=True)
        check_usable(header, id_column, outcome_column)
        mapping = build_mapping(header, id_column, outcome_column, positive, scope=str(scope))
    except ImportProblem as error:
        raise ValidationError({"file": [str(error)]}) from error
    scoring_settings(workspace)
    result = ImportResult()
    if not mapping.id_column:
        result.notes.append(NO_ID_COLUMN)
    chunk = []
    limit = settings.LEADS_IMPORT_MAX_ROWS
    for mapped, errors in iter_rows(mapping, reader):
        result.rows += 1
        if result.rows > limit:
            result.errors.append((mapped.row if mapped else "", "", f"beyond the {limit} row limit"))
            result.error_count += 1
            break
        if errors:
            result.error_count += len(errors)
            if len(result.errors) < MAX_STORED_ERRORS:
                result.errors.extend(errors)
            continue
        chunk.append(mapped)
        if len(chunk) >= CHUNK:
            _apply_chunk(workspace, chunk, result, outcome_source)
            chunk = []
            if progress:
                progress(result)
    if chunk:
        _apply_chunk(workspace, chunk, result, outcome_source)
    if progress:
        progress(result)
    return result


def _check_rows(data: bytes, id_column, outcome_column, positive, scope) -> ImportResult:
    """Every row checked (no database): the errors an import would report, as a refused result."""
    try:
        header, reader = read_header(decode_csv(data), whole_file=True)
        check_usable(header, id_column, outcome_column)
        mapping = build_mapping(header, id_column, outcome_column, positive, scope=str(scope))
    except ImportProblem as error:
        raise ValidationError({"file": [str(error)]}) from error
    result = ImportResult(refused=True)
    for _mapped, errors in iter_rows(mapping, reader):
        result.rows += 1
        if errors:
            result.error_count += len(errors)
            if len(result.errors) < MAX_STORED_ERRORS:
                result.errors.extend(errors)
    return result


def run_lead_import(import_id) -> LeadImport | None:
    job = LeadImport.objects.filter(pk=import_id).select_related("workspace").first()
    if job is None or job.status == ImportStatus.DONE:
        return job
    LeadImport.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)

    def progress(result):
        LeadImport.objects.filter(pk=job.pk).update(processed_rows=result.rows)

    try:
        data = Path(job.file_path).read_bytes()
        result = import_leads(
            job.workspace,
            data,
            job.id_column,
            job.outcome_column,
            job.positive_value,
            progress=progress,
            scope=job.id.hex,
            all_or_nothing=job.all_or_nothing,
        )
    except (ValidationError, OSError) as error:
        message = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        LeadImport.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, failure=message, finished_at=timezone.now()
        )
    else:
        LeadImport.objects.filter(pk=job.pk).update(
            status=ImportStatus.DONE,
            total_rows=result.rows,
            processed_rows=result.rows,
            leads_created=result.created,
            leads_updated=result.updated,
            outcomes_recorded=result.outcomes,
            error_count=result.error_count,
            errors=[list(e) for e in result.errors],
            finished_at=timezone.now(),
        )
        Path(job.file_path).unlink(missing_ok=True)
    job.refresh_from_db()
    return job
