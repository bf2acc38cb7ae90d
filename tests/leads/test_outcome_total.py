"""The outcome total an outcome call answers equals a recount after every kind of write, and the
hand-written lookups behind the call give what the ORM gives."""

import uuid

import pytest
from django.db import connection, transaction

from leads.models import Lead, Outcome, OutcomeTotal
from leads.services.imports.importing import import_leads
from leads.services.outcomes import find_lead, record_outcome, record_webhook_event, total_outcomes
from tests.concurrency import run_together
from tests.leads.factories import CrmLeadFactory
from tests.workspaces.factories import WorkspaceFactory


def _recount(workspace):
    return Outcome.objects.filter(workspace=workspace).count()


def _outcomes(workspace, leads):
    now = leads[0].created_at
    return Outcome.objects.bulk_create(
        [Outcome(workspace=workspace, lead=lead, won=True, source="demo", recorded_at=now) for lead in leads]
    )


@pytest.mark.django_db
def test_total_is_a_recount_on_every_backend(workspace):
    leads = CrmLeadFactory.create_batch(3, workspace=workspace)
    assert total_outcomes(workspace) == 0
    record_outcome(workspace, leads[0], True, source="api")
    record_outcome(workspace, leads[1], False, source="api")
    record_outcome(workspace, leads[1], True, source="api")  # a change: still one outcome
    assert total_outcomes(workspace) == _recount(workspace) == 2
    assert total_outcomes(WorkspaceFactory()) == 0


@pytest.mark.django_db
def test_find_lead_gives_what_the_orm_gives(workspace):
    other = WorkspaceFactory()
    plain = CrmLeadFactory(workspace=workspace, external_id="CRM-1")
    won = CrmLeadFactory(workspace=workspace, external_id="CRM-2")
    Outcome.objects.create(
        workspace=workspace, lead=won, won=True, reason="signed", source="api", recorded_at=won.created_at
    )
    CrmLeadFactory(workspace=other, external_id="CRM-3")
    # a CRM id that is another lead's own id: the CRM id wins
    shadow = CrmLeadFactory(workspace=workspace, external_id=str(plain.id))
    cases = [
        "CRM-1",
        "CRM-2",
        "CRM-3",
        str(won.id),
        str(plain.id),
        "",
        "x" * 300,
        "CRM-1\x00",
        "crm-1",
        "ＣＲＭ-1",
    ]
    for lead_id in cases:
        found = find_lead(workspace, lead_id)
        expected = None
        if "\x00" not in lead_id:  # PostgreSQL refuses a NUL in a query; no stored id has one
            expected = (
                Lead.objects.filter(workspace=workspace, external_id=lead_id).first()
                or Lead.objects.filter(workspace=workspace, pk=_uuid(lead_id)).first()
            )
        assert (found and found.pk) == (expected and expected.pk), lead_id
        if found is not None:
            stored = Outcome.objects.filter(lead=found).first()
            if stored is None:
                assert found.loaded_outcome is None
            else:
                assert (found.loaded_outcome.pk, found.loaded_outcome.won, found.loaded_outcome.reason) == (
                    stored.pk,
                    stored.won,
                    stored.reason,
                )
            assert found.workspace_id == workspace.id and found.external_id == expected.external_id
    assert find_lead(workspace, str(plain.id)).pk == shadow.pk


