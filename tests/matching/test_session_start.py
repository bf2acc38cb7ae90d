"""Starting a session ranks the workspace's candidates, assigns a segment and stores the list."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from matching.models import MatchingSession
from matching.services.sessions import start_session
from tests.matching.factories import provider_workspace

pytestmark = pytest.mark.django_db


def test_default_weights_rank_the_best_value_first(workspace):
    provider_workspace(workspace)
    session = start_session(workspace, customer_ref="ann", stated_preferences={"price": 5})
    recs = list(session.recommendations.order_by("rank").select_related("candidate"))
    assert [r.rank for r in recs] == [1, 2, 3, 4]
    assert recs[0].score >= recs[-1].score
    assert session.segment == "price_sensitive"
    assert session.weights_source == "defaults"
    assert "Ranked 1 of 4" in recs[0].explanation
    assert recs[0].factor_values.keys() == {"price", "quality"}


def test_unknown_preference_dimension_is_rejected(workspace):
    provider_workspace(workspace)
    with pytest.raises(ValidationError) as exc:
        start_session(workspace, stated_preferences={"colour": 3})
    assert "stated_preferences" in exc.value.error_dict


def test_workspace_without_candidates_gets_a_clear_error(workspace):
    with pytest.raises(ValidationError):
        start_session(workspace)


def test_page_starts_a_session_and_shows_the_ranked_list(teammate_client, workspace):
    provider_workspace(workspace)
    response = teammate_client.post(
        reverse("matching:start"), {"customer_ref": "bob", "complexity": "high", "quality": "5", "price": "1"}
    )
    session = MatchingSession.objects.for_workspace(workspace).get()
    assert response.status_code == 302
    page = teammate_client.get(reverse("matching:session", args=[session.id]))
    body = page.content.decode()
    assert "Premium buyer" in body
    first = session.recommendations.get(rank=1).candidate.name
    assert f"#1 {first}" in body
    assert body.index(f"#1 {first}") < body.index("#2 ")
    assert "Why this rank?" in body


def test_viewer_cannot_start_a_session(viewer_client, workspace):
    provider_workspace(workspace)
    response = viewer_client.post(reverse("matching:start"), {"complexity": "low"})
    assert response.status_code == 403
    assert not MatchingSession.objects.exists()


def test_index_lists_sessions_and_factors(owner_client, workspace):
    provider_workspace(workspace)
    start_session(workspace, customer_ref="carla")
    body = owner_client.get(reverse("matching:index")).content.decode()
    assert "carla" in body
    assert "price" in body
    assert "Provider A" in body  # the candidates with their factor values


def test_a_missing_factor_value_is_ranked_as_the_pool_median(workspace):
    candidates = provider_workspace(workspace)
    candidates[0].factor_values = {"price": 100}  # quality unknown
    candidates[0].save()
    session = start_session(workspace)
    rec = session.recommendations.get(candidate=candidates[0])
    assert rec.factor_values["quality"] == 6  # the median of the known values 6, 10 and 3
