"""The practical threshold and split floor on the winner policy: saved, used, hostile values refused."""

import pytest
from django.urls import reverse

from content.models import WinnerDecision, WinnerPolicy
from content.services.winner_job import run_winner_job
from tests.content.factories import experiment_with_variants

pytestmark = pytest.mark.django_db

BASE = {
    "metric": "ctr",
    "threshold": 0.95,
    "min_impressions": 1000,
    "weight_ctr": 0.5,
    "weight_conversion_rate": 0.3,
    "weight_revenue": 0.2,
}


def test_a_wider_practical_threshold_settles_an_experiment_in_the_next_run(owner_client, workspace):
    experiment = experiment_with_variants(workspace, {"A": (60_000, 3000), "B": (60_000, 3010)})
    run_winner_job(workspace)
    assert WinnerDecision.objects.get(experiment=experiment).status == "no_winner"
    response = owner_client.post(
        reverse("content:policy"), {**BASE, "practical_lift": 0.15, "split_floor": 0.2}
    )
    assert response.status_code == 302
    policy = WinnerPolicy.objects.get(workspace=workspace)
    assert (policy.practical_lift, policy.split_floor) == (0.15, 0.2)
    run_winner_job(workspace)
    assert WinnerDecision.objects.get(experiment=experiment).status == "no_meaningful_difference"


@pytest.mark.parametrize(
    "field, value",
    [
        ("practical_lift", "nan"),
        ("practical_lift", "inf"),
        ("practical_lift", "-0.1"),
        ("practical_lift", "5"),
        ("practical_lift", "abc"),
        ("practical_lift", "0.05\x00"),
        ("practical_lift", "9" * 400),
        ("split_floor", "0.9"),
        ("split_floor", "-1"),
        ("split_floor", "nan"),
    ],
)
def test_hostile_values_are_refused_beside_the_field_and_nothing_is_saved(
    owner_client, workspace, field, value
):
    response = owner_client.post(reverse("content:policy"), {**BASE, field: value})
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]  # the message sits beside that field
    assert 'class="field-error"' in response.content.decode()
    assert not WinnerPolicy.objects.filter(workspace=workspace).exclude(practical_lift=0.05).exists()
    assert not WinnerPolicy.objects.filter(workspace=workspace).exclude(split_floor=0.1).exists()


def test_a_team_that_steers_by_the_split_is_not_blocked_by_the_sample_ratio_check(owner_client, workspace):
    # a split steered toward B, as the recommendation would: uneven on purpose
    experiment = experiment_with_variants(workspace, {"A": (10_000, 500), "B": (40_000, 2600)})
    run_winner_job(workspace)
    assert WinnerDecision.objects.get(experiment=experiment).status == "sample_ratio_mismatch"
    response = owner_client.post(reverse("content:policy"), {**BASE, "steers_traffic": "on"})
    assert response.status_code == 302
    run_winner_job(workspace)
    decision = WinnerDecision.objects.get(experiment=experiment)
    assert decision.status == "winner" and decision.winner_variant == "B"
    assert decision.srm_p_value is None
    page = owner_client.get(reverse("content:experiment", kwargs={"experiment_id": experiment.id}))
    assert page.status_code == 200
