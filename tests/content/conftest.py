"""The content pages' shared fixture: a decided experiment (variant A won on CTR)."""

import pytest

from content.services.winner_job import run_winner_job
from tests.content.factories import experiment_with_variants


@pytest.fixture
def decided(workspace):
    experiment = experiment_with_variants(
        workspace,
        {"primary": (20_000, 1000, 50), "A": (20_000, 1300, 70)},
        days=10,
        texts={"A": "Summer sale on trail running shoes", "primary": "Trail shoes for runners"},
    )
    run_winner_job(workspace)
    return experiment
