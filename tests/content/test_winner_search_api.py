"""Winner store API: search, a brand's winners, stats; re-embedding on a backend switch."""

import pytest

from content.embeddings import SemanticBackend
from content.models import WinningCopy
from content.services.winner_store import current_backend, reembed_winners, search_winners
from content.tasks import reembed_winners as reembed_task
from tests.content.factories import BrandFactory, PostFactory, WinningCopyFactory

pytestmark = pytest.mark.django_db
SEARCH = "/api/v1/feedback-loop/winners/search"


@pytest.fixture
def winners(workspace):
    shoes = BrandFactory(workspace=workspace, name="Trailhead")
    coffee = BrandFactory(workspace=workspace, name="Northwind")
    texts = {
        "shoes": (shoes, "Summer sale on trail running shoes: 30% off this weekend"),
        "tent": (shoes, "Ultralight two-person tent with free returns"),
        "coffee": (coffee, "Fresh organic coffee beans roasted this week, free shipping"),
    }
    return {
        key: WinningCopyFactory(post=PostFactory(experiment__brand=brand, workspace=workspace, text=text))
        for key, (brand, text) in texts.items()
    }


def search(client, **body):
    return client.post(SEARCH, body, content_type="application/json")


def test_search_ranks_the_most_similar_winner_first_with_its_metrics(api_client, winners):
    response = search(api_client, query_text="running shoes on sale", limit=2)
    assert response.status_code == 200
    body = response.json()
    assert body["success"] and body["query_text"] == "running shoes on sale"
    assert len(body["results"]) == 2
    top = body["results"][0]
    assert top["content"].startswith("Summer sale on trail running shoes")
    assert top["similarity_score"] > body["results"][1]["similarity_score"]
    assert top["metadata"]["impressions"] == 20000 and top["metadata"]["ctr"] == 0.06
    assert top["key"] == f"brand:{winners['shoes'].brand_id}:winner:{winners['shoes'].post_id}"


def test_search_can_be_limited_to_a_brand(api_client, winners):
    brand_id = str(winners["coffee"].brand_id)
    body = search(api_client, query_text="running shoes free shipping", brand_id=brand_id).json()
    assert {r["metadata"]["brand_id"] for r in body["results"]} == {brand_id}


def test_search_with_another_workspace_brand_is_404(api_client, outsider_api_client, winners):
    response = search(outsider_api_client, query_text="shoes", brand_id=str(winners["shoes"].brand_id))
    assert response.status_code == 404
    assert search(outsider_api_client, query_text="running shoes").json()["results"] == []


@pytest.mark.parametrize("body", [{"query_text": "x", "limit": 0}, {"query_text": "x", "limit": 1000}, {}])
def test_bad_search_requests_get_422(api_client, body):
    assert search(api_client, **body).status_code == 422


def test_new_winner_is_found_without_restart(api_client, winners, workspace):
    before = search(api_client, query_text="lavender soap").json()["results"]
    assert all("lavender" not in r["content"] for r in before)
    WinningCopyFactory(post=PostFactory(workspace=workspace, text="Handmade lavender soap bars"))
    results = search(api_client, query_text="lavender soap").json()["results"]
    assert results[0]["content"] == "Handmade lavender soap bars"


def test_brand_winners_lists_the_brand_current_winners(api_client, winners):
    brand_id = winners["shoes"].brand_id
    body = api_client.get(f"/api/v1/feedback-loop/winners/brand/{brand_id}").json()
    assert body["query_text"] == f"brand:{brand_id}"
    assert len(body["results"]) == 2


def test_stats_count_winners_per_brand(api_client, winners):
    body = api_client.get("/api/v1/feedback-loop/stats").json()
    assert body["message"] == "Feedback stats retrieved"
    stats = body["stats"]
    assert stats["total_items"] == 3 and stats["brands_with_winners"] == 2
    assert stats["brand_counts"] == {"Northwind": 1, "Trailhead": 2}


def test_switching_backend_reembeds_stored_winners(
    workspace, winners, api_client, django_capture_on_commit_callbacks
):
    WinningCopy.objects.update(embedding_backend="old", embedding_dimension=3, embedding=b"\0" * 12)
    with django_capture_on_commit_callbacks() as callbacks:
        stats = api_client.get("/api/v1/feedback-loop/stats").json()["stats"]
    assert stats["awaiting_reembedding"] == 3
    assert len(callbacks) == 1  # the re-embedding task is queued
    assert search_winners(workspace, "running shoes") == []  # vectors of another backend are never compared
    assert reembed_winners(workspace) == 3
    assert search_winners(workspace, "running shoes")[0]["content"].startswith("Summer sale")


def test_read_only_token_can_search_but_not_run_the_job(readonly_api_client, winners):
    assert search(readonly_api_client, query_text="shoes").status_code == 200
    response = readonly_api_client.post("/api/v1/feedback-loop/jobs/nightly-winner")
    assert response.status_code == 403


@pytest.mark.skipif(
    not SemanticBackend.available(), reason="semantic extras (requirements-semantic.txt) not installed"
)
def test_switching_to_the_semantic_backend_reembeds_in_the_task(workspace, winners, settings):
    settings.CONTENT_EMBEDDING_BACKEND = "semantic"
    assert reembed_task(str(workspace.id)) == 3
    stored = WinningCopy.objects.first()
    assert (stored.embedding_backend, stored.embedding_dimension) == ("semantic", 384)
    results = search_winners(workspace, "discounted sneakers for jogging")
    assert results[0]["content"].startswith("Summer sale on trail running shoes")


def test_semantic_setting_without_its_packages_falls_back_to_lexical(settings, monkeypatch):
    settings.CONTENT_EMBEDDING_BACKEND = "semantic"
    monkeypatch.setattr(SemanticBackend, "available", staticmethod(lambda: False))
    assert current_backend().name == "lexical"
