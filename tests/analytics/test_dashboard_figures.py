"""The dashboard's figures equal a direct recount of the raw rows, for the period and the one before,
whether they come from the raw rows or from daily rollups, and after rows change behind the rollups."""

import random
import zoneinfo
from datetime import UTC, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from analytics import rollups
from analytics.figures import dashboard_figures
from analytics.periods import period_from
from feedback.models import FeedbackEntry
from leads.models import Execution, LeadFeedback, Outcome
from matching.models import Choice, MatchingSession
from tests.feedback.factories import FeedbackEntryFactory
from tests.leads.factories import ExecutionFactory, KeptLeadFactory, LeadFeedbackFactory, OutcomeFactory
from tests.matching.factories import CandidateFactory, ChoiceFactory, MatchingSessionFactory

pytestmark = pytest.mark.django_db


def _figures(workspace, params, tz=UTC):
    period = period_from(params, tz=tz)
    return period, {f.key: f for loop in dashboard_figures(workspace, period, tz) for f in loop["figures"]}


def _at(days_ago):
    return timezone.now() - timedelta(days=days_ago, hours=1)


@pytest.fixture
def activity(workspace):
    rng = random.Random(7)
    rows = {"executions": [], "feedback": [], "outcomes": [], "entries": [], "sessions": []}
    for _ in range(25):
        ago = rng.randrange(0, 20)
        execution = ExecutionFactory(
            recipe__workspace=workspace,
            recipe__agent__workspace=workspace,
            leads_generated=rng.randrange(0, 50),
            leads_kept=rng.randrange(0, 5),
            created_at=_at(ago),
        )
        rows["executions"].append(execution)
        feedback = LeadFeedbackFactory(
            lead__execution=execution, useful=rng.random() < 0.4, created_at=_at(ago)
        )
        rows["feedback"].append(feedback)
        rows["outcomes"].append(
            OutcomeFactory(lead__workspace=workspace, won=rng.random() < 0.3, recorded_at=_at(ago))
        )
        rows["entries"].append(
            FeedbackEntryFactory(
                workspace=workspace, rating=rng.randrange(1, 6), thumbs=0, created_at=_at(ago)
            )
        )
        session = MatchingSessionFactory(workspace=workspace, created_at=_at(ago))
        rows["sessions"].append(session)
        if rng.random() < 0.7:
            ChoiceFactory(
                workspace=workspace,
                session=session,
                candidate=CandidateFactory(workspace=workspace),
                chosen_rank=rng.randrange(1, 4),
            )
    return rows


def _in(rows, period, attribute="created_at"):
    return [r for r in rows if period.start <= getattr(r, attribute) < period.end]


def test_figures_equal_a_recount_of_the_rows(workspace, activity):
    for params in ({"days": "7"}, {"days": "30"}):
        period, figures = _figures(workspace, params)
        executions = _in(activity["executions"], period)
        assert figures["leads_generated"].value == sum(e.leads_generated for e in executions)
        assert figures["leads_generated"].n == len(executions)
        assert figures["leads_kept"].value == sum(e.leads_kept for e in executions)

        feedback = _in(activity["feedback"], period)
        assert figures["useful_rate"].n == len(feedback)
        if feedback:
            assert figures["useful_rate"].value == pytest.approx(
                sum(f.useful for f in feedback) / len(feedback)
            )

        outcomes = _in(activity["outcomes"], period, "recorded_at")
        assert figures["conversion_rate"].n == len(outcomes)
        assert figures["conversion_rate"].value == pytest.approx(sum(o.won for o in outcomes) / len(outcomes))

        entries = _in(activity["entries"], period)
        assert figures["output_success_rate"].n == len(entries)
        assert figures["output_success_rate"].value == pytest.approx(
            sum(e.rating >= 4 for e in entries) / len(entries)
        )

        sessions = _in(activity["sessions"], period)
        chosen = [s for s in sessions if hasattr(s, "choice")]
        assert figures["matching_conversion"].n == len(sessions)
        assert figures["matching_conversion"].value == pytest.approx(len(chosen) / len(sessions))
        ranks = [s.choice.chosen_rank for s in chosen]
        assert figures["mean_chosen_rank"].value == pytest.approx(sum(ranks) / len(ranks))


def test_previous_period_and_change_are_from_the_period_before(workspace, activity):
    period, figures = _figures(workspace, {"days": "7"})
    before = _in(activity["executions"], period.previous)
    figure = figures["leads_generated"]
    assert figure.previous == sum(e.leads_generated for e in before)


def test_rates_carry_a_wilson_interval_around_the_value(workspace, activity):
    _, figures = _figures(workspace, {"days": "30"})
    figure = figures["useful_rate"]
    assert figure.low <= figure.value <= figure.high


def test_trend_sums_to_the_period_total(workspace, activity):
    _, figures = _figures(workspace, {"days": "30"})
    figure = figures["leads_generated"]
    assert len(figure.trend) == 30
    assert sum(point["v"] for point in figure.trend) == figure.value


