"""Artifacts: atomic save, and load that refuses missing, incompatible or corrupt files."""

import json

from leads.scoring import artifacts
from leads.scoring.artifacts import artifact_problem, load_artifact, read_header, save_artifact


def test_saved_artifact_loads_back_with_its_versions(tmp_path):
    path = tmp_path / "m" / "v1.model"
    header = save_artifact({"weights": [1, 2, 3]}, path, version=1)
    assert load_artifact(path) == {"weights": [1, 2, 3]}
    assert read_header(path)["sklearn_version"] == header["sklearn_version"]
    assert read_header(path)["format_version"] == artifacts.FORMAT_VERSION
    assert not (tmp_path / "m" / "v1.model.part").exists()


def test_missing_artifact_loads_as_none(tmp_path):
    assert load_artifact(tmp_path / "nope.model") is None
    assert artifact_problem(tmp_path / "nope.model") == "artifact file is missing"


def test_corrupt_artifact_loads_as_none(tmp_path):
    path = tmp_path / "v1.model"
    save_artifact(list(range(1000)), path)
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF
    path.write_bytes(bytes(data))
    assert load_artifact(path) is None


def test_truncated_or_garbage_artifact_loads_as_none(tmp_path):
    path = tmp_path / "v1.model"
    save_artifact(list(range(1000)), path)
    path.write_bytes(path.read_bytes()[:60])
    assert load_artifact(path) is None
    path.write_bytes(b"not a model at all")
    assert load_artifact(path) is None


def test_artifact_from_another_scikit_learn_version_is_refused(tmp_path):
    path = tmp_path / "v1.model"
    save_artifact([1], path)
    raw = path.read_bytes()
    magic, rest = raw[: len(artifacts.MAGIC)], raw[len(artifacts.MAGIC) :]
    line, payload = rest.split(b"\n", 1)
    header = json.loads(line)
    header["sklearn_version"] = "0.0.1"
    path.write_bytes(magic + json.dumps(header).encode() + b"\n" + payload)
    assert load_artifact(path) is None
    assert "scikit-learn 0.0.1" in artifact_problem(path)
