"""import_choices with stated_<factor> columns (priorities, never factors; clear errors for bad
values) and evaluate_matching's held-out figures with and without them."""

import json
from io import StringIO

import numpy as np
import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from matching.models import Factor, MatchingSession
from matching.stated_simulation import FACTORS, simulate_choices

pytestmark = pytest.mark.django_db

HEADER = "session_id,alternative,chosen,price,quality,stated_price\n"


def _run(tmp_path, text: str, *extra):
    path = tmp_path / "choices.csv"
    path.write_bytes(text.encode())
    out, err = StringIO(), StringIO()
    call_command("import_choices", str(path), "--workspace", "anglers", *extra, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_stated_columns_are_priorities_stored_on_the_session_not_factors(tmp_path):
    out, err = _run(
        tmp_path,
        HEADER + "1,a,1,10,3,5\n1,b,0,20,5,5\n2,a,0,10,3,1\n2,b,1,20,5,1\n3,a,1,12,3,\n3,b,0,22,5,\n",
        "--lower-is-better",
        "price",
    )
    assert err == ""
    assert "factors: price, quality;" in out
    assert "2 sessions with stated priorities" in out
    assert sorted(Factor.objects.values_list("key", flat=True)) == ["price", "quality"]
    stated = dict(MatchingSession.objects.values_list("customer_ref", "stated_preferences"))
    assert stated == {"import:1": {"price": 5}, "import:2": {"price": 1}, "import:3": {}}


@pytest.mark.parametrize(
    "rows, message",
    [
        (
            "1,a,1,10,3,5\n1,b,0,20,5,4\n",
            "line 3, column 'stated_price': 4 differs from 5 on line 2 of the same session",
        ),
        ("1,a,1,10,3,5\n1,b,0,20,5,\n", "line 3, column 'stated_price': blank differs from 5 on line 2"),
        ("1,a,1,10,3,7\n1,b,0,20,5,7\n", "line 2, column 'stated_price': '7' is not an importance 1 to 5"),
        ("1,a,1,10,3,0\n1,b,0,20,5,0\n", "line 2, column 'stated_price': '0' is not an importance 1 to 5"),
        (
            "1,a,1,10,3,high\n1,b,0,20,5,high\n",
            "line 2, column 'stated_price': 'high' is not an importance 1 to 5",
        ),
        (
            "1,a,1,10,3,nan\n1,b,0,20,5,nan\n",
            "line 2, column 'stated_price': 'nan' is not an importance 1 to 5",
        ),
        (
            "1,a,1,10,3,1e999\n1,b,0,20,5,1e999\n",
            "line 2, column 'stated_price': '1e999' is not an importance 1 to 5",
        ),
    ],
)
def test_bad_stated_values_are_refused_naming_line_and_column(tmp_path, rows, message):
    with pytest.raises(CommandError, match="All or nothing"):
        _run(tmp_path, HEADER + rows + "2,a,1,10,3,2\n2,b,0,20,5,2\n", "--all-or-nothing")
    # without --all-or-nothing the bad rows are listed and skipped, the good ones kept
    _out, err = _run(tmp_path, HEADER + rows + "2,a,1,10,3,2\n2,b,0,20,5,2\n")
    assert message in err
    assert not MatchingSession.objects.filter(
        customer_ref="import:1", stated_preferences__price__gt=5
    ).exists()


def test_a_stated_column_of_no_factor_is_refused(tmp_path):
    with pytest.raises(CommandError, match="Column stated_speed: there is no factor column 'speed'"):
        _run(tmp_path, HEADER.replace("stated_price", "stated_speed") + "1,a,1,10,3,5\n1,b,0,20,5,5\n")
    assert not MatchingSession.objects.exists()


def _simulated_csv(tmp_path, informative: bool) -> str:
    data = simulate_choices(600, informative=informative, seed=7)
    frame = pd.DataFrame(data.values, columns=FACTORS)
    frame.insert(0, "session_id", data.session)
    frame.insert(1, "alternative", [f"p{i % 5}" for i in range(len(frame))])
    frame.insert(2, "chosen", data.chosen.astype(int))
    for k, name in enumerate(FACTORS):
        stated = data.stated[data.session, k]
        frame[f"stated_{name}"] = np.where(np.isfinite(stated), stated, np.nan)
    path = tmp_path / "simulated.csv"
    frame.to_csv(path, index=False, float_format="%.6g")
    return str(path)


@pytest.mark.parametrize("informative", [True, False])
def test_evaluate_matching_reports_held_out_figures_with_and_without_stated(tmp_path, informative):
    path = _simulated_csv(tmp_path, informative)
    call_command(
        "import_choices",
        path,
        "--workspace",
        "sim",
        "--lower-is-better",
        "price,speed,distance",
        stdout=StringIO(),
    )
    out = StringIO()
    call_command("evaluate_matching", "--workspace", "sim", "--json", stdout=out)
    learned = json.loads(out.getvalue())["learned"]
    gain = learned["log_likelihood"] - learned["log_likelihood_without_stated"]
    if informative:
        assert gain > 0.1
        assert learned["mean_chosen_rank"] < learned["mean_chosen_rank_without_stated"] - 0.1
    else:
        assert gain > -0.01
        assert learned["mean_chosen_rank"] < learned["mean_chosen_rank_without_stated"] + 0.05
