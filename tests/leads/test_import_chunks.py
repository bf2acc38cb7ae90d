"""CSV import of files larger than one chunk: exact error rows across chunks, upserts of leads that
are already there, re-imports that change and count nothing, the retraining threshold."""

import threading

import pytest
from django.db import connections

from leads.models import Lead, Outcome, OutcomeSource, ScoringSettings
from leads.services.imports import importing
from leads.services.imports.importing import import_leads
from leads.services.scoring.settings import scoring_settings

pytestmark = pytest.mark.django_db

HEADER = "crm_id,name,email,Email Opens,engagement_score,plan,converted\n"


def _line(i, opens=None, score="0.5", won=None):
    opens = i % 7 if opens is None else opens
    won = ("yes" if i % 3 == 0 else "no") if won is None else won
    return f"L-{i},Lead {i},lead{i}@example.com,{opens},{score},plan-{i % 4},{won}\n"


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(importing, "CHUNK", 40)


def _file(n, bad):
    """n leads; the data rows in `bad` (1-based) carry one bad value each."""
    lines = [HEADER]
    for i in range(1, n + 1):
        if i in bad:
            lines.append(_line(i, opens=bad[i][0], score=bad[i][1]))
        else:
            lines.append(_line(i))
    return "".join(lines).encode()


def test_bad_rows_in_several_chunks_are_reported_on_their_exact_lines(workspace, small_chunks):
    bad = {
        1: ("lots", "0.5"),  # first row of the first chunk
        40: ("1", "nan"),  # last row of the first chunk
        41: ("inf", "0.5"),  # first row of the second chunk
        97: ("99999999999", "0.5"),
        150: ("-3", "1.5"),  # two bad values: both reported
    }
    progress = []
    result = import_leads(
        workspace,
        _file(150, bad),
        "crm_id",
        "converted",
        "yes",
        progress=lambda r: progress.append((r.rows, r.created)),
    )
    assert result.errors == [
        (2, "Email Opens", "'lots' is not a whole number"),
        (41, "engagement_score", "'nan' is not between 0 and 1"),
        (42, "Email Opens", "'inf' is not a whole number from 0 up"),
        (98, "Email Opens", "'99999999999' is not a whole number from 0 up"),
        (151, "Email Opens", "'-3' is not a whole number from 0 up"),
        (151, "engagement_score", "'1.5' is not between 0 and 1"),
    ]
    assert (result.rows, result.created, result.error_count) == (150, 145, 6)
    ids = set(Lead.objects.filter(workspace=workspace).values_list("external_id", flat=True))
    assert ids == {f"L-{i}" for i in range(1, 151) if i not in bad}
    assert Outcome.objects.filter(workspace=workspace).count() == 145
    # Progress after each written chunk of 40 good rows, and once more at the end.
    assert [created for _, created in progress] == [40, 80, 120, 145]
    assert progress[-1][0] == 150

    lead = Lead.objects.get(workspace=workspace, external_id="L-42")
    assert (lead.name, lead.email, lead.email_opens, lead.engagement_score) == (
        "Lead 42",
        "lead42@example.com",
        0,
        0.5,
    )
    assert lead.attributes == {"plan": "plan-2"}
    assert Outcome.objects.get(lead=lead).won is True and lead.outcome.source == OutcomeSource.IMPORT


def test_reimporting_a_multi_chunk_file_changes_and_counts_nothing(workspace, small_chunks):
    data = _file(130, {7: ("x", "0.5"), 77: ("1", "2")})
    first = import_leads(workspace, data, "crm_id", "converted", "yes")
    assert (first.created, first.outcomes) == (128, 128)
    before = {
        lead.external_id: (lead.id, lead.updated_at) for lead in Lead.objects.filter(workspace=workspace)
    }
    outcomes_before = set(Outcome.objects.values_list("id", "recorded_at"))
    assert ScoringSettings.objects.get(workspace=workspace).outcomes_since_training == 128

    again = import_leads(workspace, data, "crm_id", "converted", "yes")

    assert (again.created, again.updated, again.unchanged, again.outcomes) == (0, 0, 128, 0)
    assert again.errors == first.errors
    after = {
        lead.external_id: (lead.id, lead.updated_at) for lead in Lead.objects.filter(workspace=workspace)
    }
    assert after == before
    assert set(Outcome.objects.values_list("id", "recorded_at")) == outcomes_before
    assert ScoringSettings.objects.get(workspace=workspace).outcomes_since_training == 128


