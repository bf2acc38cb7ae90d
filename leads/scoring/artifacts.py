"""Save and load model artifacts: atomic write, format and scikit-learn version, checksum.

`load_artifact` returns None for a missing, incompatible or corrupt file, so the caller can fall
back to the previous version (or the prior) instead of failing.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from pathlib import Path

import sklearn

FORMAT_VERSION = 1
MAGIC = b"LEADSCORE\n"


def save_artifact(obj, path, **meta) -> dict:
    """Write `obj` to `path` via a `.part` file and a rename; returns the header written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    header = {
        "format_version": FORMAT_VERSION,
        "sklearn_version": sklearn.__version__,
        "sha256": hashlib.sha256(payload).hexdigest(),
        "size": len(payload),
        **meta,
    }
    part = path.with_name(path.name + ".part")
    with open(part, "wb") as fh:
        fh.write(MAGIC)
        fh.write(json.dumps(header, sort_keys=True).encode() + b"\n")
        fh.write(payload)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(part, path)
    return header


def read_header(path) -> dict | None:
    try:
        with open(path, "rb") as fh:
            if fh.read(len(MAGIC)) != MAGIC:
                return None
            return json.loads(fh.readline().decode())
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def artifact_problem(path) -> str | None:
    """Why the artifact at `path` cannot be used, or None when it can."""
    path = Path(path)
    if not path.exists():
        return "artifact file is missing"
    header = read_header(path)
    if header is None:
        return "artifact header is unreadable"
    if header.get("format_version") != FORMAT_VERSION:
        return f"artifact format {header.get('format_version')} is not {FORMAT_VERSION}"
    if header.get("sklearn_version") != sklearn.__version__:
        return (
            f"artifact was saved with scikit-learn {header.get('sklearn_version')}, "
            f"this is {sklearn.__version__}"
        )
    return None


def load_artifact(path):
    """The saved object, or None when the file is missing, incompatible or corrupt."""
    if artifact_problem(path) is not None:
        return None
    try:
        with open(path, "rb") as fh:
            fh.read(len(MAGIC))
            header = json.loads(fh.readline().decode())
            payload = fh.read()
    except (OSError, ValueError):
        return None
    if len(payload) != header.get("size") or hashlib.sha256(payload).hexdigest() != header.get("sha256"):
        return None
    try:
        return pickle.loads(payload)
    except Exception:  # noqa: BLE001 - any unpickling failure means the artifact is unusable
        return None
