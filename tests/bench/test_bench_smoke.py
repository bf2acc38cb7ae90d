"""Every benchmark scenario runs end to end at a tiny size, so a broken benchmark fails the suite."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.__main__ import SCENARIOS

PROJECT_DIR = Path(__file__).resolve().parents[2]
SCENARIO_TITLES = {
    "filtering": "1 preference filtering",
    "import": "2 CSV import",
    "scoring": "3 scoring",
    "retraining": "4 retraining",
    "outcomes": "5 outcome capture",
    "dashboard": "6 dashboard",
    "content": "7 content",
    "matching": "8 matching",
    "feedback": "9 output feedback",
    "preference_learning": "10 preference learning",
    "call_list_learning": "11 call list learning",
    "stated_priorities": "12 stated priorities (matching)",
    "winner_rule": "13 winner rule (content)",
    "pairwise": "14 pairwise judgments (output feedback)",
}
# The performance scenarios (1-9) measure times and rates, each against a reference; the learning
# simulations (10-14) report gains and error rates, which may be zero or negative.
PERFORMANCE = [name for name, title in SCENARIO_TITLES.items() if int(title.split()[0]) <= 9]


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    output = tmp_path_factory.mktemp("bench") / "results.json"
    env = {k: v for k, v in os.environ.items() if k not in ("TESTING", "DJANGO_SETTINGS_MODULE", "VAR_DIR")}
    completed = subprocess.run(
        [sys.executable, "-m", "bench", "--tiny", "--output", str(output)],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return completed, output


@pytest.mark.slow
def test_every_scenario_runs_at_tiny_size_and_reports_its_figures(tiny_run):
    completed, output = tiny_run
    assert completed.returncode == 0, completed.stderr[-3000:]
    results = json.loads(output.read_text())
    assert results["setup"]["failed"] == []
    reported = {row["scenario"] for row in results["rows"]}
    assert reported == {SCENARIO_TITLES[name] for name in SCENARIOS}
    performance_titles = {SCENARIO_TITLES[name] for name in PERFORMANCE}
    measured = [
        row for row in results["rows"] if row["value"] is not None and row["scenario"] in performance_titles
    ]
    assert all(row["value"] > 0 for row in measured)
    # every measured figure but the growth ratio's first half has a reference beside it
    with_reference = [row for row in measured if row["reference"] is not None]
    assert len(with_reference) >= len(PERFORMANCE)
    simulations = [row for row in results["rows"] if row["scenario"] not in performance_titles]
    assert {row["scenario"] for row in simulations} == {
        SCENARIO_TITLES[name] for name in SCENARIOS
    } - performance_titles


@pytest.mark.slow
def test_the_table_says_which_setup_and_machine_it_ran_on(tiny_run):
    completed, _output = tiny_run
    assert "Setup: " in completed.stdout
    assert "Machine: " in completed.stdout and " cores" in completed.stdout
    assert "| scenario | figure | size |" in completed.stdout
