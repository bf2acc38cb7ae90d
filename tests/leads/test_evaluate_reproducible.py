"""`evaluate_scoring` is reproducible: the same data give the same figures on every run, whatever
order the rows come in; `--seed` and `--repeats` choose the folds; the spread over repeats is shown."""

import json
from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from leads.scoring.evaluation import evaluate_procedure

TELCO = Path(__file__).resolve().parent.parent / "data" / "telco_churn.csv"


def _telco_head(rows=500):
    frame = pd.read_csv(TELCO, nrows=rows)
    y = (frame.pop("churn") == "Yes").astype(int).to_numpy()
    return frame, y


def test_the_same_rows_in_another_order_give_the_same_figures():
    frame, y = _telco_head()
    first = evaluate_procedure(frame, y, folds=3, repeats=2)
    order = np.random.default_rng(9).permutation(len(y))
    again = evaluate_procedure(frame.iloc[order], y[order], folds=3, repeats=2)
    assert first == again
    assert first["repeats"] == 2 and first["seed"] == 0
    spread = first["auc_repeats"]
    assert spread["low"] <= first["auc"] <= spread["high"] and spread["sd"] >= 0


def test_another_seed_gives_other_folds():
    frame, y = _telco_head()
    assert (
        evaluate_procedure(frame, y, folds=3, random_state=1)["fold_auc"]
        != evaluate_procedure(frame, y, folds=3, random_state=2)["fold_auc"]
    )


def _write_head(tmp_path, rows=400, reverse=False):
    lines = TELCO.read_text().splitlines()
    body = lines[1 : rows + 1]
    if reverse:
        body = body[::-1]
    path = tmp_path / ("reversed.csv" if reverse else "head.csv")
    path.write_text("\n".join([lines[0], *body]) + "\n")
    return path


def test_two_runs_on_one_csv_file_print_the_same_json(tmp_path):
    path = _write_head(tmp_path)
    args = ["evaluate_scoring", "--csv", str(path), "--outcome-column", "churn", "--positive", "Yes"]
    outputs = []
    for csv in (path, _write_head(tmp_path, reverse=True), path):
        out = StringIO()
        call_command(*args[:2], str(csv), *args[3:], "--folds", "3", "--repeats", "2", "--json", stdout=out)
        outputs.append(out.getvalue())
    assert outputs[0] == outputs[1] == outputs[2]
    result = json.loads(outputs[0])
    assert result["n"] == 400 and result["repeats"] == 2 and result["auc"] > 0.75
    assert result["auc_uncalibrated"] <= result["auc"] + 1e-12
    assert result["auc_ipw"] is None  # no selection_probability column: nothing explored


def test_a_selection_probability_column_adds_the_weighted_auc(tmp_path):
    frame = pd.read_csv(TELCO, nrows=700)
    rng = np.random.default_rng(0)
    frame["selection_probability"] = np.where(rng.random(700) < 0.3, 0.2, 1.0)
    path = tmp_path / "explored.csv"
    frame.to_csv(path, index=False)
    out = StringIO()
    call_command(
        "evaluate_scoring", "--csv", str(path), "--outcome-column", "churn", "--positive", "Yes",
        "--folds", "3", "--repeats", "1", "--json", stdout=out,
    )  # fmt: skip
    result = json.loads(out.getvalue())
    ipw = result["auc_ipw"]
    assert ipw["explored"] == int((frame["selection_probability"] < 1).sum())
    assert ipw["estimate"].startswith("AUC over all leads, inverse-probability weighted, n=700")
    assert 0.5 < ipw["value"] < 1


@pytest.mark.django_db
def test_two_imports_of_one_file_evaluate_to_the_same_figures(tmp_path):
    """Outcomes imported at the same moment come back in any order; the figure must not care."""
    path = _write_head(tmp_path, rows=600)
    outputs = []
    for slug in ("first", "second"):
        call_command(
            "import_leads", str(path), "--workspace", slug, "--outcome-column", "churn", "--positive", "Yes",
            stdout=StringIO(),
        )  # fmt: skip
        out = StringIO()
        call_command(
            "evaluate_scoring", "--workspace", slug, "--folds", "3", "--repeats", "1", "--json", stdout=out
        )
        outputs.append(out.getvalue())
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--repeats", "0"], "--repeats must be between 1 and 50"),
        (["--repeats", "1000"], "--repeats must be between 1 and 50"),
        (["--seed", "-1"], "--seed must be between"),
        (["--folds", "1"], "--folds must be at least 2"),
    ],
)
def test_out_of_range_options_are_refused_with_the_option_named(tmp_path, extra, message):
    path = _write_head(tmp_path, rows=50)
    with pytest.raises(CommandError, match=message):
        call_command(
            "evaluate_scoring", "--csv", str(path), "--outcome-column", "churn", "--positive", "Yes", *extra,
            stdout=StringIO(),
        )  # fmt: skip


def test_bad_csv_input_is_refused_with_a_reason(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    nul = tmp_path / "nul.csv"
    nul.write_bytes(b"a,churn\n\x00,Yes\n1,No\n")
    cases = [
        ([str(tmp_path / "missing.csv"), "--outcome-column", "churn", "--positive", "Yes"], "Cannot read"),
        ([str(empty), "--outcome-column", "churn", "--positive", "Yes"], "Cannot read"),
        ([str(nul), "--outcome-column", "nope", "--positive", "Yes"], "'nope' is not a column"),
        ([str(nul), "--outcome-column", "churn"], "--positive"),
        ([str(nul), "--outcome-column", "churn", "--positive", "Yes"], "need at least 5 won"),
    ]
    for args, message in cases:
        with pytest.raises(CommandError, match=message):
            call_command("evaluate_scoring", "--csv", *args, stdout=StringIO())


def test_without_workspace_or_csv_the_command_says_what_to_give():
    with pytest.raises(CommandError, match="--workspace"):
        call_command("evaluate_scoring", stdout=StringIO())
