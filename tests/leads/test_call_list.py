"""Today's call list: built once a day, sized and explored as set, stable, race-safe; Won/Lost from
the page; the API; the selector the retraining reads."""

import datetime as dt

import pytest

from leads.models import CallListEntry, Lead, LeadScore, Outcome, ScoringSettings
from leads.selectors import selection_probabilities
from leads.services.call_list import build_call_list, call_list, local_today
from tests.concurrency import run_together
from tests.leads.factories import CrmLeadFactory, LeadScoreFactory, OutcomeFactory

pytestmark = pytest.mark.django_db


def _scored_leads(workspace, n, with_factors=True):
    leads = CrmLeadFactory.create_batch(n, workspace=workspace)
    for i, lead in enumerate(leads):
        p = (i + 1) / (n + 1)
        LeadScoreFactory(
            lead=lead,
            workspace=workspace,
            probability=p,
            display_score=max(1, min(99, round(p * 100))),
            factors={"positive": [{"feature": "source", "value": "Referral", "effect": 0.2}]}
            if with_factors
            else {},
        )
    return leads


def test_todays_list_has_the_set_size_and_share_with_probabilities(workspace):
    leads = _scored_leads(workspace, 60)
    OutcomeFactory(lead=leads[-1], workspace=workspace)  # the best lead is decided: not on the list
    the_list = call_list(workspace)
    assert the_list.day == local_today(workspace) and len(the_list.rows) == 20
    explored = the_list.explored
    assert len(explored) == 2
    # 59 open leads, 18 placed by score, 2 drawn from the 41 below the cut.
    by_score = [r for r in the_list.rows if not r.entry.exploration]
    assert {r.lead.pk for r in by_score} == {lead.pk for lead in leads[-19:-1]}
    assert all(r.entry.selection_probability == 1.0 for r in by_score)
    assert all(r.entry.selection_probability == pytest.approx(2 / 41) for r in explored)
    assert the_list.below_cut == 41 and the_list.explored_chance == "4.9%"
    assert all(r.entry.score < leads[-19].scores.get().probability for r in explored)
    probabilities = selection_probabilities(workspace)
    assert probabilities[explored[0].lead.pk] == pytest.approx(2 / 41)
    assert leads[0].pk not in probabilities or probabilities[leads[0].pk] == pytest.approx(2 / 41)


def test_settings_change_size_and_share(workspace):
    _scored_leads(workspace, 40)
    ScoringSettings.objects.create(workspace=workspace, call_list_size=8, exploration_share=0.0)
    the_list = call_list(workspace)
    assert len(the_list.rows) == 8 and not the_list.explored
    assert [r.entry.rank for r in the_list.rows] == list(range(1, 9))


def test_the_list_is_built_once_and_stays_the_same_on_reload(workspace):
    leads = _scored_leads(workspace, 50)
    first = [(r.lead.pk, r.entry.rank, r.entry.exploration) for r in call_list(workspace).rows]
    # Scores move during the day: the day's list does not.
    LeadScoreFactory(lead=leads[0], workspace=workspace, probability=0.99, display_score=99)
    again = [(r.lead.pk, r.entry.rank, r.entry.exploration) for r in call_list(workspace).rows]
    assert again == first
    assert build_call_list(workspace) is False
    assert CallListEntry.objects.filter(workspace=workspace).count() == 20


def test_rows_carry_factors_and_leads_without_a_score_are_scored(workspace):
    CrmLeadFactory.create_batch(5, workspace=workspace)  # never scored
    the_list = call_list(workspace)
    assert len(the_list.rows) == 5
    assert all(r.latest is not None and r.latest.factors for r in the_list.rows)
    assert all(r.factors["positive"] or r.factors["negative"] for r in the_list.rows)


def test_an_empty_workspace_has_an_empty_list(workspace, owner_client):
    assert call_list(workspace).rows == []
    assert CallListEntry.objects.count() == 0
    response = owner_client.get("/leads/call-list/")
    assert response.status_code == 200 and "No open lead to call" in response.content.decode()


