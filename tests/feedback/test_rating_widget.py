"""The rating widget (htmx): a new rating, thumbs, a bad value, viewers kept out."""

import pytest
from django.urls import reverse

from tests.feedback.factories import FeedbackEntryFactory

pytestmark = pytest.mark.django_db


def test_rating_widget_answers_its_fragment_with_the_new_rating(teammate_client, workspace):
    entry = FeedbackEntryFactory(workspace=workspace, rating=5)
    response = teammate_client.post(
        reverse("feedback:entry_rate", args=[entry.pk]), {"rating": "2"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<form id="rating-widget"')
    assert "Rated <strong data-rating>2</strong> of 5" in body and "saved" in body
    entry.refresh_from_db()
    assert entry.rating == 2


def test_rating_widget_thumbs_down(teammate_client, workspace):
    entry = FeedbackEntryFactory(workspace=workspace, thumbs=0)
    teammate_client.post(
        reverse("feedback:entry_rate", args=[entry.pk]), {"thumbs": "down"}, HTTP_HX_REQUEST="true"
    )
    entry.refresh_from_db()
    assert entry.thumbs == -1


def test_rating_widget_refuses_a_bad_rating_in_the_fragment(teammate_client, workspace):
    entry = FeedbackEntryFactory(workspace=workspace, rating=4)
    response = teammate_client.post(
        reverse("feedback:entry_rate", args=[entry.pk]), {"rating": "9"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert "whole number from 1 to 5" in response.content.decode()
    entry.refresh_from_db()
    assert entry.rating == 4


def test_viewer_cannot_rate(viewer_client, workspace):
    entry = FeedbackEntryFactory(workspace=workspace, rating=4)
    response = viewer_client.post(reverse("feedback:entry_rate", args=[entry.pk]), {"rating": "1"})
    assert response.status_code == 403
