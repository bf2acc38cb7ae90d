"""The winner job: decisions with figures, stored winners, idempotence, schedule, lease."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from content import tasks
from content import winners as rule
from content.models import WinnerDecision, WinnerPolicy, WinnerRun, WinningCopy
from content.services.winner_job import run_winner_job, workspaces_due
from content.tasks import decide_workspace_winners
from tests.content.factories import BrandFactory, PostFactory, experiment_with_variants
from tests.workspaces.factories import WorkspaceFactory
from workspaces.locks import job_lease

pytestmark = pytest.mark.django_db


def clear_winner(workspace, **kwargs):
    return experiment_with_variants(workspace, {"primary": (20_000, 1000), "A": (20_000, 1300)}, **kwargs)


def test_clear_winner_is_decided_stored_and_embedded(workspace):
    experiment = clear_winner(workspace)
    run = run_winner_job(workspace)
    assert run.status == "done"
    assert run.stats == {
        "brands_processed": 1,
        "experiments_processed": 1,
        "winners_identified": 1,
        "errors": 0,
    }
    decision = WinnerDecision.objects.get(experiment=experiment)
    assert decision.winner_variant == "A"
    assert decision.prob_best["A"] > 0.99
    assert decision.figures[1]["expected_loss"] is not None
    winner = WinningCopy.objects.get()
    assert winner.variant == "A" and winner.post == decision.winner_post
    assert winner.embedding_backend == "lexical"
    assert len(bytes(winner.embedding)) == 4 * winner.embedding_dimension
    assert winner.ctr_low < 0.065 < winner.ctr_high


def test_close_variants_get_no_winner_with_what_is_missing(workspace):
    experiment = experiment_with_variants(workspace, {"A": (1500, 75), "B": (1500, 80)})
    run = run_winner_job(workspace)
    decision = WinnerDecision.objects.get(experiment=experiment)
    assert run.winners_identified == 0
    assert decision.winner_variant == ""
    assert "No winner yet" in decision.reason
    assert not WinningCopy.objects.exists()


def test_too_few_impressions_say_how_many_more(workspace):
    experiment = experiment_with_variants(workspace, {"A": (300, 30), "B": (300, 3)})
    run_winner_job(workspace)
    decision = WinnerDecision.objects.get(experiment=experiment)
    assert decision.needs_more_impressions == 700
    assert "needs about 700 more impressions per variant" in decision.reason


def test_sample_ratio_mismatch_blocks_the_winner(workspace):
    experiment = experiment_with_variants(workspace, {"A": (30_000, 1500), "B": (20_000, 1400)})
    run_winner_job(workspace)
    decision = WinnerDecision.objects.get(experiment=experiment)
    assert decision.srm_flagged and decision.winner_variant == ""
    assert "impression split" in decision.reason


def test_workspace_metric_setting_is_used(workspace):
    experiment = experiment_with_variants(workspace, {"A": (20_000, 1000, 30), "B": (20_000, 1000, 90)})
    WinnerPolicy.objects.create(workspace=workspace, metric="conversion_rate")
    run_winner_job(workspace)
    decision = WinnerDecision.objects.get(experiment=experiment)
    assert decision.metric == "conversion_rate" and decision.winner_variant == "B"


def test_running_twice_changes_nothing(workspace):
    clear_winner(workspace)
    run_winner_job(workspace)
    first = list(WinnerDecision.objects.values("winner_variant", "reason", "figures"))
    winner = WinningCopy.objects.get()
    second = run_winner_job(workspace)
    assert second.winners_identified == 1
    assert list(WinnerDecision.objects.values("winner_variant", "reason", "figures")) == first
    again = WinningCopy.objects.get()
    assert again.pk == winner.pk and again.updated_at == winner.updated_at


def test_nightly_run_is_skipped_once_done_for_the_night(workspace):
    clear_winner(workspace)
    assert run_winner_job(workspace, trigger="schedule").status == "done"
    second = run_winner_job(workspace, trigger="schedule")
    assert second.status == "skipped"
    assert "already been done" in second.error_messages[0]


def test_run_is_skipped_while_another_holds_the_lease(workspace):
    with job_lease(f"content-winners:{workspace.id}", 60) as acquired:
        assert acquired
        run = run_winner_job(workspace)
    assert run.status == "skipped"
    assert "in progress" in run.error_messages[0]


def test_new_winner_of_an_experiment_replaces_the_old_one_in_the_store(workspace):
    experiment = clear_winner(workspace)
    run_winner_job(workspace)
    b = experiment.posts.get(variant="primary")
    b.metrics.update(clicks=1700)  # primary now clearly better
    run_winner_job(workspace)
    current = WinningCopy.objects.get(is_current=True)
    assert current.variant == "primary"
    assert WinningCopy.objects.filter(is_current=False).count() == 1


def test_each_brand_is_processed(workspace):
    clear_winner(workspace)
    clear_winner(workspace, brand=BrandFactory(workspace=workspace, name="Second"))
    run = run_winner_job(workspace)
    assert run.brands_processed == 2 and run.winners_identified == 2


def test_workspaces_are_due_at_two_in_their_own_time_zone():
    tokyo = WorkspaceFactory(timezone="Asia/Tokyo")
    london = WorkspaceFactory(timezone="Europe/London")
    now = dt.datetime(2026, 1, 15, 17, 5, tzinfo=ZoneInfo("UTC"))  # 02:05 in Tokyo
    assert workspaces_due([tokyo, london], now=now) == [tokyo]


def test_beat_task_queues_only_due_workspaces(workspace, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.decide_workspace_winners, "delay", lambda *a: queued.append(a))
    monkeypatch.setattr("content.services.winner_job.workspaces_due", lambda ws, hour=2: [workspace])
    assert tasks.run_nightly_winners() == 1
    assert queued == [(str(workspace.id), None, "schedule")]


def test_task_runs_a_queued_run_once(workspace):
    clear_winner(workspace)
    run = WinnerRun.objects.create(workspace=workspace, trigger="manual", run_date=dt.date.today())
    decide_workspace_winners(str(workspace.id), str(run.id))
    run.refresh_from_db()
    assert run.status == "done" and run.winners_identified == 1
    decide_workspace_winners(str(workspace.id), str(run.id))  # redelivered: nothing new
    assert WinnerRun.objects.count() == 1


def test_a_variant_without_metrics_yet_blocks_the_winner(workspace):
    experiment = clear_winner(workspace)
    PostFactory(experiment=experiment, variant="B", text="Not measured yet")
    run_winner_job(workspace)
    decision = WinnerDecision.objects.get(experiment=experiment)
    assert decision.winner_variant == ""
    assert "B below" in decision.reason


def test_a_failing_experiment_is_counted_and_the_others_still_decided(workspace, monkeypatch):
    good = clear_winner(workspace, name="good")
    clear_winner(workspace, name="broken")
    real = rule.decide_winner

    def flaky(counts, **kwargs):
        if kwargs["seed"] != good.id.int % (2**32):
            raise ValueError("bad figures")
        return real(counts, **kwargs)

    monkeypatch.setattr(rule, "decide_winner", flaky)
    run = run_winner_job(workspace)
    assert run.status == "done"
    assert (run.experiments_processed, run.winners_identified, run.errors) == (2, 1, 1)
    assert "bad figures" in run.error_messages[0]
