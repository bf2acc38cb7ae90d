"""With a real worker: choices -> the learning task -> new weights change the ranking."""

import numpy as np
import pytest

from matching.models import Choice, WeightVersion
from matching.services.sessions import record_choice, start_session
from tests.matching.factories import provider_workspace


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_choices_train_new_weights_that_change_the_ranking(live_worker, workspace, settings):
    settings.MATCHING_LEARN_DEBOUNCE_SECONDS = 0
    settings.MATCHING_MIN_SEGMENT_SESSIONS = 30
    provider_workspace(workspace, 6)
    before = start_session(workspace)
    assert before.weights_source == "defaults"
    assert before.recommendations.get(rank=1).candidate.name == "Provider A"
    # 40 customers who only look at price pick the cheapest or nearly so
    rng = np.random.default_rng(0)
    sessions = [start_session(workspace) for _ in range(40)]
    for session in sessions[:-1]:
        recs = list(session.recommendations.all())
        prices = np.array([r.factor_values["price"] for r in recs]) + rng.normal(0, 8, len(recs))
        Choice.objects.create(
            workspace=workspace, session=session, candidate=recs[int(np.argmin(prices))].candidate
        )
    last = sessions[-1]
    cheapest = min(last.recommendations.all(), key=lambda r: r.factor_values["price"])
    record_choice(workspace, last, candidate_id=cheapest.candidate_id)  # queues learn_weights

    version = live_worker.wait_for(
        lambda: WeightVersion.objects.for_workspace(workspace).first(), timeout=90, message="learned weights"
    )
    assert version.n_sessions == 40
    after = start_session(workspace)
    assert after.weights_version == version
    assert after.recommendations.get(rank=1).candidate.name == "Provider D"  # the cheapest
