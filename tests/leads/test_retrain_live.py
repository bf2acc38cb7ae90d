"""Retrain now shows the retraining's progress, then its result, without reloading the page."""

import pytest
from django.urls import reverse

from leads.services.scoring.retraining import retrain
from leads.tasks.scoring import retrain_workspace
from tests.leads.training_data import make_leads_with_outcomes

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
POLL = reverse("leads:scoring_status") + "?part=retrain"


@pytest.fixture
def queued(monkeypatch):
    """The queued tasks, kept here instead of sent to a broker (no worker in these tests)."""
    sent = []
    monkeypatch.setattr(retrain_workspace, "apply_async", lambda args=(), *a, **k: sent.append(args))
    return sent


def _run(sent):
    for args in sent:
        retrain_workspace.apply(args=args)


def test_retrain_now_by_htmx_answers_the_progress_box(
    owner_client, workspace, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(reverse("leads:scoring_retrain"), **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and 'id="retrain"' in body
    assert "waiting for a worker" in body
    assert 'hx-trigger="every 2s"' in body
    assert len(queued) == 1


def test_the_box_keeps_polling_while_the_retraining_is_pending(
    owner_client, workspace, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("leads:scoring_retrain"), **HTMX)
    response = owner_client.get(POLL, **HTMX)
    assert 'hx-trigger="every 2s"' in response.content.decode()
    assert "HX-Trigger" not in response


def test_the_box_shows_the_result_and_stops_polling_when_it_ends(
    owner_client, workspace, queued, django_capture_on_commit_callbacks
):
    make_leads_with_outcomes(workspace, 150)
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("leads:scoring_retrain"), **HTMX)
    _run(queued)
    response = owner_client.get(POLL, **HTMX)
    body = response.content.decode()
    assert "every 2s" not in body
    assert "<strong>v1</strong>" in body and "Promoted." in body
    assert "retrainFinished" in response["HX-Trigger"]


def test_counts_and_registry_reload_when_the_retraining_ends(owner_client, workspace):
    page = owner_client.get(reverse("leads:scoring_status")).content.decode()
    assert page.count('hx-trigger="retrainFinished from:body"') == 2
    make_leads_with_outcomes(workspace, 150)
    retrain(workspace)
    registry = owner_client.get(reverse("leads:scoring_status") + "?part=registry", **HTMX).content.decode()
    assert "<html" not in registry and "v1" in registry and "champion since" in registry
    counts = owner_client.get(reverse("leads:scoring_status") + "?part=counts", **HTMX).content.decode()
    assert "<html" not in counts and "v1" in counts


def test_a_second_retrain_now_says_one_is_already_pending(
    owner_client, workspace, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("leads:scoring_retrain"), **HTMX)
        response = owner_client.post(reverse("leads:scoring_retrain"), **HTMX)
    assert "A retraining is already queued or running." in response.content.decode()
    assert len(queued) == 1


def test_retrain_now_without_htmx_still_redirects(
    owner_client, workspace, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(reverse("leads:scoring_retrain"))
    assert response.status_code == 302
