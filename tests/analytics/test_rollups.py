"""The rollup refresh: idempotent, one at a time per workspace, and its triggers always in place."""

from datetime import UTC, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from analytics import rollup_triggers, rollups
from analytics.apps import install_rollup_triggers
from analytics.models import DailyRollup, RollupState, RollupTouch
from analytics.tasks import refresh_all_rollups, refresh_workspace, refresh_workspace_rollups
from leads.models import LeadFeedback, Outcome
from tests.leads.factories import ExecutionFactory, KeptLeadFactory, LeadFeedbackFactory, OutcomeFactory
from tests.workspaces.factories import WorkspaceFactory
from workspaces.locks import job_lease

pytestmark = pytest.mark.django_db


@pytest.fixture
def outcomes(workspace):
    return [
        OutcomeFactory(
            lead__workspace=workspace, won=k % 3 == 0, recorded_at=timezone.now() - timedelta(days=2 + k % 5)
        )
        for k in range(15)
    ]


def _stored(workspace):
    return sorted(
        DailyRollup.objects.filter(workspace=workspace).values_list("dataset", "day", "values"), key=str
    )


def test_writing_a_row_records_the_touched_hour(workspace, outcomes):
    hours = set(RollupTouch.objects.filter(workspace_id=workspace.id).values_list("dataset", "hour"))
    expected = {("outcomes", o.recorded_at.replace(minute=0, second=0, microsecond=0)) for o in outcomes}
    assert expected <= hours


def test_refresh_consumes_the_touches_and_sums_rows_before_the_current_hour(workspace, outcomes):
    OutcomeFactory(lead__workspace=workspace, won=True, recorded_at=timezone.now())
    rollups.refresh(workspace)
    assert not RollupTouch.objects.filter(workspace_id=workspace.id).exists()
    days = set(
        DailyRollup.objects.filter(workspace=workspace, dataset="outcomes").values_list("day", flat=True)
    )
    assert days == {o.recorded_at.date() for o in outcomes}
    assert timezone.now().date() not in days
    total = sum(
        v["n"] for v in DailyRollup.objects.filter(workspace=workspace).values_list("values", flat=True)
    )
    assert total == len(outcomes)


def test_refreshing_twice_changes_nothing(workspace, outcomes):
    now = timezone.now()
    rollups.refresh(workspace, now=now)
    first = _stored(workspace)
    again = rollups.refresh(workspace, now=now)
    assert _stored(workspace) == first
    assert again["outcomes"] == []  # nothing touched, same hour: nothing recounted
    later = rollups.refresh(workspace, now=now + timedelta(hours=1))
    assert later["outcomes"] == sorted({now.date(), (now + timedelta(hours=1)).date()})


def test_a_refresh_skips_while_another_holds_the_workspace(workspace, outcomes):
    with job_lease(f"analytics-rollups:{workspace.id}", 60) as acquired:
        assert acquired
        assert refresh_workspace(workspace) is None
        assert refresh_workspace_rollups(str(workspace.id)) is None
    assert not RollupState.objects.filter(workspace=workspace).exists()
    assert refresh_workspace(workspace) is not None


def test_the_beat_task_queues_a_refresh_per_workspace(workspace, outcomes, eager_tasks):
    assert refresh_all_rollups() == 1
    assert RollupState.objects.filter(workspace=workspace, dataset="outcomes").exists()


def test_the_beat_schedule_runs_the_refresh(settings):
    entries = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "analytics.tasks.refresh_all_rollups" in entries


def test_touches_of_deleted_workspaces_are_dropped(workspace, outcomes):
    other = WorkspaceFactory(slug="gone")
    OutcomeFactory(lead__workspace=other, won=True)
    other_id = other.id
    other.delete()  # its outcomes' delete triggers leave touches behind
    assert RollupTouch.objects.filter(workspace_id=other_id).exists()
    rollups.forget_missing_workspaces()
    assert not RollupTouch.objects.filter(workspace_id=other_id).exists()
    assert RollupTouch.objects.filter(workspace_id=workspace.id).exists()


def test_missing_triggers_are_reinstalled_and_every_rollup_recomputed(workspace, outcomes):
    rollups.refresh(workspace)
    table, name = sorted(rollup_triggers.expected_triggers())[0]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER {name} ON {table}")
        else:
            cursor.execute(f"DROP TRIGGER {name}")
    assert (table, name) not in rollup_triggers.installed_triggers()
    install_rollup_triggers(sender=None)
    assert rollup_triggers.expected_triggers() <= rollup_triggers.installed_triggers()
    assert not RollupState.objects.exists()  # counted live until the next refresh


