"""A retraining whose task was lost (broker down) is sent again; a duplicate does nothing."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from leads.models import ScoringModelVersion, ScoringSettings
from leads.services.scoring.retraining_queue import request_retraining
from leads.tasks.scoring import resend_pending_retrainings, retrain_workspace
from workspaces.locks import acquire_lease

pytestmark = pytest.mark.django_db


def _pending(workspace, minutes_ago):
    ScoringSettings.objects.update_or_create(
        workspace=workspace,
        defaults={
            "retrain_pending": True,
            "retrain_queued_at": timezone.now() - timedelta(minutes=minutes_ago),
        },
    )


def test_stale_pending_retraining_is_sent_again(workspace):
    _pending(workspace, minutes_ago=10)
    with mock.patch("leads.tasks.scoring.retrain_workspace.delay") as delay:
        assert resend_pending_retrainings(older_than_seconds=300) == 1
    delay.assert_called_once_with(str(workspace.id), "resent")


def test_recent_pending_retraining_is_left_alone(workspace):
    _pending(workspace, minutes_ago=1)
    with mock.patch("leads.tasks.scoring.retrain_workspace.delay") as delay:
        assert resend_pending_retrainings(older_than_seconds=300) == 0
    delay.assert_not_called()


def test_running_retraining_is_not_sent_again(workspace):
    _pending(workspace, minutes_ago=10)
    acquire_lease(f"retrain:{workspace.id}", 600)
    with mock.patch("leads.tasks.scoring.retrain_workspace.delay") as delay:
        assert resend_pending_retrainings(older_than_seconds=300) == 0
    delay.assert_not_called()


def test_broker_outage_does_not_fail_the_request_that_queued_it(
    workspace, django_capture_on_commit_callbacks
):
    with mock.patch(
        "leads.tasks.scoring.retrain_workspace.delay", side_effect=ConnectionError("broker down")
    ):
        with django_capture_on_commit_callbacks(execute=True):
            assert request_retraining(workspace) is True
    assert ScoringSettings.objects.get(workspace=workspace).retrain_pending is True


def test_task_does_nothing_when_no_retraining_is_pending(workspace):
    ScoringSettings.objects.create(workspace=workspace, retrain_pending=False)
    assert retrain_workspace.apply(args=[str(workspace.id), "resent"]).get() == "nothing pending"
    assert not ScoringModelVersion.objects.filter(workspace=workspace).exists()
