"""Suggestions: rule-based always; Claude through the SDK against a local stub, with fallback."""

from feedback.analysis import analyze, entries_frame
from feedback.suggestions import AIConfig, rule_based_suggestions, suggest


def _analysis():
    rows = [
        {
            "prompt": f"analyse step by step {i}",
            "rating": 5,
            "thumbs": 1,
            "tags": ["analytical"],
            "framework": "cot",
            "model": "m",
        }
        for i in range(20)
    ] + [
        {
            "prompt": f"write a story quickly {i}",
            "rating": 2,
            "thumbs": 0,
            "tags": ["creative"],
            "framework": "cot",
            "model": "m",
        }
        for i in range(20)
    ]
    return analyze(entries_frame(rows), min_samples=5)


def _config(server):
    return AIConfig(api_key="test-key", base_url=f"http://127.0.0.1:{server.server_port}", timeout=5)


def test_rule_based_suggestions_cite_the_evidence():
    items = rule_based_suggestions(_analysis(), limit=10)
    assert any("step by" in item["title"] or "analyse" in item["title"] for item in items)
    assert all(item["evidence"] and item["source"] == "rules" for item in items)


def test_without_a_key_suggestions_are_rule_based_with_a_note():
    result = suggest(_analysis(), None)
    assert result["source"] == "rules" and "No Anthropic API key" in result["note"]


def test_ai_suggestions_come_from_the_messages_api(anthropic_stub):
    anthropic_stub.answer = (
        200,
        'Here you go: [{"title": "Ask for structure", "suggestion": "Request a numbered outline '
        'first.", "evidence": "creative 0% (n=20)"}]',
    )
    result = suggest(_analysis(), _config(anthropic_stub), framework="cot", limit=3)
    assert result["source"] == "ai" and result["note"] is None
    assert result["suggestions"][0]["suggestion"] == "Request a numbered outline first."
    request = anthropic_stub.requests[0]
    assert request["path"] == "/v1/messages"
    assert "test-key" in str(request["headers"]), request["headers"]
    assert "cot" in request["body"]["messages"][0]["content"]


def test_server_error_falls_back_to_rules_with_a_note(anthropic_stub):
    anthropic_stub.answer = (500, "overloaded")
    result = suggest(_analysis(), _config(anthropic_stub))
    assert result["source"] == "rules" and result["suggestions"]
    assert "AI suggestion failed" in result["note"]


def test_unusable_answer_falls_back_to_rules(anthropic_stub):
    anthropic_stub.answer = (200, "I cannot answer in JSON today.")
    result = suggest(_analysis(), _config(anthropic_stub))
    assert result["source"] == "rules" and "no JSON list" in result["note"]


def test_unreachable_server_falls_back_to_rules():
    config = AIConfig(api_key="k", base_url="http://127.0.0.1:9", timeout=2)
    result = suggest(_analysis(), config)
    assert result["source"] == "rules" and "AI suggestion failed" in result["note"]
