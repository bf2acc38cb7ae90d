"""The pairwise pages: judge two outputs side by side, import a CSV (all or nothing), the board."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from feedback.models import PairwiseJudgment
from feedback.services.pairwise import capture_judgments, import_judgments
from tests.feedback.factories import FeedbackEntryFactory

pytestmark = pytest.mark.django_db

HEADER = "prompt,output_a,output_b,winner,framework_a,framework_b\n"


def _form(**overrides):
    data = {"prompt": "Summarise the call", "left_output": "Short summary", "right_output": "Long summary",
            "left_framework": "cot", "right_framework": "few-shot", "verdict": "a"}  # fmt: skip
    return {**data, **overrides}


def test_the_judge_page_shows_two_outputs_side_by_side_with_three_buttons(owner_client):
    body = owner_client.get(reverse("feedback:pairwise_judge")).content.decode()
    assert "Output A" in body and "Output B" in body
    for label in ("A is better", "Tie", "B is better"):
        assert label in body


def test_judging_a_pair_stores_it_and_keeps_the_sides_for_the_next_pair(owner_client, owner, workspace):
    response = owner_client.post(reverse("feedback:pairwise_judge"), _form(verdict="tie"))
    assert response.status_code == 302
    assert "left_framework=cot" in response.url and "right_framework=few-shot" in response.url
    judgment = PairwiseJudgment.objects.get(workspace=workspace)
    assert judgment.verdict == "tie" and judgment.created_by == owner
    page = owner_client.get(response.url).content.decode()
    assert 'value="cot"' in page and "Judgment saved: Tie" in page


def test_a_bad_verdict_shows_beside_the_form_and_stores_nothing(owner_client):
    response = owner_client.post(reverse("feedback:pairwise_judge"), _form(verdict="both"))
    assert response.status_code == 400
    assert "Use a (the left output is better), b (the right one) or tie." in response.content.decode()
    assert not PairwiseJudgment.objects.exists()


def test_a_viewer_cannot_judge(viewer_client):
    assert viewer_client.post(reverse("feedback:pairwise_judge"), _form()).status_code == 403
    assert not PairwiseJudgment.objects.exists()


def _upload(client, text, name="judgments.csv"):
    file = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return client.post(reverse("feedback:pairwise_import"), {"file": file})


def _confirm(client, preview):
    form = preview.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    return client.post(reverse("feedback:pairwise_import_confirm"), data)


def test_a_csv_is_previewed_then_imported(owner_client, workspace):
    preview = _upload(owner_client, HEADER + "p1,A text,B text,a,cot,few-shot\np2,A2,B2,tie,cot,few-shot\n")
    assert preview.status_code == 200
    assert preview.context["form"]["column_left_output"].value() == "output_a"
    result = owner_client.get(_confirm(owner_client, preview).url).content.decode()
    assert "2 judgments stored." in result
    assert PairwiseJudgment.objects.filter(workspace=workspace).count() == 2


def test_one_bad_row_refuses_the_file_and_names_line_and_column(owner_client, workspace):
    preview = _upload(
        owner_client, HEADER + "p1,A,B,a,cot,few-shot\np2,A2,B2,maybe,cot,few-shot\np3,,B3,b,x,y\n"
    )
    result = owner_client.get(_confirm(owner_client, preview).url)
    body = result.content.decode()
    assert "nothing was stored" in body
    assert "<td>3</td><td>winner</td>" in body  # line 3, the file's column name
    assert "<td>4</td><td>output_a</td>" in body
    assert not PairwiseJudgment.objects.exists()


def test_a_csv_without_the_verdict_column_is_refused_at_upload(owner_client):
    response = _upload(owner_client, "prompt,output_a,output_b\np,a,b\n")
    assert response.status_code == 400
    assert "lacks the column(s) verdict" in response.content.decode()


def test_the_board_shows_strengths_intervals_counts_and_ratings_beside(owner_client, workspace):
    FeedbackEntryFactory.create_batch(6, workspace=workspace, framework="cot", model_name="sonnet", rating=5)
    left = {
        "left_framework": "cot",
        "left_model": "sonnet",
        "right_framework": "few-shot",
        "right_model": "haiku",
    }
    items = [{**_form(), **left, "verdict": "a"}] * 8 + [{**_form(), **left, "verdict": "b"}] * 2
    capture_judgments(workspace, items)
    body = owner_client.get(reverse("feedback:pairwise_board")).content.decode()
    assert "10 judgments" in body
    assert "Beats an average one (95% CI)" in body and "Success rate from ratings" in body
    assert "n=6" in body  # the ratings of cot beside its strength
    assert "Judge next" in body and "Judge this pair" in body
    assert "No judgment compares two different prompt variants yet." in body
    assert 'data-chart="chart-board-framework"' in body


def test_an_item_known_only_from_ratings_says_it_has_no_comparisons(owner_client, workspace):
    FeedbackEntryFactory.create_batch(3, workspace=workspace, framework="react", model_name="gpt")
    capture_judgments(workspace, [_form()])
    body = owner_client.get(reverse("feedback:pairwise_board")).content.decode()
    assert "no comparisons yet" in body


def test_the_import_names_the_column_of_a_huge_output(workspace):
    text = HEADER + f"p1,{'x' * 1_000_000},B,a,cot,few-shot\np2,A,B,b,cot,few-shot\n"
    result = import_judgments(workspace, text.encode())
    assert result["refused"] and result["stored"] == 0
    assert result["errors"] == [(2, "output_a", "At most 100,000 characters.")]
    assert not PairwiseJudgment.objects.exists()


def test_a_nul_byte_refuses_the_file_naming_its_line(workspace):
    with pytest.raises(ValidationError, match="line 3: the file contains a NUL byte"):
        import_judgments(workspace, (HEADER + "p1,A,B,a,x,y\np2,A\x00,B,b,x,y\n").encode())
    assert not PairwiseJudgment.objects.exists()
