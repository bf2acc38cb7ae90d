"""POST /api/v1/feedback-loop/jobs/nightly-winner and POST /analysis/performance."""

import pytest

from content.models import WinnerRun
from tests.content.factories import experiment_with_variants

pytestmark = pytest.mark.django_db


def test_run_now_answers_the_job_stats(api_client, workspace):
    experiment_with_variants(workspace, {"primary": (20_000, 1000), "A": (20_000, 1300)})
    response = api_client.post("/api/v1/feedback-loop/jobs/nightly-winner")
    assert response.status_code == 200
    body = response.json()
    assert body["message"] == "Nightly winner job completed"
    assert body["stats"]["brands_processed"] == 1
    assert body["stats"]["winners_identified"] == 1
    assert body["stats"]["errors"] == 0
    assert WinnerRun.objects.get().trigger == "api"


def test_performance_analysis_per_variant_with_best_and_series(api_client, workspace):
    experiment = experiment_with_variants(
        workspace, {"primary": (20_000, 1000, 100), "A": (20_000, 1300, 100)}, days=5
    )
    response = api_client.post(
        "/api/v1/feedback-loop/analysis/performance",
        {"brand_id": str(experiment.brand_id), "days": 30},
        content_type="application/json",
    )
    assert response.status_code == 200
    analysis = response.json()["analysis"]
    assert analysis["analysis_period_days"] == 30
    assert analysis["total_posts"] == 2
    a = analysis["variant_performance"]["A"]
    assert a["total_impressions"] == 20_000 and a["avg_ctr"] == 0.065
    assert a["ctr_interval"][0] < 0.065 < a["ctr_interval"][1]
    assert analysis["best_performing_variant"] == "A"
    assert analysis["prob_best"]["A"] > 0.99
    assert len(analysis["series"]["dates"]) == 5


@pytest.mark.parametrize("days", [0, -1, 100_000])
def test_performance_analysis_rejects_bad_periods(api_client, workspace, days):
    experiment = experiment_with_variants(workspace, {"A": (10, 1)})
    response = api_client.post(
        "/api/v1/feedback-loop/analysis/performance",
        {"brand_id": str(experiment.brand_id), "days": days},
        content_type="application/json",
    )
    assert response.status_code == 422


def test_performance_analysis_of_unknown_brand_is_404(api_client):
    response = api_client.post(
        "/api/v1/feedback-loop/analysis/performance",
        {"brand_id": "00000000-0000-0000-0000-000000000000"},
        content_type="application/json",
    )
    assert response.status_code == 404
