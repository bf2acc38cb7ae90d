"""The dashboard's figures equal a direct recount of the raw rows, for the period and the one before."""

import random
from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from analytics.figures import dashboard_figures
from analytics.periods import period_from
from tests.feedback.factories import FeedbackEntryFactory
from tests.leads.factories import ExecutionFactory, LeadFeedbackFactory, OutcomeFactory
from tests.matching.factories import CandidateFactory, ChoiceFactory, MatchingSessionFactory

pytestmark = pytest.mark.django_db


def _figures(workspace, params):
    period = period_from(params, tz=UTC)
    return period, {f.key: f for loop in dashboard_figures(workspace, period, UTC) for f in loop["figures"]}


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
    assert figures["scoring_model"].value == "prior (no model yet)"
