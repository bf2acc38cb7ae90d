"""`manage.py feedback judge|import-judgments|board` through call_command."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from feedback.models import PairwiseJudgment

pytestmark = pytest.mark.django_db


def _run(*args):
    out = StringIO()
    call_command("feedback", *args, stdout=out)
    return out.getvalue()


def _judge(verdict, a="cot", b="few-shot"):
    return _run("judge", "--workspace", "team", "--prompt", "Summarise the call", "--output-a", "Short",
                "--output-b", "Long", "--verdict", verdict, "--a-framework", a, "--b-framework", b)  # fmt: skip


def test_judge_stores_a_judgment_and_the_board_ranks_it():
    assert "Stored judgment" in _judge("a")
    _judge("A")
    _judge("tie")
    assert PairwiseJudgment.objects.count() == 3
    text = _run("board", "--workspace", "team")
    assert "3 judgments (1 ties)" in text
    assert "cot: beats an average one" in text and "3 comparisons" in text
    board = json.loads(_run("board", "--workspace", "team", "--json"))
    frameworks = next(k for k in board["kinds"] if k["kind"] == "framework")
    assert frameworks["rows"][0]["item"] == "cot"


def test_a_bad_verdict_is_refused_naming_the_field():
    with pytest.raises(CommandError, match="verdict: Use a"):
        _judge("maybe")
    assert not PairwiseJudgment.objects.exists()


def test_import_judgments_is_all_or_nothing(tmp_path):
    path = tmp_path / "judgments.csv"
    path.write_text("prompt,output_a,output_b,winner\np,A,B,a\np2,A,B,nope\n")
    with pytest.raises(CommandError, match="line 3, winner"):
        _run("import-judgments", "--workspace", "team", str(path))
    assert not PairwiseJudgment.objects.exists()
    path.write_text("prompt,output_a,output_b,winner\np,A,B,a\np2,A,B,tie\n")
    assert "Stored 2 judgments." in _run("import-judgments", "--workspace", "team", str(path))