def test_page_marks_explored_rows_and_explains_exploration(owner_client, workspace):
    _scored_leads(workspace, 30)
    response = owner_client.get("/leads/call-list/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="explored"') == 2 and html.count(">Exploration</mark>") == 2
    assert "2 of today's places went to leads drawn at random from the 12 leads below the cut" in html
    assert "10 a five-day week" in html
    assert "Source = Referral: +20 points" in html
    assert 'aria-current="page"' in html and "Call list" in html


def test_won_from_the_list_records_the_outcome_and_swaps_the_row(teammate_client, workspace):
    _scored_leads(workspace, 25)
    row = call_list(workspace).rows[0]
    response = teammate_client.post(
        f"/leads/call-list/{row.lead.pk}/outcome/", {"won": "true"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert f'id="call-row-{row.lead.pk}"' in html and ">Won</strong>" in html
    outcome = Outcome.objects.get(lead=row.lead)
    assert outcome.won and outcome.source == "page"
    assert ScoringSettings.objects.get(workspace=workspace).outcomes_since_training == 1
    # Lost without htmx: back to the list, which still shows both leads.
    other = call_list(workspace).rows[1]
    response = teammate_client.post(f"/leads/call-list/{other.lead.pk}/outcome/", {"won": "false"})
    assert response.status_code == 302
    assert Outcome.objects.get(lead=other.lead).won is False
    page = teammate_client.get("/leads/call-list/").content.decode()
    assert "2 of 20 done today" in page


def test_outcome_posts_are_checked(teammate_client, viewer_client, workspace):
    _scored_leads(workspace, 25)
    the_list = call_list(workspace)
    on_list = the_list.rows[0].lead
    off_list = next(
        lead
        for lead in Lead.objects.filter(workspace=workspace)
        if lead.pk not in {r.lead.pk for r in the_list.rows}
    )
    assert (
        teammate_client.post(f"/leads/call-list/{off_list.pk}/outcome/", {"won": "true"}).status_code == 404
    )
    bad = teammate_client.post(
        f"/leads/call-list/{on_list.pk}/outcome/", {"won": "maybe\x00"}, HTTP_HX_REQUEST="true"
    )
    assert bad.status_code == 400 and "Choose Won or Lost" in bad.content.decode()
    assert viewer_client.post(f"/leads/call-list/{on_list.pk}/outcome/", {"won": "true"}).status_code == 403
    assert viewer_client.get("/leads/call-list/").status_code == 200
    assert not Outcome.objects.exists()


def test_api_answers_the_same_list_as_the_page(api_client, workspace):
    _scored_leads(workspace, 30)
    response = api_client.get("/api/v1/leads/call-list")
    assert response.status_code == 200
    body = response.json()
    assert body["size"] == 20 and body["exploration_share"] == 0.1 and body["explored"] == 2
    assert body["drawn_from"] == 12
    entries = body["entries"]
    assert [e["rank"] for e in entries] == list(range(1, 21))
    page_rows = call_list(workspace).rows
    assert [e["id"] for e in entries] == [str(r.lead.pk) for r in page_rows]
    explored = [e for e in entries if e["exploration"]]
    assert len(explored) == 2 and all(e["selection_probability"] == pytest.approx(2 / 12) for e in explored)
    assert all(e["factors"]["positive"] for e in entries) and entries[0]["outcome"] is None
    assert 0 < entries[0]["score"] < 1
    # An earlier day with no list: empty, and nothing is built for it.
    old = api_client.get("/api/v1/leads/call-list?day=2020-01-01").json()
    assert old["entries"] == []
    assert api_client.get("/api/v1/leads/call-list?day=not-a-date").status_code in (400, 422)
    assert CallListEntry.objects.exclude(day=local_today(workspace)).count() == 0


def test_api_needs_a_token_and_sees_only_its_workspace(client, outsider_api_client, workspace):
    _scored_leads(workspace, 5)
    assert client.get("/api/v1/leads/call-list").status_code == 401
    assert outsider_api_client.get("/api/v1/leads/call-list").json()["entries"] == []


def test_settings_page_validates_the_call_list_fields(owner_client, workspace):
    base = {
        "retrain_threshold": 50,
        "high_threshold": 0.7,
        "low_threshold": 0.3,
        "promotion_confidence": 0.95,
        "max_champion_age_days": 30,
        "excluded_columns_text": "",
    }
    for size, share, field in [
        (0, 0.1, "call_list_size"),
        (20, 0.9, "exploration_share"),
        (20, "nan", "exploration_share"),
        ("x\x00", 0.1, "call_list_size"),
        (10**12, 0.1, "call_list_size"),
    ]:
        response = owner_client.post(
            "/leads/scoring/settings/", {**base, "call_list_size": size, "exploration_share": share}
        )
        assert response.status_code == 400, (size, share)
        assert f'id="id_{field}"' in response.content.decode()
    response = owner_client.post(
        "/leads/scoring/settings/", {**base, "call_list_size": 30, "exploration_share": 0.2}
    )
    assert response.status_code == 302
    row = ScoringSettings.objects.get(workspace=workspace)
    assert (row.call_list_size, row.exploration_share) == (30, 0.2)


def test_selection_probabilities_use_the_latest_entry(workspace):
    lead = CrmLeadFactory(workspace=workspace)
    CallListEntry.objects.create(
        workspace=workspace, lead=lead, day="2026-01-01", rank=3, exploration=True, selection_probability=0.05
    )
    CallListEntry.objects.create(
        workspace=workspace, lead=lead, day="2026-01-02", rank=1, selection_probability=1.0
    )
    never = CrmLeadFactory(workspace=workspace)
    assert selection_probabilities(workspace) == {lead.pk: 1.0}
    assert selection_probabilities(workspace, [never.pk]) == {}


@pytest.mark.django_db(transaction=True)
def test_two_builds_at_once_make_one_list(workspace):
    _scored_leads(workspace, 40)
    # Different scores for the two builds' reads would draw different lists: still only one lands.
    results = run_together([lambda: build_call_list(workspace)] * 4)
    assert sorted(results) == [False, False, False, True]
    entries = CallListEntry.objects.filter(workspace=workspace)
    assert entries.count() == 20
    assert sorted(entries.values_list("rank", flat=True)) == list(range(1, 21))
    assert LeadScore.objects.filter(workspace=workspace).count() == 40


def test_a_page_left_open_over_midnight_still_records(teammate_client, workspace):
    today = local_today(workspace)
    yesterday, older = CrmLeadFactory.create_batch(2, workspace=workspace)
    CallListEntry.objects.create(
        workspace=workspace, lead=yesterday, day=today - dt.timedelta(days=1), rank=1
    )
    CallListEntry.objects.create(workspace=workspace, lead=older, day=today - dt.timedelta(days=2), rank=1)
    assert (
        teammate_client.post(f"/leads/call-list/{yesterday.pk}/outcome/", {"won": "true"}).status_code == 302
    )
    assert teammate_client.post(f"/leads/call-list/{older.pk}/outcome/", {"won": "true"}).status_code == 404
    assert list(Outcome.objects.values_list("lead", flat=True)) == [yesterday.pk]
