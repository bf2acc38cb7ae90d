"""The demo shows the new verdicts: one experiment settled as "no meaningful difference", and
running ones with a recommended split."""

import pytest

from content import demo
from content.models import Experiment
from content.services.winner_job import experiment_report, latest_decisions

pytestmark = pytest.mark.django_db


def test_demo_has_a_settled_no_difference_experiment_and_a_running_one_with_a_split(workspace, owner):
    demo.seed(workspace, owner)
    statuses = {d.experiment.name: d.status for d in latest_decisions(workspace)}
    assert statuses["newsletter-signup"] == "no_meaningful_difference"
    running = [name for name, status in statuses.items() if status == "no_winner"]
    assert running
    report = experiment_report(Experiment.objects.for_workspace(workspace).get(name=running[0]))
    assert report["recommended_split"] and min(report["recommended_split"].values()) >= 0.1
