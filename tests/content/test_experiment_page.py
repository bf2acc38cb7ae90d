"""The experiment page and API: the verdict now, n and intervals, the recommended split."""

import json

from django.core.management import call_command
from django.urls import reverse

from content.services.winner_job import run_winner_job
from tests.content.factories import experiment_with_variants


def test_running_experiment_shows_its_verdict_and_recommended_split(owner_client, workspace):
    experiment = experiment_with_variants(workspace, {"A": (3000, 150), "B": (3000, 175)})
    page = owner_client.get(reverse("content:experiment", kwargs={"experiment_id": experiment.id}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Still running: no winner yet" in html
    assert "Recommended traffic split" in html
    assert 'id="split-chart"' in html
    assert "n=3000" in html


def test_settled_experiment_shows_no_meaningful_difference_and_no_split(owner_client, workspace):
    experiment = experiment_with_variants(workspace, {"A": (400_000, 20_000), "B": (400_000, 20_050)})
    run_winner_job(workspace)
    page = owner_client.get(reverse("content:experiment", kwargs={"experiment_id": experiment.id}))
    html = page.content.decode()
    assert "No meaningful difference" in html
    assert "needs no more impressions" in html
    assert "Recommended traffic split" not in html
    overview = owner_client.get(reverse("content:index")).content.decode()
    assert "no meaningful difference" in overview


def test_api_answers_the_verdict_split_and_intervals(api_client, workspace):
    experiment = experiment_with_variants(workspace, {"A": (3000, 150), "B": (3000, 175)})
    body = api_client.get(f"/api/v1/feedback-loop/experiments/{experiment.id}").json()
    report = body["experiment"]
    assert report["status"] == "no_winner" and not report["settled"]
    assert abs(sum(report["recommended_split"].values()) - 1) < 1e-9
    assert min(report["recommended_split"].values()) >= report["split_floor"]
    assert report["variants"][0]["ctr_interval"][0] < report["variants"][0]["ctr"]
    assert report["lift_interval"]["low"] < 0 < report["lift_interval"]["high"]


def test_api_does_not_show_another_workspaces_experiment(api_client, other_workspace):
    experiment = experiment_with_variants(other_workspace, {"A": (3000, 150), "B": (3000, 175)})
    assert api_client.get(f"/api/v1/feedback-loop/experiments/{experiment.id}").status_code == 404
    assert api_client.get("/api/v1/feedback-loop/experiments/not-a-uuid").status_code in (404, 422)


def test_policy_page_states_the_measured_error_rates(owner_client):
    html = owner_client.get(reverse("content:policy")).content.decode()
    assert "How often the rule is wrong (measured)" in html
    assert "2.2%" in html  # equal variants ever named a winner, 60 daily looks
    assert "98.2%" in html or "98.3%" in html  # 5% vs 6% found within the budget


def test_nightly_job_output_counts_settled_experiments_and_gives_splits(api_client, workspace, capsys):
    experiment_with_variants(workspace, {"A": (400_000, 20_000), "B": (400_000, 20_050)}, name="settled")
    experiment_with_variants(workspace, {"A": (3000, 150), "B": (3000, 175)}, name="running")
    body = api_client.post("/api/v1/feedback-loop/jobs/nightly-winner").json()
    assert body["stats"]["no_meaningful_difference"] == 1
    call_command("identify_winners", "--workspace", workspace.slug, "--json")
    data = json.loads(capsys.readouterr().out)
    by_name = {d["experiment"]: d for d in data["decisions"]}
    assert by_name["settled"]["status"] == "no_meaningful_difference"
    assert by_name["settled"]["recommended_split"] is None
    assert by_name["running"]["recommended_split"]["B"] > by_name["running"]["recommended_split"]["A"]
    call_command("identify_winners", "--workspace", workspace.slug)
    text = capsys.readouterr().out
    assert "settled: no meaningful difference" in text
    assert "1 with no meaningful difference" in text
