"""Lead sources: the HTTP agent (against a local stub), CSV upload, normalisation, the demo generator."""

import json

import pytest

from leads.sources import (
    SourceError,
    fetch_from_http_agent,
    generate_demo_leads,
    normalize_lead,
    parse_leads_csv,
)
from tests.leads.stub_agent import Reply, stub_agent

LIMITS = {"timeout": 2.0, "max_leads": 5000, "max_bytes": 5_000_000}


@pytest.fixture(autouse=True)
def _loopback_agents_allowed(settings):
    """The stub agent listens on 127.0.0.1, which agents may only use when the operator allows it."""
    settings.LEADS_AGENT_ALLOWED_NETWORKS = ["127.0.0.0/8"]


def fetch(agent, path="/leads", **overrides):
    return fetch_from_http_agent(agent.url(path), {"search_query": "AI founders"}, **{**LIMITS, **overrides})


def test_agent_receives_the_recipe_input_and_its_leads_are_read():
    leads = [{"name": "Sarah Chen", "title": "CEO", "engagement_score": 0.9}]
    with stub_agent({"/leads": Reply.leads(leads)}) as agent:
        result = fetch(agent)
    assert agent.requests == [{"search_query": "AI founders"}]
    assert [lead["name"] for lead in result.leads] == ["Sarah Chen"]
    assert result.leads[0]["engagement_score"] == 0.9
    assert result.truncated is False


def test_agent_may_wrap_its_leads_in_an_object():
    with stub_agent({"/leads": Reply(body=b'{"leads": [{"name": "A"}]}')}) as agent:
        assert [lead["name"] for lead in fetch(agent).leads] == ["A"]


def test_agent_server_error_is_a_source_error_with_the_status():
    with (
        stub_agent({"/leads": Reply(status=500, body=b"boom")}) as agent,
        pytest.raises(SourceError, match="HTTP 500"),
    ):
        fetch(agent)


def test_agent_malformed_json_is_a_source_error():
    with (
        stub_agent({"/leads": Reply(body=b'[{"name": "A",')}) as agent,
        pytest.raises(SourceError, match="not valid JSON"),
    ):
        fetch(agent)


def test_agent_json_that_is_not_a_list_is_a_source_error():
    with (
        stub_agent({"/leads": Reply(body=b'"hello"')}) as agent,
        pytest.raises(SourceError, match="not a list"),
    ):
        fetch(agent)


def test_agent_timeout_is_a_source_error():
    with (
        stub_agent({"/leads": Reply.leads([], delay=1.5)}) as agent,
        pytest.raises(SourceError, match="timeout"),
    ):
        fetch(agent, timeout=0.3)


def test_unreachable_agent_is_a_source_error():
    with stub_agent({}) as agent:
        url = agent.url()
    with pytest.raises(SourceError, match="could not be reached"):
        fetch_from_http_agent(url, {}, **LIMITS)


def test_non_http_url_is_refused():
    with pytest.raises(SourceError, match="not an http"):
        fetch_from_http_agent("file:///etc/passwd", {}, **LIMITS)


def test_ten_thousand_leads_are_truncated_to_the_limit_with_a_warning():
    leads = [{"name": f"lead {i}"} for i in range(10_000)]
    with stub_agent({"/leads": Reply.leads(leads)}) as agent:
        result = fetch(agent, max_leads=5000)
    assert len(result.leads) == 5000
    assert result.received == 10_000
    assert result.truncated is True
    assert "10000 leads" in result.warnings[0]


def test_an_answer_over_the_byte_limit_is_refused():
    with (
        stub_agent({"/leads": Reply.leads([{"name": "x" * 2000}])}) as agent,
        pytest.raises(SourceError, match="larger than"),
    ):
        fetch(agent, max_bytes=1000)


def test_items_that_are_not_objects_are_skipped_and_counted():
    with stub_agent({"/leads": Reply(body=json.dumps([{"name": "A"}, 3, "x", None]).encode())}) as agent:
        result = fetch(agent)
    assert len(result.leads) == 1
    assert result.skipped == 3
    assert "3 item(s)" in result.warnings[0]


def test_normalize_lead_maps_aliases_and_keeps_unknown_keys():
    lead = normalize_lead(
        {"First_Name": "Sarah", "last_name": "Chen", "Job_Title": "CEO", "employees": "1,200", "quality": "0.8",
         "engagement": 7, "favourite_colour": "teal"}
    )  # fmt: skip
    assert lead["name"] == "Sarah Chen"
    assert lead["title"] == "CEO"
    assert lead["company_size"] == 1200
    assert lead["quality_score"] == 0.8
    assert lead["engagement_score"] is None  # 7 is not a 0..1 score
    assert lead["extra"] == {"favourite_colour": "teal"}


def test_csv_upload_reads_a_header_and_rows():
    content = "name,title,industry,company_size,engagement_score\nSarah Chen,CEO,SaaS,45,0.9\nTom,,AI,,\n"
    result = parse_leads_csv(content.encode("utf-8-sig"), max_leads=100)
    assert [lead["name"] for lead in result.leads] == ["Sarah Chen", "Tom"]
    assert result.leads[0]["company_size"] == 45
    assert result.leads[1]["company_size"] is None


def test_csv_without_header_is_refused():
    with pytest.raises(SourceError, match="no header"):
        parse_leads_csv(b"", max_leads=10)


def test_csv_that_is_not_utf8_is_refused():
    with pytest.raises(SourceError, match="UTF-8"):
        parse_leads_csv("name\nJosé\n".encode("utf-16"), max_leads=10)


def test_demo_generator_is_deterministic_and_well_formed():
    first = generate_demo_leads("AI founders", 20, seed=7)
    assert first == generate_demo_leads("AI founders", 20, seed=7)
    assert len(first) == 20
    assert all(0 <= lead["engagement_score"] <= 1 and lead["company_size"] >= 1 for lead in first)


def test_nan_and_nul_from_an_agent_are_made_storable():
    with stub_agent(
        {"/leads": Reply(body=b'[{"name": "A\\u0000", "engagement_score": NaN, "score": Infinity}]')}
    ) as agent:
        lead = fetch(agent).leads[0]
    assert lead["name"] == "A"
    assert lead["engagement_score"] is None
    assert lead["extra"] == {"score": None}