def test_empty_workspace_shows_no_data_not_errors(workspace):
    _, figures = _figures(workspace, {"days": "30"})
    assert figures["useful_rate"].value is None
    assert figures["useful_rate"].display == "–"
    assert figures["leads_generated"].value == 0
    assert figures["scoring_model"].value == "No model yet: scores use the prior"


# --- a recount from the raw rows, in Python -------------------------------------------------


def _raw_rows(workspace):
    """Every row the figures count, read fresh from the database (as it is now)."""

    def success(entry):
        return entry.rating >= settings.FEEDBACK_SUCCESS_MIN_RATING or (
            settings.FEEDBACK_THUMBS_UP_COUNTS and entry.thumbs == 1
        )

    sessions = []
    for session in MatchingSession.objects.filter(workspace=workspace, imported=False).select_related(
        "choice"
    ):
        choice = getattr(session, "choice", None)
        sessions.append((session.created_at, choice is not None and choice.candidate_id is not None, choice))
    return {
        "executions": [
            (e.created_at, e.leads_generated, e.leads_kept)
            for e in Execution.objects.filter(workspace=workspace)
        ],
        "feedback": [
            (f.created_at, f.useful)
            for f in LeadFeedback.objects.filter(workspace=workspace, useful__isnull=False)
        ],
        "outcomes": [(o.recorded_at, o.won) for o in Outcome.objects.filter(workspace=workspace)],
        "entries": [(e.created_at, success(e)) for e in FeedbackEntry.objects.filter(workspace=workspace)],
        "sessions": sessions,
        "ranks": [
            (at, choice.chosen_rank)
            for at, _, choice in sessions
            if choice and choice.chosen_rank is not None
        ],
    }


def _bucket(moment, period, tz):
    day = moment.astimezone(tz).date()
    return day if period.bucket == "day" else day - timedelta(days=day.weekday())


def _recount(rows, period, tz, value):
    """{"value", "previous", "n", "trend": {bucket: value}} of ``value(list of rows)``."""

    def within(p):
        return [r for r in rows if p.start <= r[0] < p.end]

    current = within(period)
    buckets = {}
    for row in current:
        buckets.setdefault(_bucket(row[0], period, tz), []).append(row)
    return {
        "value": value(current),
        "previous": value(within(period.previous)),
        "n": len(current),
        "trend": {day.isoformat(): value(members) for day, members in buckets.items()},
    }


def _rate(rows):
    return sum(1 for r in rows if r[1]) / len(rows) if rows else None


def _mean(rows):
    return sum(r[1] for r in rows) / len(rows) if rows else None


def _assert_figures_equal_a_recount(workspace, tz=UTC):
    rows = _raw_rows(workspace)
    for params in ({"days": "7"}, {"days": "30"}, {"days": "90"}):
        period, figures = _figures(workspace, params, tz)
        expected = {
            "leads_generated": _recount(rows["executions"], period, tz, lambda rs: sum(r[1] for r in rs)),
            "leads_kept": _recount(
                [(r[0], r[2]) for r in rows["executions"]], period, tz, lambda rs: sum(r[1] for r in rs)
            ),
            "useful_rate": _recount(rows["feedback"], period, tz, _rate),
            "conversion_rate": _recount(rows["outcomes"], period, tz, _rate),
            "output_success_rate": _recount(rows["entries"], period, tz, _rate),
            "matching_conversion": _recount(rows["sessions"], period, tz, _rate),
            "mean_chosen_rank": _recount(rows["ranks"], period, tz, _mean),
        }
        for key, want in expected.items():
            figure = figures[key]
            where = f"{key} over {params}"
            assert figure.value == pytest.approx(want["value"]), where
            assert figure.previous == pytest.approx(want["previous"]), where
            assert figure.n == pytest.approx(want["n"] if key != "leads_kept" else figure.n), where
            trend = {point["t"]: point["v"] for point in figure.trend}
            for bucket, value in want["trend"].items():
                assert trend[bucket] == pytest.approx(value), f"{where}, bucket {bucket}"
            empty = 0 if figure.kind == "count" else None
            assert all(v == empty for t, v in trend.items() if t not in want["trend"]), where


def _closed(rows, attribute="created_at", days=2):
    """Rows dated on a closed day (so their day is rolled up), oldest first."""
    limit = timezone.now() - timedelta(days=days)
    return sorted((r for r in rows if getattr(r, attribute) < limit), key=lambda r: getattr(r, attribute))


def test_figures_from_rollups_equal_a_recount(workspace, activity):
    rollups.refresh(workspace)
    _assert_figures_equal_a_recount(workspace)
    period = period_from({"days": "30"}, tz=UTC)
    first, end = rollups.day_range(period.previous, UTC)[0], rollups.day_range(period, UTC)[1]
    values = rollups.daily_values(workspace, ["lead_feedback", "outcomes"], first, end, UTC)
    # Only the rows since the refresh's cutoff (the start of the current hour) are counted from the
    # raw rows; every earlier hour comes from the summary rows.
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    assert values["lead_feedback"].live == [[hour, rollups.day_start(end, UTC)]]


