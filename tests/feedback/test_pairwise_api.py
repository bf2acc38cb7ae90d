"""Pairwise judgments through the API: one, a batch, the board; hostile input answers 4xx naming the field."""

import pytest

from feedback.models import PairwiseJudgment
from feedback.services.pairwise import capture_judgments

pytestmark = pytest.mark.django_db

BASE = "/api/v1/prompt-feedback/pairwise"


def _judgment(**overrides):
    data = {
        "prompt": "Write a follow-up email to a quiet lead",
        "left_output": "Hi Sam, just checking in...",
        "right_output": "Dear Sir or Madam...",
        "verdict": "a",
        "left_variant": "v2-friendly",
        "left_framework": "few-shot",
        "left_model": "sonnet",
        "right_variant": "v1",
        "right_framework": "zero-shot",
        "right_model": "haiku",
    }
    return {**data, **overrides}


def _post(client, path, data):
    return client.post(f"{BASE}{path}", data, content_type="application/json")


def test_post_a_judgment_stores_both_sides_and_the_token(api_client, workspace):
    response = _post(api_client, "", _judgment(verdict="B"))
    assert response.status_code == 201, response.content
    body = response.json()
    judgment = PairwiseJudgment.objects.get(workspace=workspace)
    assert body["judgment_id"] == str(judgment.pk) and body["verdict"] == "b"
    assert body["left"] == {"variant": "v2-friendly", "framework": "few-shot", "model": "sonnet"}
    assert judgment.token is not None and len(judgment.prompt_hash) == 64
    assert api_client.get(BASE).json()[0]["judgment_id"] == str(judgment.pk)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"verdict": "left-ish"}, "verdict"),
        ({"verdict": ""}, "verdict"),
        ({"left_output": ""}, "left_output"),
        ({"right_output": "   "}, "right_output"),
        ({"prompt": "a\x00b"}, "prompt"),
        ({"left_output": "same", "right_output": "same", "verdict": "a"}, "verdict"),
    ],
)
def test_a_bad_judgment_answers_400_naming_the_field(api_client, overrides, field):
    response = _post(api_client, "", _judgment(**overrides))
    assert response.status_code in (400, 422), response.content  # a NUL is refused before the form
    assert field in response.json()["errors"]
    assert not PairwiseJudgment.objects.exists()


def test_the_same_output_on_both_sides_may_be_a_tie(api_client):
    response = _post(api_client, "", _judgment(left_output="same", right_output="same", verdict="tie"))
    assert response.status_code == 201


def test_a_one_megabyte_output_is_refused_naming_the_field(api_client):
    response = _post(api_client, "", _judgment(right_output="x" * 1_000_000))
    assert response.status_code == 422
    assert "right_output" in str(response.json())
    assert not PairwiseJudgment.objects.exists()


def test_a_verdict_of_the_wrong_type_answers_422(api_client):
    response = _post(api_client, "", _judgment(verdict=1))
    assert response.status_code == 422 and "verdict" in str(response.json())


def test_a_batch_is_all_or_nothing_with_each_error_named(api_client):
    response = _post(api_client, "/batch", {"judgments": [_judgment(), _judgment(verdict="maybe")]})
    assert response.status_code == 400
    assert "judgments.1.verdict" in response.json()["errors"]
    assert not PairwiseJudgment.objects.exists()
    response = _post(api_client, "/batch", {"judgments": [_judgment(), _judgment(verdict="tie")]})
    assert response.status_code == 201 and response.json()["created"] == 2


def test_a_batch_of_100000_judgments_is_refused_naming_the_field(api_client):
    response = _post(api_client, "/batch", {"judgments": [{}] * 100_000})
    assert 400 <= response.status_code < 500
    assert "judgments" in str(response.json())
    assert not PairwiseJudgment.objects.exists()


def test_the_service_refuses_more_than_the_batch_limit(workspace):
    with pytest.raises(Exception, match="At most 1000 judgments"):
        capture_judgments(workspace, [_judgment()] * 1001)


def test_a_read_only_token_cannot_post(readonly_api_client):
    assert _post(readonly_api_client, "", _judgment()).status_code == 403


def test_the_board_ranks_the_preferred_side_with_intervals_and_counts(api_client):
    items = [_judgment()] * 12 + [_judgment(verdict="b")] * 3 + [_judgment(verdict="tie")] * 2
    assert _post(api_client, "/batch", {"judgments": items}).status_code == 201
    board = api_client.get(f"{BASE}/board").json()
    assert board["judgments"] == 17 and board["ties"] == 2
    frameworks = next(k for k in board["kinds"] if k["kind"] == "framework")
    top = frameworks["rows"][0]
    assert top["item"] == "few-shot" and top["comparisons"] == 17 and top["wins"] == 13
    assert top["interval"][0] > 0 and top["beats_average"] > 0.5
    arms = next(k for k in board["kinds"] if k["kind"] == "arm")
    assert arms["rows"][0]["item"] == "few-shot / sonnet"
    assert arms["suggested"][0]["comparisons"] == 17


def test_the_router_answer_names_the_judgments(api_client, workspace):
    items = [_judgment()] * 10
    assert _post(api_client, "/batch", {"judgments": items}).status_code == 201
    answer = api_client.get("/api/v1/prompt-feedback/route").json()
    assert answer["recommendation"]["pairwise_comparisons"] == 10
    assert "pairwise judgments between these options weigh in" in answer["reasoning"]