def _uuid(text):
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_kept_total_equals_a_recount_after_every_kind_of_write(workspace):
    leads = CrmLeadFactory.create_batch(12, workspace=workspace)
    record_outcome(workspace, leads[0], True, source="api")  # one statement with its count
    record_outcome(workspace, leads[0], False, source="api")  # a change
    record_outcome(workspace, leads[1], True, source="api", idempotency_key="k-1")  # the locked path
    record_webhook_event(workspace, leads[2], True, event_id="evt-1")
    data = b"crm_id,converted\n" + b"".join(f"{lead.external_id},yes\n".encode() for lead in leads[3:6])
    import_leads(workspace, data, "crm_id", "converted", "yes")
    _outcomes(workspace, leads[6:9])  # a bulk insert
    with connection.cursor() as cursor:  # a write no app code makes: the triggers still see it
        cursor.execute(
            "INSERT INTO leads_outcome (id, workspace_id, created_at, lead_id, won, reason, source, recorded_at) "
            "VALUES (%s, %s, now(), %s, true, '', 'api', now())",
            [uuid.uuid4(), workspace.id, leads[9].id],
        )
    assert total_outcomes(workspace) == _recount(workspace) == 10
    Outcome.objects.filter(lead=leads[9]).delete()
    leads[8].delete()  # the lead's outcome goes with it
    Lead.objects.filter(pk__in=[leads[7].pk, leads[10].pk]).delete()
    assert total_outcomes(workspace) == _recount(workspace) == 7
    assert OutcomeTotal.objects.get(workspace=workspace).total == 7
    other = WorkspaceFactory()
    record_outcome(other, CrmLeadFactory(workspace=other), True, source="api")
    assert total_outcomes(other) == 1 and total_outcomes(workspace) == 7
    other.delete()  # its total row goes with it, without a trigger error
    assert not OutcomeTotal.objects.filter(workspace_id=other.id).exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_one_transaction_of_many_statements_savepoints_and_workspaces_keeps_each_total(workspace):
    """The total is written once per workspace at the commit, from what each statement added."""
    other = WorkspaceFactory()
    leads = CrmLeadFactory.create_batch(30, workspace=workspace)
    theirs = CrmLeadFactory.create_batch(5, workspace=other)
    _outcomes(workspace, leads[:2])  # committed before: the transaction adds to an existing total
    with transaction.atomic():
        _outcomes(workspace, leads[2:12])
        _outcomes(other, theirs)
        Outcome.objects.filter(lead__in=leads[10:12]).delete()  # added and removed in the transaction
        try:
            with transaction.atomic():  # a savepoint rolled back: its outcomes are not counted
                _outcomes(workspace, leads[12:20])
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
        with transaction.atomic():  # a savepoint kept
            _outcomes(workspace, leads[20:25])
        with connection.cursor() as cursor:  # what Django's constraint check does: the sum so far
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        _outcomes(workspace, leads[25:30])
        Outcome.objects.filter(lead=leads[0]).delete()  # an outcome committed before
    assert total_outcomes(workspace) == _recount(workspace) == 2 + 8 + 5 + 5 - 1
    assert total_outcomes(other) == _recount(other) == 5
    with transaction.atomic():  # every outcome of a workspace gone in one statement
        Outcome.objects.filter(workspace=workspace).delete()
    assert OutcomeTotal.objects.get(workspace=workspace).total == 0 == _recount(workspace)
    try:
        with transaction.atomic():  # a whole transaction rolled back leaves the total as it was
            _outcomes(other, CrmLeadFactory.create_batch(3, workspace=other))
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    assert OutcomeTotal.objects.get(workspace=other).total == 5
    # The next transaction on this connection starts from nothing pending.
    _outcomes(other, CrmLeadFactory.create_batch(2, workspace=other))
    assert total_outcomes(other) == _recount(other) == 7


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_simultaneous_writers_of_every_kind_leave_the_total_a_recount_without_deadlock(workspace):
    leads = CrmLeadFactory.create_batch(40, workspace=workspace)

    def api():
        for lead in leads[:10]:
            record_outcome(workspace, find_lead(workspace, lead.external_id), True, source="api")

    def keyed():
        for i, lead in enumerate(leads[5:20]):
            record_outcome(workspace, lead, False, source="webhook", idempotency_key=f"key-{i}")

    def imported():
        rows = b"".join(f"{lead.external_id},yes\n".encode() for lead in leads[15:35])
        import_leads(workspace, b"crm_id,converted\n" + rows, "crm_id", "converted", "yes")

    def deleted():
        for lead in leads[35:]:
            record_outcome(workspace, lead, True, source="api")
            Lead.objects.filter(pk=lead.pk).delete()

    run_together([api, keyed, imported, deleted])
    assert total_outcomes(workspace) == _recount(workspace) == 35
