"""CSV import of leads and outcomes: preview, the import itself (idempotent), the browser job."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from leads.imports import ImportProblem, build_mapping, decode_csv, iter_rows, read_header
from leads.models import ImportStatus, Lead, LeadImport, Outcome, OutcomeSource, ScoringSettings
from leads.services.retraining_queue import request_retraining
from leads.services.scoring import scoring_settings

CHUNK = 2000
MAX_STORED_ERRORS = 5000


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    outcomes: int = 0
    errors: list = field(default_factory=list)
    error_count: int = 0


def preview(data: bytes, id_column="", outcome_column="", positive="", rows=5) -> dict:
    """What each column becomes, and the first rows; raises ValidationError for an unusable file."""
    try:
        header, reader = read_header(decode_csv(data))
        mapping = build_mapping(header, id_column, outcome_column, positive)
    except ImportProblem as error:
        raise ValidationError({"file": [str(error)]}) from error
    sample = []
    for values in reader:
        if len(sample) >= rows:
            break
        sample.append(values)
    return {"header": header, "roles": mapping.roles, "sample": sample}


def _apply_chunk(workspace, chunk, result: ImportResult, outcome_source) -> int:
    """Upsert a chunk of mapped rows in one transaction; returns how many outcomes changed."""
    ids = [row.external_id for row in chunk]
    with transaction.atomic():
        existing = {
            lead.external_id: lead
            for lead in Lead.objects.for_workspace(workspace).filter(external_id__in=ids)
        }
        new, changed_leads, update_fields = [], [], set()
        for row in chunk:
            lead = existing.get(row.external_id)
            if lead is None:
                new.append(
                    Lead(
                        workspace=workspace,
                        external_id=row.external_id,
                        attributes=row.attributes,
                        **row.fields,
                    )
                )
                continue
            dirty = False
            for name, value in row.fields.items():
                if getattr(lead, name) != value:
                    setattr(lead, name, value)
                    update_fields.add(name)
                    dirty = True
            merged = {**(lead.attributes or {}), **row.attributes}
            if merged != lead.attributes:
                lead.attributes = merged
                update_fields.add("attributes")
                dirty = True
            if dirty:
                lead.updated_at = timezone.now()
                changed_leads.append(lead)
            else:
                result.unchanged += 1
        Lead.objects.bulk_create(new, batch_size=1000)
        if changed_leads:
            Lead.objects.bulk_update(changed_leads, [*update_fields, "updated_at"], batch_size=1000)
        result.created += len(new)
        result.updated += len(changed_leads)
        by_id = {lead.external_id: lead for lead in [*existing.values(), *new]}

        with_outcome = [row for row in chunk if row.outcome is not None]
        if not with_outcome:
            return 0
        leads = [by_id[row.external_id] for row in with_outcome]
        current = {o.lead_id: o for o in Outcome.objects.filter(lead__in=leads)}
        now = timezone.now()
        create, update = [], []
        for row, lead in zip(with_outcome, leads, strict=True):
            outcome = current.get(lead.id)
            if outcome is None:
                create.append(
                    Outcome(
                        workspace=workspace,
                        lead=lead,
                        won=row.outcome,
                        source=outcome_source,
                        recorded_at=now,
                    )
                )
            elif outcome.won != row.outcome:
                outcome.won, outcome.source, outcome.recorded_at = row.outcome, outcome_source, now
                update.append(outcome)
        Outcome.objects.bulk_create(create, batch_size=1000)
        Outcome.objects.bulk_update(update, ["won", "source", "recorded_at"], batch_size=1000)
        changed = len(create) + len(update)
        if changed:
            ScoringSettings.objects.filter(workspace=workspace).update(
                outcomes_since_training=F("outcomes_since_training") + changed
            )
        result.outcomes += changed
        return changed


def import_leads(
    workspace,
    data: bytes,
    id_column="",
    outcome_column="",
    positive="",
    progress=None,
    outcome_source=OutcomeSource.IMPORT,
) -> ImportResult:
    """Import every good row (re-importing the same file changes nothing); bad rows are reported.
    A file that cannot be read at all (encoding, header, missing columns) writes nothing."""
    try:
        header, reader = read_header(decode_csv(data))
        mapping = build_mapping(header, id_column, outcome_column, positive)
    except ImportProblem as error:
        raise ValidationError({"file": [str(error)]}) from error
    scoring_settings(workspace)
    result = ImportResult()
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
    if result.outcomes:
        row = scoring_settings(workspace)
        if row.outcomes_since_training >= row.retrain_threshold:
            request_retraining(workspace, trigger="import")
    return result


# --- the browser job -----------------------------------------------------------------------


def _import_dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def count_rows(data: bytes) -> int:
    """Data lines (an estimate for the progress bar; quoted line breaks count extra)."""
    return max(0, len(data.splitlines()) - 1)


def start_import(
    workspace, data: bytes, file_name: str, id_column="", outcome_column="", positive="", user=None
) -> LeadImport:
    """Check the file, keep it outside the web root, and queue the import job."""
    from leads.tasks.scoring import run_import

    preview(data, id_column, outcome_column, positive)  # refuses an unusable file before queuing
    path = _import_dir() / f"{uuid.uuid4().hex}.csv"
    path.write_bytes(data)
    with transaction.atomic():
        job = LeadImport.objects.create(
            workspace=workspace,
            file_name=Path(file_name).name[:255],
            file_path=str(path),
            id_column=id_column,
            outcome_column=outcome_column,
            positive_value=positive,
            total_rows=count_rows(data),
            requested_by=user,
        )
        run_import.delay_on_commit(str(job.id))
    return job


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
            job.workspace, data, job.id_column, job.outcome_column, job.positive_value, progress=progress
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


def stash_upload(workspace, data: bytes) -> str:
    """Keep an uploaded file between the mapping preview and the start of the import."""
    preview(data)  # refuses an unreadable file at once
    token = uuid.uuid4().hex
    folder = _import_dir() / "pending" / str(workspace.id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{token}.csv").write_bytes(data)
    return token


def read_stash(workspace, token: str) -> bytes:
    if not (isinstance(token, str) and len(token) == 32 and all(c in "0123456789abcdef" for c in token)):
        raise ValidationError({"file": ["Upload the file again."]})
    path = _import_dir() / "pending" / str(workspace.id) / f"{token}.csv"
    if not path.is_file():
        raise ValidationError({"file": ["The uploaded file has expired; upload it again."]})
    return path.read_bytes()


def start_stashed_import(
    workspace, token, file_name, id_column="", outcome_column="", positive="", user=None
):
    data = read_stash(workspace, token)
    job = start_import(workspace, data, file_name, id_column, outcome_column, positive, user=user)
    (_import_dir() / "pending" / str(workspace.id) / f"{token}.csv").unlink(missing_ok=True)
    return job
