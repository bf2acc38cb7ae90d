"""Recency as dates: imports of both forms and bad dates, days counted at scoring time, the nightly
rescoring that makes a quiet lead decay in its score history."""

import datetime as dt

import pytest
from django.utils import timezone

from leads.models import Lead, LeadScore
from leads.services.call_list import rescore_open_leads
from leads.services.imports.importing import import_leads
from leads.services.scoring.records import lead_records
from leads.tasks.call_list import rescore_open_leads_nightly
from tests.leads.factories import CrmLeadFactory, OutcomeFactory

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def _lead(workspace, external_id):
    return Lead.objects.get(workspace=workspace, external_id=external_id)


def test_import_accepts_dates_and_the_old_days_number(workspace):
    before = timezone.now()
    csv = (
        "lead_id,last_contact_date,last_engagement_at,days_since_contact\n"
        "A,2026-03-01,2026-03-04T09:30:00+01:00,\n"
        "B,,,12\n"
        "C,2026-02-01,,40\n"
    )
    result = import_leads(workspace, csv.encode(), "lead_id")
    assert (result.created, result.error_count) == (3, 0)
    a, b, c = (_lead(workspace, x) for x in "ABC")
    assert a.last_contact_at == dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    assert a.last_engagement_at == dt.datetime(2026, 3, 4, 8, 30, tzinfo=dt.UTC)
    # The number becomes the date it means at the import time; the number is kept too.
    assert before - 12 * DAY <= b.last_contact_at <= timezone.now() - 12 * DAY
    assert b.days_since_contact == 12
    # A row with both keeps its date.
    assert c.last_contact_at == dt.datetime(2026, 2, 1, tzinfo=dt.UTC)


def test_importing_the_same_days_again_leaves_the_date_alone(workspace):
    import_leads(workspace, b"lead_id,days_since_contact\nA,12\n", "lead_id")
    first = _lead(workspace, "A").last_contact_at
    again = import_leads(workspace, b"lead_id,days_since_contact\nA,12\n", "lead_id")
    assert (again.updated, again.unchanged) == (0, 1)
    assert _lead(workspace, "A").last_contact_at == first
    import_leads(workspace, b"lead_id,days_since_contact\nA,3\n", "lead_id")
    assert _lead(workspace, "A").last_contact_at > first


@pytest.mark.parametrize(
    "value, reason",
    [
        ("0001-01-01", "is before 1970"),
        ("9999-12-31", "is in the future"),
        ("2026-02-30", "is not a date like 2026-03-01"),
        ("yesterday", "is not a date like 2026-03-01"),
        ("2026-03-01 garbage", "is not a date like 2026-03-01"),
        ("-5", "is not a date like 2026-03-01"),
        ("2" * 5000, "is not a date like 2026-03-01"),
        ("NaN", "is not a date like 2026-03-01"),
    ],
)
def test_bad_dates_are_row_errors_naming_the_column(workspace, value, reason):
    csv = f"lead_id,last_contact_at,industry\nA,{value},Retail\nB,2026-01-05,Retail\n"
    result = import_leads(workspace, csv.encode(), "lead_id")
    assert result.created == 1 and result.error_count == 1
    line, column, message = result.errors[0]
    assert (line, column) == (2, "last_contact_at") and reason in message
    assert not Lead.objects.filter(external_id="A").exists()


def test_all_or_nothing_import_with_a_bad_date_writes_nothing(workspace):
    csv = b"lead_id,last_engagement_at\nA,2026-01-05\nB,1/2/2026\n"
    result = import_leads(workspace, csv, "lead_id", all_or_nothing=True)
    assert result.refused and result.errors[0][1] == "last_engagement_at"
    assert not Lead.objects.filter(workspace=workspace).exists()


def test_days_since_are_counted_when_scoring_from_the_dates(workspace):
    now = timezone.now()
    lead = CrmLeadFactory(
        workspace=workspace,
        days_since_contact=2,
        last_contact_at=now - 10 * DAY,
        last_engagement_at=now - 3 * DAY,
    )
    [record] = lead_records([lead], now)
    assert (record["days_since_contact"], record["days_since_engagement"]) == (10, 3)
    [later] = lead_records([lead], now + 30 * DAY)
    assert (later["days_since_contact"], later["days_since_engagement"]) == (40, 33)
    # Without dates: the stored number, and no engagement column at all.
    plain = CrmLeadFactory(workspace=workspace, days_since_contact=7)
    [record] = lead_records([plain], now)
    assert record["days_since_contact"] == 7 and "days_since_engagement" not in record


def test_a_training_row_counts_days_up_to_its_outcome(workspace):
    now = timezone.now()
    lead = CrmLeadFactory(workspace=workspace, last_contact_at=now - 50 * DAY)
    outcome = OutcomeFactory(lead=lead, workspace=workspace, recorded_at=now - 45 * DAY)
    [record] = lead_records([outcome.lead], now)  # the lead reached from its outcome
    assert record["days_since_contact"] == 5


def test_nightly_rescoring_makes_a_quiet_lead_decay(workspace, owner_client, eager_tasks):
    now = timezone.now()
    quiet = CrmLeadFactory(workspace=workspace, last_contact_at=now - 1 * DAY, email_opens=20)
    decided = CrmLeadFactory(workspace=workspace, last_contact_at=now - 1 * DAY)
    OutcomeFactory(lead=decided, workspace=workspace)
    assert rescore_open_leads(workspace, now)["scores_stored"] == 1
    # Nothing moved: the next run stores nothing.
    assert rescore_open_leads(workspace, now)["scores_stored"] == 0
    for night in (20, 40, 60):
        rescore_open_leads(workspace, now + night * DAY)
    history = list(
        LeadScore.objects.filter(lead=quiet).order_by("created_at").values_list("probability", flat=True)
    )
    assert len(history) == 4 and history == sorted(history, reverse=True) and history[0] - history[-1] > 0.05
    assert not LeadScore.objects.filter(lead=decided).exists()
    assert all(s.factors for s in LeadScore.objects.filter(lead=quiet))
    # The beat task runs the same for every workspace with open leads.
    assert rescore_open_leads_nightly.delay().get() == 1
    page = owner_client.get(f"/leads/{quiet.id}/").content.decode()
    assert "Last contact" in page and "drifts down here" in page and 'data-chart="score-history"' in page


def test_the_nightly_task_is_on_the_beat_schedule(settings):
    entries = [
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"].endswith("rescore_open_leads_nightly")
    ]
    assert len(entries) == 1
