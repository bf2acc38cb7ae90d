"""The write-new-copy page: similar winners as an htmx fragment, an invitation to type."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


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
