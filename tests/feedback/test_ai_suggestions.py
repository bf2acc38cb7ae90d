"""With an Anthropic key and base URL in the settings, pages and API ask Claude (a local stub)."""

import pytest
from django.urls import reverse

from tests.feedback.factories import FeedbackEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def configured(settings, anthropic_stub):
    settings.FEEDBACK_ANTHROPIC_API_KEY = "test-key"
    settings.FEEDBACK_ANTHROPIC_BASE_URL = f"http://127.0.0.1:{anthropic_stub.server_port}"
    settings.FEEDBACK_ANTHROPIC_TIMEOUT = 5.0
    return anthropic_stub


def _entries(workspace):
    for i in range(6):
        FeedbackEntryFactory(workspace=workspace, prompt=f"summarise report {i}", rating=2)


def test_suggestions_page_shows_claudes_suggestion(owner_client, workspace, configured):
    _entries(workspace)
    configured.answer = (
        200,
        '[{"title": "Name the audience", "suggestion": "Say who will read the summary.", '
        '"evidence": "rating 2 on all summaries (n=6)"}]',
    )
    body = owner_client.get(reverse("feedback:suggestions"), {"days": 7, "limit": 3}).content.decode()
    assert "Say who will read the summary." in body and "suggested by Claude" in body
    sent = configured.requests[0]["body"]["messages"][0]["content"]
    assert "summarise report" in sent  # the low-rated prompts go along as examples


def test_api_falls_back_with_a_note_when_claude_fails(api_client, workspace, configured):
    _entries(workspace)
    configured.answer = (529, "overloaded")
    body = api_client.get("/api/v1/prompt-feedback/suggestions", {"days": 7}).json()
    assert body["source"] == "rules" and body["suggestions"]
    assert "The AI suggestion failed" in body["note"]
