"""The winner policy form: saved, bad values refused; viewers can neither run the job nor change the policy."""

import pytest
from django.urls import reverse

from content.models import WinnerPolicy

pytestmark = pytest.mark.django_db


def test_policy_form_saves_and_rejects_bad_values(owner_client, workspace):
    url = reverse("content:policy")
    data = {
        "metric": "composite",
        "threshold": 0.9,
        "min_impressions": 500,
        "weight_ctr": 0,
        "weight_conversion_rate": 0,
        "weight_revenue": 0,
    }
    response = owner_client.post(url, data)
    assert "at least one composite weight" in response.content.decode()
    response = owner_client.post(url, {**data, "threshold": 1.5, "weight_ctr": 1})
    assert response.status_code == 200 and "threshold" in response.content.decode()
    response = owner_client.post(url, {**data, "weight_ctr": 1})
    assert response.status_code == 302
    policy = WinnerPolicy.objects.get(workspace=workspace)
    assert policy.metric == "composite" and policy.min_impressions == 500


def test_viewer_cannot_run_the_job_or_change_the_policy(viewer_client):
    assert viewer_client.post(reverse("content:run_now")).status_code == 403
    assert viewer_client.post(reverse("content:policy"), {"metric": "ctr"}).status_code == 403
