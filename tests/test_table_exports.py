"""Every table a user can see downloads as CSV: same header, every row, the page's filters, safe cells."""

import csv
import io
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import Resolver404, resolve

from content import demo as content_demo
from core.csv_export import read_table, safe_cell
from feedback import demo as feedback_demo
from leads import demo as leads_demo
from matching import demo as matching_demo
from matching.models import Interaction
from tests.feedback.factories import FeedbackEntryFactory
from tests.leads.factories import CrmLeadFactory, ExecutionFactory, LeadScoreFactory
from tests.matching.factories import (
    FactorFactory,
    InteractionFactory,
    MatchingSessionFactory,
    RecommendationFactory,
)

pytestmark = pytest.mark.django_db

# Pages whose table has its own, older export with more columns (a rate's n and interval bounds):
# there the CSV header starts with the table's header.
OWN_EXPORT = {
    "analytics:agents",
    "analytics:recipes",
    "analytics:models",
    "analytics:brands",
    "analytics:segments",
    "analytics:frameworks",
}
# The lead import's error table shows the first errors; its error report (all rows) predates this.
ERROR_REPORT = {"leads:import_detail"}
SKIPPED_PREFIXES = ("/admin/", "/api/", "/accounts/", "/static/")


class _Tables(HTMLParser):
    """Each <table> of a page: its data-csv name, header cells, body row count; and every link."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables, self.links, self.csv_links = [], [], {}
        self.table = None
        self.section = None
        self.in_header_cell = False
        self.row_cells = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
            if "data-csv-link" in attrs:
                self.csv_links[attrs["data-csv-link"]] = attrs["href"]
        if tag == "table":
            self.table = {"name": attrs.get("data-csv"), "header": [], "rows": 0, "in_all": None}
            self.tables.append(self.table)
        elif self.table is not None:
            if tag in ("thead", "tbody"):
                self.section = tag
            elif tag == "tr":
                self.row_cells = []
            elif tag in ("th", "td"):
                self.row_cells.append(attrs.get("colspan", "1"))
                if self.section == "thead":
                    self.in_header_cell = True
                    self.table["header"].append("")

    def handle_endtag(self, tag):
        if tag == "table":
            self.table = None
        elif tag in ("th", "td"):
            self.in_header_cell = False
        elif tag == "tr" and self.table is not None and self.section != "thead":
            if not (len(self.row_cells) == 1 and self.row_cells[0] != "1"):
                self.table["rows"] += 1
        elif tag == "thead":
            self.section = None

    def handle_data(self, data):
        # The pager right after a table ("Page 1 of 4 (83 in all)") tells how many rows it has in all.
        in_all = re.search(r"\((\d+) in all\)", data)
        if self.table is None and self.tables and in_all and self.tables[-1]["in_all"] is None:
            self.tables[-1]["in_all"] = int(in_all.group(1))
        if self.in_header_cell:
            self.table["header"][-1] += data


def _tables(html):
    parser = _Tables()
    parser.feed(html)
    for table in parser.tables:
        table["header"] = [" ".join(h.split()) for h in table["header"]]
    return parser


def _csv(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8"))))


def _url_name(path):
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name


@pytest.fixture
def demo_workspace(workspace, owner):
    for module in (leads_demo, content_demo, matching_demo, feedback_demo):
        module.seed(workspace, owner)
    return workspace


def _crawl(client, start="/", per_route=1, limit=120):
    """Every page reachable by links from the dashboard, one URL per route (query strings ignored)."""
    seen_routes, queue, pages = {}, [start], []
    while queue and len(pages) < limit:
        url = queue.pop(0)
        path = urlsplit(url).path
        name = _url_name(path)
        if name is None or seen_routes.get(name, 0) >= per_route:
            continue
        seen_routes[name] = seen_routes.get(name, 0) + 1
        response = client.get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        pages.append((name, path, html))
        for href in _tables(html).links:
            parts = urlsplit(href)
            if parts.netloc or not parts.path.startswith("/") or parts.path.startswith(SKIPPED_PREFIXES):
                continue
            if "csv" in parse_qs(parts.query) or parts.path.endswith(".csv"):
                continue
            queue.append(parts.path)
    return pages


@pytest.mark.slow
def test_every_table_on_every_page_downloads_as_its_own_csv(client, owner, demo_workspace):
    client.force_login(owner)
    pages = _crawl(client)
    checked = set()
    assert len(pages) > 25, [name for name, _, _ in pages]
    for name, path, html in pages:
        parsed = _tables(html)
        for table in parsed.tables:
            where = f"{name} ({path}) table {table['header'][:3]}"
            if name in ERROR_REPORT:
                assert any("errors.csv" in link for link in parsed.links), where
                continue
            if name in OWN_EXPORT:
                assert any("format=csv" in link for link in parsed.links), where
                rows = _csv(client.get(path, {"format": "csv"}))
                # Its header cells carry the sort mark (↓/↑) of the column the page is sorted by.
                header = [re.sub(r" [↑↓]$", "", cell) for cell in table["header"]]
                assert rows[0][: len(header)] == header, where
                assert len(rows) - 1 == table["rows"], where
                continue
            assert table["name"], f"{where} has no data-csv name"
            link = parsed.csv_links.get(table["name"])
            assert link, f"{where} has no Download CSV link"
            rows = _csv(client.get(link))
            if table["header"]:
                assert rows[0] == table["header"], where
                rows = rows[1:]
            # A paginated table downloads every row, not the page's: the pager says how many in all.
            assert len(rows) == (table["in_all"] or table["rows"]), where
            checked.add(f"{name}:{table['name']}")
    # The tables the issue names are among those checked.
    for expected in (
        "leads:recipe_detail:runs",
        "leads:execution_detail:leads",
        "leads:scoring_status:model-registry",
        "content:brand:winning-copy",
        "matching:index:sessions",
        "matching:analytics:by-segment",
        "feedback:analysis:by-framework",
    ):
        assert expected in checked, " ".join(sorted(checked))


def test_score_history_downloads_every_score_of_the_lead(owner_client, workspace):
    lead = CrmLeadFactory(workspace=workspace)
    for score in (12, 55, 81):
        LeadScoreFactory(lead=lead, display_score=score, probability=score / 100)
    LeadScoreFactory(lead=CrmLeadFactory(workspace=workspace), display_score=99)  # another lead's

    rows = _csv(owner_client.get(f"/leads/{lead.id}/", {"csv": "score-history"}))

    assert rows[0] == ["When", "Score", "Probability", "Category", "Model"]
    assert sorted(row[1] for row in rows[1:]) == ["12", "55", "81"]


def test_cells_a_spreadsheet_would_run_are_quoted(owner_client, workspace):
    FeedbackEntryFactory(workspace=workspace, prompt='=HYPERLINK("http://x.example","hi")')
    FeedbackEntryFactory(workspace=workspace, prompt="@SUM(A1)", tags=["-2+3"])

    rows = _csv(owner_client.get("/feedback/", {"csv": "rated-outputs"}))

    prompts = sorted(row[1] for row in rows[1:])
    assert prompts == ['\'=HYPERLINK("http://x.example","hi")', "'@SUM(A1)"]
    assert any(row[4].startswith("'-2+3") for row in rows[1:])


def test_plain_negative_numbers_stay_numbers():
    assert safe_cell("-0.25") == "-0.25"
    assert safe_cell("-1+2") == "'-1+2"


def test_download_keeps_the_filters_of_the_page(owner_client, workspace):
    FeedbackEntryFactory.create_batch(3, workspace=workspace, tags=["billing"])
    FeedbackEntryFactory.create_batch(2, workspace=workspace, tags=["technical"])

    rows = _csv(owner_client.get("/feedback/", {"tag": "billing", "csv": "rated-outputs"}))

    assert len(rows) - 1 == 3
    assert all("billing" in row[4] for row in rows[1:])


def test_paginated_table_downloads_every_row_not_one_page(owner_client, workspace):
    FeedbackEntryFactory.create_batch(30, workspace=workspace)

    page = owner_client.get("/feedback/", {"page": 2})
    rows = _csv(owner_client.get("/feedback/", {"page": 2, "csv": "rated-outputs"}))

    assert "(30 in all)" in page.content.decode()
    assert len(rows) - 1 == 30


def test_a_table_larger_than_a_download_holds_is_refused_with_the_way_out(
    owner_client, workspace, monkeypatch
):
    monkeypatch.setattr("core.csv_export.MAX_DOWNLOAD_ROWS", 20)
    FeedbackEntryFactory.create_batch(30, workspace=workspace)

    response = owner_client.get("/feedback/", {"csv": "rated-outputs"})

    assert response.status_code == 413
    assert "30 rows, more than the 20" in response.content.decode()
    assert "streamed exports" in response.content.decode()


def test_the_link_beside_the_table_keeps_the_filters_and_drops_the_page_number(owner_client, workspace):
    FeedbackEntryFactory.create_batch(30, workspace=workspace, tags=["billing"])

    html = owner_client.get("/feedback/", {"tag": "billing", "page": 2}).content.decode()

    link = _tables(html).csv_links["rated-outputs"]
    assert parse_qs(urlsplit(link).query) == {"tag": ["billing"], "csv": ["rated-outputs"]}


def test_viewer_can_download_a_table(viewer_client, workspace):
    FeedbackEntryFactory.create_batch(2, workspace=workspace)

    rows = _csv(viewer_client.get("/feedback/", {"csv": "rated-outputs"}))

    assert len(rows) - 1 == 2


def test_member_of_another_workspace_gets_404_for_a_lead_score_history(outsider_client, workspace):
    lead = CrmLeadFactory(workspace=workspace)
    LeadScoreFactory(lead=lead)

    response = outsider_client.get(f"/leads/{lead.id}/", {"csv": "score-history"})

    assert response.status_code == 404
    assert not response["Content-Type"].startswith("text/csv")


def test_download_holds_only_the_rows_of_the_own_workspace(outsider_client, workspace, other_workspace):
    FeedbackEntryFactory.create_batch(3, workspace=workspace, prompt="Acme secret")
    FeedbackEntryFactory(workspace=other_workspace, prompt="Globex own")

    rows = _csv(outsider_client.get("/feedback/", {"csv": "rated-outputs"}))

    assert [row[1] for row in rows[1:]] == ["Globex own"]


def test_logged_out_download_goes_to_the_login_page(client, workspace):
    response = client.get("/feedback/", {"csv": "rated-outputs"})

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_table_the_page_does_not_have_is_404(owner_client, workspace):
    response = owner_client.get("/feedback/", {"csv": "no-such-table"})

    assert response.status_code == 404


def test_matching_interactions_download_holds_the_workspace_interactions(
    owner_client, workspace, other_workspace
):
    rec = RecommendationFactory(workspace=workspace, candidate__name="Harbour Charters", rank=2)
    InteractionFactory(
        workspace=workspace, session=rec.session, recommendation=rec, interaction_type="expanded"
    )
    InteractionFactory(workspace=workspace, session=rec.session, interaction_type="viewed")
    InteractionFactory(workspace=other_workspace, interaction_type="contacted")

    rows = _csv(owner_client.get("/analytics/exports/matching-interactions.csv", {"days": 7}))

    assert rows[0][:5] == [
        "session_id",
        "session segment",
        "interaction_type",
        "recommendation candidate name",
        "recommendation rank",
    ]
    assert sorted((row[2], row[3]) for row in rows[1:]) == [("expanded", "Harbour Charters"), ("viewed", "")]


def test_dashboard_links_the_matching_interactions_download(owner_client, workspace):
    InteractionFactory(workspace=workspace)
    FeedbackEntryFactory(workspace=workspace)

    html = owner_client.get("/").content.decode()

    assert "/analytics/exports/matching-interactions.csv" in html


def test_cell_text_leaves_out_controls_and_keeps_lines_apart():
    html = (
        '<table data-csv="t"><thead><tr><th>Lead</th><th>Score</th></tr></thead><tbody>'
        "<tr><td><a>Amara Chen</a><br><small>Sales Director</small></td>"
        '<td>0.63 <button>Make champion</button><svg><title>chart</title></svg><span aria-hidden="true">*</span></td></tr>'
        '<tr><td colspan="2">No rows yet.</td></tr></tbody></table>'
    )

    assert read_table(html, "t") == (["Lead", "Score"], [["Amara Chen; Sales Director", "0.63"]])
    assert read_table(html, "other") is None


@pytest.fixture
def compared_session(workspace):
    FactorFactory(workspace=workspace, key="price", label="Price")
    FactorFactory(workspace=workspace, key="speed", label="Speed")
    session = MatchingSessionFactory(workspace=workspace)
    recs = [
        RecommendationFactory(
            workspace=workspace, session=session, rank=rank, factor_values={"price": price, "speed": 2.0}
        )
        for rank, price in ((1, 10.0), (2, -12.5))
    ]
    return session, recs


def test_comparison_of_ticked_candidates_downloads_beside_it(owner_client, compared_session):
    session, recs = compared_session
    ids = [str(r.candidate_id) for r in recs]
    fragment = owner_client.post(
        f"/matching/sessions/{session.id}/compare/", {"candidate_id": ids}, HTTP_HX_REQUEST="true"
    ).content.decode()
    parsed = _tables(fragment)
    before = Interaction.objects.count()

    rows = _csv(owner_client.get(parsed.csv_links["comparison"]))

    assert rows[0] == parsed.tables[0]["header"]
    assert rows[1:] == [["Price", "higher", "10.00", "-12.50"], ["Speed", "higher", "2.00", "2.00"]]
    assert Interaction.objects.count() == before  # a download is not a comparison


def test_explanation_downloads_beside_it_without_recording_a_view(owner_client, compared_session):
    _, recs = compared_session
    fragment = owner_client.post(f"/matching/recommendations/{recs[0].id}/expand/", HTTP_HX_REQUEST="true")
    link = _tables(fragment.content.decode()).csv_links["contributions"]
    before = Interaction.objects.count()

    rows = _csv(owner_client.get(link))

    assert rows[0] == ["Factor", "Value", "Better when", "Part of the score"]
    assert [row[0] for row in rows[1:]] == ["Price", "Speed"]
    assert Interaction.objects.count() == before


def test_comparison_is_not_shown_by_a_plain_get(owner_client, compared_session):
    session, recs = compared_session

    response = owner_client.get(
        f"/matching/sessions/{session.id}/compare/", {"candidate_id": recs[0].candidate_id}
    )

    assert response.status_code == 405


def test_outsider_cannot_download_another_workspace_comparison(outsider_client, compared_session):
    session, recs = compared_session
    query = {"candidate_id": [str(r.candidate_id) for r in recs], "csv": "comparison"}

    response = outsider_client.get(f"/matching/sessions/{session.id}/compare/", query)

    assert response.status_code == 404


def test_runs_of_a_recipe_download_all_of_them_not_only_the_latest_shown(owner_client, workspace):
    recipe = ExecutionFactory(recipe__agent__workspace=workspace).recipe
    ExecutionFactory.create_batch(24, recipe=recipe)
    url = f"/leads/recipes/{recipe.id}/"

    shown_on_page = next(
        t for t in _tables(owner_client.get(url).content.decode()).tables if t["name"] == "runs"
    )
    rows = _csv(owner_client.get(url, {"csv": "runs"}))

    assert shown_on_page["rows"] == 20
    assert rows[0] == shown_on_page["header"]
    assert len(rows) - 1 == 25
