"""The content pages: overview, brand performance, write new copy, run now, policy."""

import pytest
from django.urls import reverse

from content.models import WinnerPolicy, WinnerRun
from content.services.winner_job import run_winner_job
from tests.content.factories import experiment_with_variants

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(workspace):
    experiment = experiment_with_variants(
        workspace,
        {"primary": (20_000, 1000, 50), "A": (20_000, 1300, 70)},
        days=10,
        texts={"A": "Summer sale on trail running shoes", "primary": "Trail shoes for runners"},
    )
    run_winner_job(workspace)
    return experiment


def test_overview_lists_brands_decisions_and_last_run(owner_client, decided):
    response = owner_client.get(reverse("content:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert decided.brand.name in html
    assert "A wins on CTR" in html
    assert "1 winner" in html


def test_brand_page_shows_variants_with_intervals_charts_and_table(owner_client, decided):
    response = owner_client.get(reverse("content:brand", args=[decided.brand_id]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="best-variant">A<' in html
    assert "6.50%" in html  # A's CTR, 1300 / 20000
    assert "n=20000" in html
    assert 'data-chart="ctr-chart"' in html and 'data-chart="cr-chart"' in html
    assert "The charts' figures as a table" in html
    assert "Summer sale on trail running shoes" in html


def test_brand_page_period_change_answers_the_fragment(owner_client, decided):
    response = owner_client.get(
        reverse("content:brand", args=[decided.brand_id]), {"days": 7}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="performance">')
    assert "<html" not in html


def test_fading_winner_is_flagged_on_the_brand_page(owner_client, decided):
    post = decided.posts.get(variant="A")
    post.metrics.update(clicks=40)  # last 14 days far below the winning interval
    response = owner_client.get(reverse("content:brand", args=[decided.brand_id]))
    assert "Fading: recent CTR below its winning interval" in response.content.decode()


def test_steady_winner_is_not_flagged(owner_client, decided):
    response = owner_client.get(reverse("content:brand", args=[decided.brand_id]))
    assert "Fading:" not in response.content.decode()


def test_write_page_shows_similar_winners_as_htmx_fragment(owner_client, decided):
    response = owner_client.get(
        reverse("content:write"), {"query_text": "running shoes sale"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="results"')
    assert "Summer sale on trail running shoes" in html
    assert "CTR 6.50%" in html


def test_write_page_without_text_invites_typing(owner_client, decided):
    response = owner_client.get(reverse("content:write"))
    assert "Start typing" in response.content.decode()


def test_run_now_queues_the_job_and_shows_its_status(
    owner_client, workspace, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = owner_client.post(reverse("content:run_now"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Queued" in response.content.decode()
    assert 'hx-trigger="every 1s"' in response.content.decode()
    assert len(callbacks) == 1
    assert WinnerRun.objects.get().status == "queued"


def test_viewer_cannot_run_the_job_or_change_the_policy(viewer_client):
    assert viewer_client.post(reverse("content:run_now")).status_code == 403
    assert viewer_client.post(reverse("content:policy"), {"metric": "ctr"}).status_code == 403


def test_policy_form_saves_and_rejects_bad_values(owner_client, workspace):
    url = reverse("content:policy")
    data = {
        "metric": "composite",
        "threshold": 0.9,
        "min_impressions": 500,
        "weight_ctr": 0,
        "weight_conversion_rate": 0,
        "weight_revenue": 0,
    }
    response = owner_client.post(url, data)
    assert "at least one composite weight" in response.content.decode()
    response = owner_client.post(url, {**data, "threshold": 1.5, "weight_ctr": 1})
    assert response.status_code == 200 and "threshold" in response.content.decode()
    response = owner_client.post(url, {**data, "weight_ctr": 1})
    assert response.status_code == 302
    policy = WinnerPolicy.objects.get(workspace=workspace)
    assert policy.metric == "composite" and policy.min_impressions == 500


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("content:index"))
    assert response.status_code == 302 and "login" in response["Location"]