def test_command_refreshes_one_workspace(workspace, outcomes, capsys):
    call_command("refresh_rollups", "--workspace", workspace.slug)
    assert "outcomes all days" in capsys.readouterr().out
    assert RollupState.objects.filter(workspace=workspace).count() == 4


def test_a_refresh_between_a_readers_queries_counts_nothing_twice(workspace, outcomes):
    now = timezone.now()
    for minutes in (110, 120, 130):
        OutcomeFactory(lead__workspace=workspace, won=True, recorded_at=now - timedelta(minutes=minutes))
    rollups.refresh(workspace, now=now - timedelta(hours=3))
    earlier = RollupState.objects.get(workspace=workspace, dataset="outcomes").complete_until
    rollups.refresh(workspace)
    # A reader that read the state before this refresh committed, and the rows after it.
    RollupState.objects.filter(workspace=workspace, dataset="outcomes").update(complete_until=earlier)
    first, end = now.date() - timedelta(days=10), now.date() + timedelta(days=1)
    values = rollups.daily_values(workspace, ["outcomes"], first, end, UTC)["outcomes"]
    assert values.total(first, end)["n"] == len(outcomes) + 3


def test_all_time_totals_equal_a_count_of_every_row(workspace, outcomes):
    def counted():
        rows = Outcome.objects.filter(workspace=workspace)
        return {"n": rows.count(), "hits": rows.filter(won=True).count()}

    assert rollups.all_time_totals(workspace, "outcomes") == counted()  # before any refresh
    rollups.refresh(workspace)
    assert rollups.all_time_totals(workspace, "outcomes") == counted()
    Outcome.objects.filter(pk=outcomes[0].pk).update(won=not outcomes[0].won)
    Outcome.objects.filter(pk=outcomes[1].pk).update(recorded_at=timezone.now() - timedelta(days=400))
    Outcome.objects.filter(pk=outcomes[2].pk).delete()
    OutcomeFactory(lead__workspace=workspace, won=True, recorded_at=timezone.now() + timedelta(days=2))
    assert rollups.all_time_totals(workspace, "outcomes") == counted()
    rollups.refresh(workspace)
    assert rollups.all_time_totals(workspace, "outcomes") == counted()


def test_lead_feedback_counts_the_kept_leads_only(workspace):
    """Feedback on a run's near misses is in no lead_feedback figure: refreshed, live or all time; a
    day whose only judged feedback is on near misses has no summary row."""
    execution = ExecutionFactory(recipe__workspace=workspace, recipe__agent__workspace=workspace)
    now = timezone.now()

    def judged(days_ago, useful, near_miss=False):
        lead = KeptLeadFactory(execution=execution, exploration_criterion="industry" if near_miss else "")
        row = LeadFeedbackFactory(lead=lead, useful=useful)
        LeadFeedback.objects.filter(pk=row.pk).update(created_at=now - timedelta(days=days_ago))

    for days_ago, useful in ((2, True), (2, False), (3, True)):
        judged(days_ago, useful)
    for days_ago in (2, 3, 4, 4):
        judged(days_ago, days_ago == 3, near_miss=True)
    LeadFeedbackFactory(lead__execution=execution, useful=None)  # not judged: not counted either
    kept = {
        (now - timedelta(days=2)).date(): {"n": 2, "hits": 1},
        (now - timedelta(days=3)).date(): {"n": 1, "hits": 1},
    }
    first, end = now.date() - timedelta(days=10), now.date() + timedelta(days=1)

    def shown():
        values = rollups.daily_values(workspace, ["lead_feedback"], first, end, UTC)["lead_feedback"]
        return {day: values.get(day) for day in kept}, values.total(first, end)

    assert shown() == (kept, {"n": 3, "hits": 2})  # counted live
    assert rollups.all_time_totals(workspace, "lead_feedback") == {"n": 3, "hits": 2}
    rollups.refresh(workspace)
    stored = DailyRollup.objects.filter(workspace=workspace, dataset="lead_feedback").values_list(
        "day", "values"
    )
    assert dict(stored) == kept
    assert shown() == (kept, {"n": 3, "hits": 2})
    assert rollups.all_time_totals(workspace, "lead_feedback") == {"n": 3, "hits": 2}
