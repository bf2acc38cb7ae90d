"""The model that serves a workspace: loaded artifacts kept per process, the fallback to earlier
versions and the prior, and making a version the champion (by hand or as a rollback)."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from leads.models import ScoringModelVersion, ScoringSettings
from leads.scoring import artifacts
from leads.scoring.prior import PriorModel
from leads.scoring.serving import RowScorer, compile_scorer
from leads.services.scoring.settings import scoring_settings
from workspaces import audit

logger = logging.getLogger(__name__)

_cache_lock = threading.Lock()
_load_lock = threading.Lock()
# Loaded models by (registry row id, artifact checksum): a new champion is a new key, so every
# process picks it up on its next request; an artifact that failed to load is remembered with the
# file's size and time, and tried again only when the file changes.
_model_cache: OrderedDict[tuple, tuple] = OrderedDict()
_unusable: dict[tuple, tuple] = {}
MODEL_CACHE_SIZE = 8
_PRIOR = PriorModel()
_PRIOR_SCORER = compile_scorer(_PRIOR)


class Serving(NamedTuple):
    """What scores a workspace's leads now: the model, its registry row (None for the prior), the
    version label, the workspace's scoring settings and the model's row scorer (None: pandas path)."""

    model: object
    version: ScoringModelVersion | None
    label: str
    settings: ScoringSettings
    scorer: RowScorer | None


def artifact_path(workspace, version: int) -> Path:
    return Path(settings.MODEL_ARTIFACTS_DIR) / str(workspace.id) / f"v{version}.model"


def _file_signature(path: Path):
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_size, stat.st_mtime_ns)


def _load(row: ScoringModelVersion) -> tuple | None:
    """(model, row scorer) of a registry row, or None when its artifact is missing or corrupt."""
    if not row.artifact_name:
        return None
    key = (str(row.id), row.artifact_sha256)
    with _cache_lock:
        if key in _model_cache:
            _model_cache.move_to_end(key)
            return _model_cache[key]
    # One thread loads (and compiles) a model; the others of this process wait for it.
    with _load_lock:
        with _cache_lock:
            if key in _model_cache:
                return _model_cache[key]
        return _load_artifact(row, key)


def _load_artifact(row: ScoringModelVersion, key: tuple) -> tuple | None:
    path = Path(settings.MODEL_ARTIFACTS_DIR) / row.artifact_name
    signature = _file_signature(path)
    with _cache_lock:
        if key in _unusable and _unusable[key] == signature:
            return None
    header = artifacts.read_header(path)
    if header is None or header.get("sha256") != row.artifact_sha256:
        model = None
    else:
        model = artifacts.load_artifact(path)
    if model is None:
        logger.warning(
            "model %s of workspace %s is unusable: %s",
            row.label,
            row.workspace_id,
            artifacts.artifact_problem(path) or "artifact does not match its checksum",
        )
        with _cache_lock:
            _unusable[key] = signature
        return None
    loaded = (model, compile_scorer(model))
    with _cache_lock:
        _unusable.pop(key, None)
        _model_cache[key] = loaded
        while len(_model_cache) > MODEL_CACHE_SIZE:
            _model_cache.popitem(last=False)
    return loaded


def load_version(row: ScoringModelVersion):
    """The fitted model of a registry row, or None when its artifact is missing or corrupt."""
    loaded = _load(row)
    return None if loaded is None else loaded[0]


def _settings_with_champion(workspace) -> ScoringSettings:
    # The champion's metrics hold thousands of held-out scores: not needed to serve (loaded if read).
    row = (
        ScoringSettings.objects.select_related("champion")
        .defer("champion__metrics", "champion__features")
        .filter(workspace=workspace)
        .first()
    )
    return row if row is not None else scoring_settings(workspace)


def serving(workspace) -> Serving:
    """The champion, else the newest earlier promoted version whose artifact loads, else the
    transparent prior. The earlier versions are looked up only when the champion cannot serve."""
    row = _settings_with_champion(workspace)
    if row.champion_id:
        loaded = _load(row.champion)
        if loaded is not None:
            return Serving(loaded[0], row.champion, row.champion.label, row, loaded[1])
        earlier = (
            ScoringModelVersion.objects.for_workspace(workspace)
            .filter(promoted_at__isnull=False, version__lt=row.champion.version)
            .exclude(artifact_name="")
            .defer("metrics", "features")
            .order_by("-version")[:5]
        )
        for version in earlier:
            loaded = _load(version)
            if loaded is not None:
                return Serving(loaded[0], version, version.label, row, loaded[1])
    return Serving(_PRIOR, None, _PRIOR.version, row, _PRIOR_SCORER)


def serving_model(workspace):
    """(model, registry row or None, version label): see `serving`."""
    current = serving(workspace)
    return current.model, current.version, current.label


def mark_demoted(workspace, keep: ScoringModelVersion) -> None:
    """Close the champion span of whichever version served until now (the registry shows "champion
    from ... to ..." for it); `keep` is the new champion, whose span is open again."""
    now = timezone.now()
    current = (
        ScoringSettings.objects.filter(workspace=workspace).values_list("champion_id", flat=True).first()
    )
    if current and current != keep.pk:
        ScoringModelVersion.objects.filter(pk=current, demoted_at__isnull=True).update(demoted_at=now)
    ScoringModelVersion.objects.filter(pk=keep.pk).update(demoted_at=None)


def make_champion(workspace, version: ScoringModelVersion, user=None, token=None) -> ScoringModelVersion:
    """Make a version the champion: a rollback when it served before (it has a promotion time),
    else its first promotion by hand. `version.restored` tells which."""
    if version.workspace_id != workspace.id:
        raise ValidationError({"version": ["This model belongs to another workspace."]})
    if load_version(version) is None:
        raise ValidationError({"version": [f"{version.label} has no usable artifact; it cannot serve."]})
    with transaction.atomic():
        row = ScoringSettings.objects.select_for_update().get(pk=scoring_settings(workspace).pk)
        previous = row.champion
        restored = version.promoted_at is not None
        mark_demoted(workspace, keep=version)
        row.champion = version
        row.save(update_fields=["champion", "updated_at"])
        ScoringModelVersion.objects.filter(pk=version.pk).update(
            promoted_at=timezone.now(),
            promoted_via="rollback" if restored else "manual",
            promoted_by=user,
        )
        audit.record(
            workspace,
            "scoring.model_rolled_back" if restored else "scoring.model_made_champion",
            version.label,
            actor=user,
            token=token,
            previous=previous.label if previous else "prior",
        )
    version.refresh_from_db()
    version.restored = restored
    return version
