"""A brand's page: variants with intervals, charts and table, the period fragment, a fading winner."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


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
