"""The browser's lead import: the upload kept between preview and start (core.import_flow), and the
import job queued for the worker."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction

from core import import_flow
from leads.models import LeadImport
from leads.services.imports.importing import preview
from leads.tasks.imports import run_import

KIND = "leads"  # the uploads' folder in core.import_flow


def _import_dir() -> Path:
    """Where a queued import's file waits for the worker (outside the web root)."""
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def count_rows(data: bytes) -> int:
    """Data lines (an estimate for the progress bar; quoted line breaks count extra)."""
    return max(0, len(data.splitlines()) - 1)


def start_import(
    workspace,
    data: bytes,
    file_name: str,
    id_column="",
    outcome_column="",
    positive="",
    user=None,
    all_or_nothing=False,
) -> LeadImport:
    """Check the file, keep it outside the web root, and queue the import job."""
    preview(data, id_column, outcome_column, positive, whole_file=True)  # refuses it before queuing
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
            all_or_nothing=all_or_nothing,
        )
        run_import.delay_on_commit(str(job.id))
    return job


def stash_upload(workspace, data: bytes) -> str:
    """Keep an uploaded file between the mapping preview and the start of the import."""
    preview(data, whole_file=True)  # refuses an unreadable or unusable file at once
    return import_flow.stash_upload(KIND, workspace, data)


def read_stash(workspace, token: str) -> bytes:
    return import_flow.read_stash(KIND, workspace, token)


def start_stashed_import(
    workspace, token, file_name, id_column="", outcome_column="", positive="", user=None, all_or_nothing=False
):
    data = read_stash(workspace, token)
    job = start_import(
        workspace,
        data,
        file_name,
        id_column,
        outcome_column,
        positive,
        user=user,
        all_or_nothing=all_or_nothing,
    )
    import_flow.drop_stash(KIND, workspace, token)
    return job
