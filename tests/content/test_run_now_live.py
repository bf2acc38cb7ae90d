"""Run now shows the winner job's progress, then its result, and the brands table's new counts,
without reloading the page."""

import pytest
from django.urls import reverse

from content import tasks
from content.models import WinnerRun
from tests.content.factories import experiment_with_variants

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def experiment(workspace):
    return experiment_with_variants(
        workspace,
        {"primary": (20_000, 1000, 50), "A": (20_000, 1300, 70)},
        days=10,
        texts={"A": "Summer sale on trail running shoes", "primary": "Trail shoes for runners"},
    )


def _brands_row(html, brand):
    start = html.index(f">{brand.name}</a>")
    return html[start : html.index("</tr>", start)]


def test_run_now_answers_a_polling_status_box(owner_client, experiment, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        response = owner_client.post(reverse("content:run_now"), **HTMX)
    body = response.content.decode()
    assert "<html" not in body and 'id="run-status"' in body
    assert 'hx-trigger="every 1s"' in body
    assert "HX-Trigger" not in response


def test_poll_shows_the_result_and_stops_when_the_job_ends(
    owner_client, workspace, experiment, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        owner_client.post(reverse("content:run_now"), **HTMX)
    run = WinnerRun.objects.get()
    poll = reverse("content:run", kwargs={"run_id": run.id})
    assert "every 1s" in owner_client.get(poll, **HTMX).content.decode()

    tasks.decide_workspace_winners.apply(args=(str(workspace.id), str(run.id)))
    response = owner_client.get(poll, **HTMX)
    body = response.content.decode()
    assert "every 1s" not in body
    assert "1 winner" in body
    assert "runFinished" in response["HX-Trigger"]


def test_run_that_ends_within_the_request_shows_its_result_at_once(
    owner_client, workspace, experiment, monkeypatch
):
    # No worker: the job runs as its run is committed (tests never commit, so run it right there).
    def run_at_once(*args, **kwargs):
        tasks.decide_workspace_winners.apply(args=args)

    monkeypatch.setattr(tasks.decide_workspace_winners, "delay_on_commit", run_at_once)
    response = owner_client.post(reverse("content:run_now"), **HTMX)
    body = response.content.decode()
    assert "every 1s" not in body and "1 winner" in body
    assert "runFinished" in response["HX-Trigger"]


def test_brands_table_reloads_with_the_new_counts_after_a_run(owner_client, workspace, experiment):
    page = owner_client.get(reverse("content:index")).content.decode()
    assert 'id="brands"' in page and page.count('hx-trigger="runFinished from:body"') == 2
    assert _brands_row(page, experiment.brand).endswith("<td>0</td>")

    tasks.decide_workspace_winners.apply(args=(str(workspace.id),))
    brands = owner_client.get(reverse("content:index") + "?part=brands", **HTMX).content.decode()
    assert "<html" not in brands and brands.lstrip().startswith('<section id="brands"')
    assert _brands_row(brands, experiment.brand).endswith("<td>1</td>")
    decisions = owner_client.get(reverse("content:index") + "?part=decisions", **HTMX).content.decode()
    assert "<html" not in decisions and "A wins on CTR" in decisions
