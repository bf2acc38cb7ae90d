"""The layer rule of docs/architecture.md, read from the import statements of every app module."""

import ast
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Each package may import only packages of a lower rank: the loop apps share one rank, so none
# of them imports another, nor analytics above them.
RANK = {
    "core": 0,
    "workspaces": 1,
    "leads": 2,
    "content": 2,
    "matching": 2,
    "feedback": 2,
    "analytics": 3,
    "config": 4,
}


def imported_packages(path):
    """(line, module) of every absolute import of a project package in one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            if name.split(".")[0] in RANK:
                yield node.lineno, name


def layer_violations():
    found = []
    for package, rank in RANK.items():
        for path in sorted((PROJECT_DIR / package).rglob("*.py")):
            for line, name in imported_packages(path):
                target = name.split(".")[0]
                if target != package and RANK[target] >= rank:
                    found.append(f"{path.relative_to(PROJECT_DIR)}:{line} imports {name}")
    return found


def test_each_layer_imports_only_the_layers_below_it():
    violations = layer_violations()
    assert not violations, (
        "imports against the layers (core < workspaces < leads/content/matching/feedback < analytics "
        "< config; see docs/architecture.md):\n" + "\n".join(violations)
    )


def test_imports_inside_functions_are_seen_too(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("import os\n\n\ndef f():\n    from content.models import Post\n", encoding="utf-8")
    assert list(imported_packages(module)) == [(5, "content.models")]
