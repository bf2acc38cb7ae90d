"""Preference suggestions where people decide: the preferences page (apply, dismiss), the run page,
the dashboard's alerts and the API; applying goes into the preference history."""

import random

import pytest

from leads.models import Lead, LeadFeedback, PreferenceRevision, SuggestionDismissal
from leads.services.preferences import update_preferences
from leads.services.suggestions import preference_suggestions
from tests.leads.factories import ExecutionFactory

pytestmark = pytest.mark.django_db

PREFS = {"preferred_industries": ["SaaS", "Fintech"], "min_engagement_score": 0.5}


def _judged(workspace, user, industry, count, useful_share, criterion="", probability=1.0, seed=0):
    rng = random.Random(seed)
    execution = ExecutionFactory(recipe__workspace=workspace, recipe__agent__workspace=workspace)
    for i in range(count):
        lead = Lead.objects.create(
            workspace=workspace, execution=execution, name=f"{industry} {i}", industry=industry,
            engagement_score=0.8, quality_score=0.6, title="CEO",
            exploration_criterion=criterion, keep_probability=probability,
        )  # fmt: skip
        LeadFeedback.objects.create(
            workspace=workspace, lead=lead, execution=execution, user=user, useful=i < useful_share * count,
            conversion_status="converted" if rng.random() < 0.2 else "pending",
        )  # fmt: skip


@pytest.fixture
def evidence(workspace, owner):
    """Kept SaaS and Fintech leads useful 35% of the time; Retail near misses useful 62%."""
    update_preferences(workspace, PREFS, actor=owner)
    _judged(workspace, owner, "SaaS", 40, 0.35)
    _judged(workspace, owner, "Fintech", 40, 0.35)
    _judged(workspace, owner, "Retail", 42, 0.6, criterion="industry", probability=0.05)
    return workspace


def test_a_better_industry_outside_the_preferences_is_suggested_with_its_evidence(evidence):
    (suggestion,) = preference_suggestions(evidence)
    assert suggestion.key == "add:industry:retail"
    assert suggestion.text.startswith("Retail leads were useful 62% of the time (n=42, 95% interval")
    assert "against 35% for the leads you keep now (n=80): add Retail?" in suggestion.text


def test_too_few_judged_near_misses_suggest_nothing(workspace, owner):
    update_preferences(workspace, PREFS, actor=owner)
    _judged(workspace, owner, "SaaS", 40, 0.35)
    _judged(workspace, owner, "Retail", 12, 0.9, criterion="industry", probability=0.05)
    assert preference_suggestions(workspace) == []


def test_preferences_page_shows_the_suggestion_and_one_click_applies_it_in_the_history(
    evidence, owner_client
):
    page = owner_client.get("/leads/preferences/").content.decode()
    assert "Retail leads were useful 62% of the time" in page
    response = owner_client.post("/leads/preferences/suggestions/apply/", {"key": "add:industry:retail"})
    assert response.status_code == 302
    revision = PreferenceRevision.objects.for_workspace(evidence).first()
    assert revision.changed == {"preferred_industries": [["SaaS", "Fintech"], ["SaaS", "Fintech", "Retail"]]}
    assert revision.actor.username == "olivia"
    page = owner_client.get("/leads/preferences/").content.decode()
    assert "add Retail?" not in page  # applied: Retail leads are now kept, nothing left to suggest
    # The heavily weighted Retail near misses do not make SaaS and Fintech look bad in turn.
    assert preference_suggestions(evidence) == []
    assert "SaaS, Fintech, Retail" in page


def test_a_dismissed_suggestion_stays_away_until_its_evidence_doubles(evidence, owner_client, owner):
    response = owner_client.post("/leads/preferences/suggestions/dismiss/", {"key": "add:industry:retail"})
    assert response.status_code == 302
    assert SuggestionDismissal.objects.get(workspace=evidence).evidence_n == 42
    assert "add Retail?" not in owner_client.get("/leads/preferences/").content.decode()
    _judged(evidence, owner, "Retail", 42, 0.6, criterion="industry", probability=0.05, seed=1)
    assert "add Retail?" in owner_client.get("/leads/preferences/").content.decode()


def test_a_viewer_sees_the_suggestion_but_cannot_apply_it(evidence, viewer_client):
    page = viewer_client.get("/leads/preferences/").content.decode()
    assert "add Retail?" in page and "suggestions/apply/" not in page
    response = viewer_client.post("/leads/preferences/suggestions/apply/", {"key": "add:industry:retail"})
    assert response.status_code == 403
    assert PreferenceRevision.objects.for_workspace(evidence).count() == 1


@pytest.mark.parametrize("key", ["", "add:industry:nothing", "x" * 5000, "add\x00", "remove:industry:saas"])
def test_a_stale_or_hostile_key_changes_nothing_and_says_why(evidence, owner_client, key):
    response = owner_client.post("/leads/preferences/suggestions/apply/", {"key": key}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "no longer applies" in page or "Give the key" in page
    assert PreferenceRevision.objects.for_workspace(evidence).count() == 1


def test_the_dashboard_alerts_list_links_the_suggestion_to_the_preferences_page(evidence, owner_client):
    page = owner_client.get("/").content.decode()
    assert 'data-alert="preference_suggestion"' in page
    assert "Lead preferences: Retail leads were useful 62%" in page


def test_api_lists_applies_and_dismisses_suggestions(evidence, api_client):
    body = api_client.get("/api/v1/users/acme/preferences/suggestions").json()
    (item,) = body["suggestions"]
    assert item["key"] == "add:industry:retail" and item["useful"]["n"] == 42
    assert item["change"] == {"preferred_industries": ["SaaS", "Fintech", "Retail"]}
    bad = api_client.post("/api/v1/users/acme/preferences/suggestions/apply", {"key": "nope"},
                          content_type="application/json")  # fmt: skip
    assert bad.status_code in (400, 422) and "no longer applies" in bad.content.decode()
    applied = api_client.post("/api/v1/users/acme/preferences/suggestions/apply", {"key": item["key"]},
                              content_type="application/json")  # fmt: skip
    assert applied.status_code == 200 and applied.json()["preferred_industries"][-1] == "Retail"
    assert PreferenceRevision.objects.for_workspace(evidence).first().token is not None
    assert api_client.get("/api/v1/users/other/preferences/suggestions").status_code == 404


def test_api_dismiss_is_remembered(evidence, api_client):
    response = api_client.post("/api/v1/users/acme/preferences/suggestions/dismiss", {"key": "add:industry:retail"},
                               content_type="application/json")  # fmt: skip
    assert response.status_code == 200 and response.json() == {
        "dismissed": "add:industry:retail",
        "evidence_n": 42,
    }
    assert api_client.get("/api/v1/users/acme/preferences/suggestions").json() == {"suggestions": []}


@pytest.mark.parametrize(
    "body", [{}, {"key": ""}, {"key": "k" * 201}, {"key": 5}, {"key": "add\x00x"}, {"key": None}]
)
def test_api_refuses_hostile_keys_with_a_field_message(evidence, api_client, body):
    response = api_client.post("/api/v1/users/acme/preferences/suggestions/apply", body,
                               content_type="application/json")  # fmt: skip
    assert response.status_code in (400, 422)
    assert "key" in response.content.decode()
    assert PreferenceRevision.objects.for_workspace(evidence).count() == 1
