import csv
import io

import pytest

from tests.feedback.factories import FeedbackEntryFactory
from tests.leads.factories import AgentFactory, ExecutionFactory, LeadFeedbackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agents(workspace):
    alpha = AgentFactory(workspace=workspace, name="Alpha scout")
    beta = AgentFactory(workspace=workspace, name="=Beta")
    for _ in range(3):
        execution = ExecutionFactory(recipe__workspace=workspace, recipe__agent=alpha, leads_generated=10)
    LeadFeedbackFactory(lead__execution=execution, useful=True)
    LeadFeedbackFactory(lead__execution=execution, useful=False)
    ExecutionFactory(recipe__workspace=workspace, recipe__agent=beta, leads_generated=2, status="failed")
    return alpha, beta


def test_agents_table_has_runs_rates_with_n_and_links(owner_client, agents):
    alpha, _ = agents
    page = owner_client.get("/analytics/agents/").content.decode()
    assert f'href="/leads/agents/{alpha.id}/"' in page
    assert "n=2, 95% CI" in page  # useful rate of Alpha: 1 of 2


def test_agents_table_sorts_by_a_column(owner_client, agents):
    page = owner_client.get("/analytics/agents/?sort=generated&dir=asc").content.decode()
    assert page.index("=Beta") < page.index("Alpha scout")
    page = owner_client.get("/analytics/agents/?sort=generated&dir=desc").content.decode()
    assert page.index("Alpha scout") < page.index("=Beta")


def test_agents_table_filters_through_htmx(owner_client, agents):
    response = owner_client.get("/analytics/agents/?q=alpha", HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="rows">')
    assert "Alpha scout" in page and "=Beta" not in page


def test_agents_table_exports_csv_with_escaped_cells(owner_client, agents):
    response = owner_client.get("/analytics/agents/?format=csv&sort=name&dir=asc")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Agent", "Runs", "Success rate"]
    names = [row[0] for row in rows[1:]]
    assert "'=Beta" in names and "Alpha scout" in names


def test_frameworks_table(owner_client, workspace):
    FeedbackEntryFactory.create_batch(3, workspace=workspace, framework="chain-of-thought", rating=5)
    page = owner_client.get("/analytics/frameworks/").content.decode()
    assert "chain-of-thought" in page and "100%" in page and "n=3" in page


@pytest.mark.parametrize("table", ["agents", "recipes", "models", "brands", "segments", "frameworks"])
def test_every_table_renders_empty(owner_client, table):
    assert owner_client.get(f"/analytics/{table}/").status_code == 200


def test_raw_export_streams_the_periods_rows(owner_client, workspace):
    FeedbackEntryFactory(workspace=workspace, prompt="@SUM(1)", rating=2)
    response = owner_client.get("/analytics/exports/output-feedback.csv?days=7")
    body = b"".join(response.streaming_content).decode()
    assert "'@SUM(1)" in body


def test_unknown_export_is_404(owner_client):
    assert owner_client.get("/analytics/exports/passwords.csv").status_code == 404