def test_existing_leads_are_updated_in_place_and_changed_outcomes_count_once(workspace, small_chunks):
    import_leads(workspace, _file(60, {}), "crm_id", "converted", "yes")
    kept = Lead.objects.get(workspace=workspace, external_id="L-5")
    Lead.objects.filter(pk=kept.pk).update(company="Acme", attributes={"plan": "plan-1", "region": "EU"})
    settings_row = ScoringSettings.objects.get(workspace=workspace)
    assert settings_row.outcomes_since_training == 60

    # L-5: new opens, a plan change and its outcome flipped; L-6: outcome flipped only;
    # L-61: a new lead; every other row as before. The file has no company column.
    lines = [HEADER]
    for i in range(1, 62):
        if i == 5:
            lines.append(_line(i, opens=99, won="yes" if i % 3 else "no").replace("plan-1", "plan-9"))
        elif i == 6:
            lines.append(_line(i, won="no"))
        else:
            lines.append(_line(i))
    result = import_leads(workspace, "".join(lines).encode(), "crm_id", "converted", "yes")

    assert (result.created, result.updated, result.unchanged, result.outcomes) == (1, 1, 59, 3)
    assert Lead.objects.filter(workspace=workspace).count() == 61
    lead = Lead.objects.get(pk=kept.pk)
    assert lead.email_opens == 99 and lead.name == "Lead 5"
    assert lead.company == "Acme"  # not in the file: left as it was
    assert lead.attributes == {"plan": "plan-9", "region": "EU"}  # merged, not replaced
    assert lead.updated_at > kept.updated_at
    assert Outcome.objects.get(lead=lead).won is True
    assert Outcome.objects.get(lead__external_id="L-6").won is False
    assert Outcome.objects.filter(workspace=workspace).count() == 61
    assert ScoringSettings.objects.get(workspace=workspace).outcomes_since_training == 63


def test_lead_ids_with_quotes_commas_and_braces_are_found_again(workspace):
    ids = ['a,"b"', "{c}", "d\\e", "ünï cødé", "x'y", "NULL"]
    data = "crm_id,industry\n" + "".join('"' + value.replace('"', '""') + '",Retail\n' for value in ids)
    assert import_leads(workspace, data.encode(), "crm_id").created == len(ids)
    again = import_leads(workspace, data.encode(), "crm_id")
    assert (again.created, again.unchanged) == (0, len(ids))
    assert set(Lead.objects.values_list("external_id", flat=True)) == set(ids)


def test_an_import_crossing_the_threshold_queues_one_retraining(
    workspace, small_chunks, django_capture_on_commit_callbacks
):
    scoring_settings(workspace)
    ScoringSettings.objects.filter(workspace=workspace).update(retrain_threshold=50)
    with django_capture_on_commit_callbacks() as callbacks:
        result = import_leads(workspace, _file(130, {}), "crm_id", "converted", "yes")
    row = ScoringSettings.objects.get(workspace=workspace)
    assert result.outcomes == 130 and row.outcomes_since_training == 130
    assert row.retrain_pending is True
    assert len(callbacks) == 1  # the one retraining, asked for once across four chunks


def test_without_an_id_column_rerunning_the_same_import_job_numbers_its_rows_again(workspace, small_chunks):
    data = "industry,email_opens\n" + "".join(f"Retail,{i}\n" for i in range(1, 101))
    import_leads(workspace, data.encode(), scope="job1")
    again = import_leads(workspace, data.encode(), scope="job1")
    assert again.unchanged == 100
    assert Lead.objects.get(workspace=workspace, external_id="import-job1-row-100").email_opens == 100


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_the_same_file_at_once_store_each_lead_and_outcome_once(workspace, small_chunks):
    """Both write the same new leads at the same time: the one that loses a unique-key race on a
    chunk writes that chunk again, now finding the other's leads, and counts nothing for them."""

    data = _file(200, {})
    scoring_settings(workspace)
    results, failures = [], []

    def run():
        try:
            results.append(import_leads(workspace, data, "crm_id", "converted", "yes"))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert sum(r.created for r in results) == 200
    assert sum(r.outcomes for r in results) == 200
    assert Lead.objects.filter(workspace=workspace).count() == 200
    assert Outcome.objects.filter(workspace=workspace).count() == 200
    assert ScoringSettings.objects.get(workspace=workspace).outcomes_since_training == 200