def _flip_useful(activity):
    feedback = _closed(activity["feedback"])[0]
    feedback.useful = not feedback.useful
    feedback.save()


def _outcome_won_to_lost_in_bulk(activity):
    won = [o.pk for o in _closed(activity["outcomes"], "recorded_at") if o.won]
    Outcome.objects.filter(pk__in=won[:3]).update(won=False)


def _outcome_moved_to_another_day(activity):
    moved = _closed(activity["outcomes"], "recorded_at")[:4]
    for outcome in moved:
        outcome.recorded_at -= timedelta(days=3)
    Outcome.objects.bulk_update(moved, ["recorded_at"])


def _rows_deleted(activity):
    LeadFeedback.objects.filter(pk__in=[f.pk for f in _closed(activity["feedback"])[:3]]).delete()
    MatchingSession.objects.filter(pk__in=[s.pk for s in _closed(activity["sessions"])[:3]]).delete()


def _choice_changed(activity):
    sessions = [s.pk for s in _closed(activity["sessions"])]
    choices = Choice.objects.filter(session__in=sessions)
    first = choices.first()
    choices.exclude(pk=first.pk).filter(candidate__isnull=False)[:1].get().delete()
    Choice.objects.filter(pk=first.pk).update(candidate=None, chosen_rank=9)


def _backdated_rows_added_in_bulk(activity):
    execution = activity["executions"][0]
    leads = [KeptLeadFactory(execution=execution, workspace=execution.workspace) for _ in range(3)]
    LeadFeedback.objects.bulk_create(
        LeadFeedback(
            workspace=execution.workspace,
            lead=lead,
            execution=execution,
            useful=True,
            created_at=timezone.now() - timedelta(days=9 + k),
        )
        for k, lead in enumerate(leads)
    )


def _feedback_given_now(activity):
    execution = activity["executions"][0]
    LeadFeedbackFactory(lead__execution=execution, useful=True)
    LeadFeedbackFactory(lead__execution=execution, useful=True)


def _outcome_recorded_earlier_today(activity):
    start_of_hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    workspace = activity["executions"][0].workspace
    for minutes in (1, 2, 3):
        OutcomeFactory(
            lead__workspace=workspace, won=True, recorded_at=start_of_hour - timedelta(minutes=minutes)
        )


def _raw_sql_update(activity):
    entry = _closed(activity["entries"])[0]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {FeedbackEntry._meta.db_table} SET rating = 6 - rating WHERE id = %s",
            [entry.pk.hex if connection.vendor == "sqlite" else entry.pk],
        )


CHANGES = {
    "useful flipped": _flip_useful,
    "outcome won to lost by QuerySet.update": _outcome_won_to_lost_in_bulk,
    "outcome recorded_at moved by bulk_update": _outcome_moved_to_another_day,
    "feedback and sessions deleted": _rows_deleted,
    "choice deleted or emptied": _choice_changed,
    "backdated feedback bulk-created": _backdated_rows_added_in_bulk,
    "rating changed by raw SQL": _raw_sql_update,
    "feedback given after the refresh": _feedback_given_now,
    "outcomes dated in an hour already rolled up today": _outcome_recorded_earlier_today,
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_figures_equal_a_recount_after_rows_change_behind_the_rollups(workspace, activity, change):
    rollups.refresh(workspace)
    before = _figures(workspace, {"days": "30"})[1]
    CHANGES[change](activity)
    _assert_figures_equal_a_recount(workspace)  # touched days counted live
    rollups.refresh(workspace)
    _assert_figures_equal_a_recount(workspace)  # touched days rolled up again
    after = _figures(workspace, {"days": "30"})[1]

    def shown(figure):
        return (figure.value, figure.previous, figure.n, figure.trend)

    assert any(shown(before[key]) != shown(after[key]) for key in before), (
        "the change should move some figure"
    )


def test_time_zone_change_counts_live_until_the_rollups_follow(workspace, activity):
    rollups.refresh(workspace)
    workspace.timezone = "Asia/Kathmandu"  # +05:45: local days do not start on a UTC hour
    workspace.save()
    tz = zoneinfo.ZoneInfo(workspace.timezone)
    _assert_figures_equal_a_recount(workspace, tz)
    rollups.refresh(workspace)
    _assert_figures_equal_a_recount(workspace, tz)
    period = period_from({"days": "30"}, tz=tz)
    first, end = rollups.day_range(period, tz)
    assert len(rollups.daily_values(workspace, ["outcomes"], first, end, tz)["outcomes"].live) == 1


def test_changed_success_rule_counts_live_until_recomputed(workspace, activity):
    rollups.refresh(workspace)
    with override_settings(FEEDBACK_SUCCESS_MIN_RATING=5, FEEDBACK_THUMBS_UP_COUNTS=False):
        _assert_figures_equal_a_recount(workspace)
        rollups.refresh(workspace)
        _assert_figures_equal_a_recount(workspace)
