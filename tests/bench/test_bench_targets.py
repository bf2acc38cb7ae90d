"""The bench's targets on the ratio to a reference, and its settings module that only overrides."""

import ast
from pathlib import Path

from bench.runner import Row, below, within

BENCH_SETTINGS = Path(__file__).resolve().parents[2] / "bench" / "settings.py"


def test_a_write_within_three_times_its_reference_meets_the_ratio_target():
    row = Row("3 scoring", "p99", "", 30.0, "ms", reference=12.0, ratio=2.5,
              target=below(50, "p99 < 50 ms"), ratio_target=within(3, "within 3x of reference"))  # fmt: skip
    assert row.verdict == "p99 < 50 ms: met; within 3x of reference: met"


def test_a_write_slower_than_three_times_its_reference_misses_the_ratio_target():
    row = Row("5 outcome capture", "throughput", "", 100.0, "req/s", reference=400.0, ratio=4.0,
              ratio_target=within(3, "within 3x of reference"))  # fmt: skip
    assert row.verdict == "within 3x of reference: MISSED"
    assert row.as_dict()["ratio_target"]["of"] == "ratio"


def test_bench_settings_only_override_the_apps_settings():
    tree = ast.parse(BENCH_SETTINGS.read_text())
    statements = [node for node in tree.body if not isinstance(node, ast.Expr)]  # docstring aside
    imports = [node for node in statements if isinstance(node, ast.ImportFrom)]
    assignments = [node for node in statements if isinstance(node, ast.Assign)]
    assert [(node.module, [a.name for a in node.names]) for node in imports] == [("config.settings", ["*"])]
    assert len(imports) + len(assignments) == len(statements)  # no logic: no ifs, calls or loops
    assert all(isinstance(node.value, ast.Constant) for node in assignments)
