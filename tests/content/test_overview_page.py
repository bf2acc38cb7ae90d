"""The overview page: brands, decisions and the last run; anonymous visitors sent to log in."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_overview_lists_brands_decisions_and_last_run(owner_client, decided):
    response = owner_client.get(reverse("content:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert decided.brand.name in html
    assert "A wins on CTR" in html
    assert "1 winner" in html


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("content:index"))
    assert response.status_code == 302 and "login" in response["Location"]
