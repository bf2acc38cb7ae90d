"""Making a model version the champion: the confirmation, the message, and the registry's spans."""

import pytest
from django.urls import reverse

from leads.models import ScoringModelVersion, ScoringSettings
from leads.services.scoring.champion import make_champion
from leads.services.scoring.retraining import retrain
from tests.leads.training_data import make_leads_with_outcomes

pytestmark = pytest.mark.django_db


@pytest.fixture
def champion_and_kept(workspace):
    """v1 promoted; v2 trained on the same outcomes while v1 is young, so kept out: it never served."""
    make_leads_with_outcomes(workspace, 150)
    v1 = retrain(workspace)
    v2 = retrain(workspace)
    assert v1.decision == "promoted" and v2.decision == "kept", v2.reason
    return v1, v2


@pytest.fixture
def replaced_champion(workspace):
    """v1 promoted, then replaced by v2."""
    make_leads_with_outcomes(workspace, 150)
    v1 = retrain(workspace)
    make_leads_with_outcomes(workspace, 100, seed=9, start=500, minutes_ago=3)
    ScoringSettings.objects.filter(workspace=workspace).update(max_champion_age_days=0)
    v2 = retrain(workspace)
    assert v2.decision == "promoted", v2.reason
    return v1, v2


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def test_make_champion_button_asks_for_confirmation(owner_client, champion_and_kept):
    _, v2 = champion_and_kept
    html = owner_client.get(reverse("leads:scoring_status")).content.decode()
    assert f'hx-confirm="Make {v2.label} the champion?' in html


def test_promoting_a_never_champion_says_it_is_now_the_champion(owner_client, workspace, champion_and_kept):
    _, v2 = champion_and_kept
    response = owner_client.post(reverse("leads:model_make_champion", args=[v2.id]), follow=True)
    assert _messages(response) == [f"{v2.label} is now the champion; new scores use it."]
    assert ScoringSettings.objects.get(workspace=workspace).champion == v2


def test_restoring_an_earlier_champion_says_rollback(owner_client, replaced_champion):
    v1, _ = replaced_champion
    response = owner_client.post(reverse("leads:model_make_champion", args=[v1.id]), follow=True)
    assert _messages(response) == [f"{v1.label} is the champion again (rollback); new scores use it."]


def test_htmx_make_champion_answers_a_client_redirect(owner_client, replaced_champion):
    v1, _ = replaced_champion
    response = owner_client.post(reverse("leads:model_make_champion", args=[v1.id]), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("leads:scoring_status")
    assert b"<html" not in response.content


def test_demoted_version_shows_its_span_not_champion_since(owner_client, replaced_champion):
    v1, v2 = replaced_champion
    v1.refresh_from_db()
    html = owner_client.get(reverse("leads:scoring_status")).content.decode()
    assert v1.demoted_at is not None
    assert f"champion from {v1.promoted_at:%Y-%m-%d %H:%M} to {v1.demoted_at:%Y-%m-%d %H:%M}" in html
    assert html.count("champion since") == 1  # only the serving one


def test_rollback_closes_the_span_of_the_version_it_replaces(workspace, replaced_champion):
    v1, v2 = replaced_champion
    make_champion(workspace, v1)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert v2.demoted_at is not None
    assert v1.demoted_at is None
    assert ScoringModelVersion.objects.get(pk=v2.pk).promoted_via == "automatic"


def test_making_the_champion_champion_changes_nothing(owner_client, workspace, champion_and_kept):
    v1, _ = champion_and_kept
    v1.refresh_from_db()
    before = v1.promoted_at
    response = owner_client.post(reverse("leads:model_make_champion", args=[v1.id]), follow=True)
    assert _messages(response) == [f"{v1.label} is already the champion."]
    v1.refresh_from_db()
    assert v1.promoted_at == before
