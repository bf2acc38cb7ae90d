"""Each loop's main job done in Chromium as a new user would, on a laptop and on a phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.journeys.checks import check_page
from tests.journeys.conftest import each

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LEADS_CSV = "lead_id,company,industry,email_opens,website_visits,outcome,notes\n" + "".join(
    f"journey-{i},Company {i},{'SaaS' if i % 2 else 'Retail'},{i % 7},{i % 11},{'Won' if i % 3 == 0 else 'Lost'},n{i}\n"
    for i in range(60)
)
METRICS_CSV = (
    "post_id,brand,platform,variant,experiment,text,date,impressions,clicks,conversions\n"
    + "".join(
        f"jp-{v},Journey Brand,linkedin,{v},journey-exp,Copy {v} for the journey,2026-12-0{d},{1000 + d},{30 + d * (2 if v == 'B' else 1)},{d}\n"
        for v in ("A", "B")
        for d in range(1, 6)
    )
)


def finish(problems):
    assert not problems, "\n".join(problems)


def open_nav_link(page, name):
    """Follow a main-nav link the way a person would: through the menu button on a phone."""
    menu = page.get_by_role("button", name=re.compile("menu", re.I))
    if menu.count() and menu.first.is_visible():
        menu.first.click()
    page.locator("header.site-header").get_by_role("link", name=name, exact=True).click()


@each("demo")
def test_leads_set_preferences_run_a_recipe_mark_a_lead(journey, request):
    page, watch = journey
    tag = request.node.callspec.id
    problems = []
    open_nav_link(page, "Leads")
    page.get_by_role("link", name="Preferences", exact=True).first.click()
    page.get_by_label("Company size: max employees").fill("5000")
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text("Preferences saved.")).to_be_visible()
    problems += check_page(page, watch, f"{tag}-leads-1-preferences-saved", current_tab="Leads")

    page.goto("/leads/agents/")
    page.locator("main a[href^='/leads/recipes/']").first.click()
    page.get_by_role("button", name="Run recipe", exact=True).click()
    expect(page.locator("[data-execution-status]")).to_have_text(
        re.compile("Completed|Succeeded|Done", re.I), timeout=60000
    )
    expect(page.locator("[data-kept]")).to_be_visible()
    problems += check_page(page, watch, f"{tag}-leads-2-run-finished", current_tab="Leads")

    form = page.locator("form.lead-feedback").first
    form.get_by_role("button", name="Useful", exact=True).click()
    expect(
        page.locator("form.lead-feedback").first.get_by_role("button", name="Useful", exact=True)
    ).to_have_attribute("aria-pressed", "true")
    problems += check_page(page, watch, f"{tag}-leads-3-lead-marked", current_tab="Leads")
    finish(problems)


@each("demo")
def test_leads_import_outcomes_see_scores_retrain(journey, request, tmp_path):
    page, watch = journey
    tag = request.node.callspec.id
    problems = []
    upload = tmp_path / "crm-export.csv"
    upload.write_text(LEADS_CSV)
    page.goto("/leads/import/")
    page.locator("input[type=file]").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and preview").click()
    problems += check_page(
        page,
        watch,
        f"{tag}-scoring-1-preview",
        current_tab="Leads",
        allow_raw={"lead_id", "email_opens", "website_visits"},
    )
    page.get_by_role("button", name="Start import").click()
    expect(page.get_by_text(re.compile(r"60 rows?|60 leads", re.I)).first).to_be_visible(timeout=60000)
    problems += check_page(page, watch, f"{tag}-scoring-2-imported", current_tab="Leads")

    page.goto("/leads/scoring/")
    page.get_by_role("button", name="Retrain now").click()
    expect(
        page.get_by_text(
            re.compile(r"promoted|kept the champion|is now the champion|not promoted|kept", re.I)
        ).first
    ).to_be_visible(timeout=120000)
    problems += check_page(page, watch, f"{tag}-scoring-3-retrained", current_tab="Leads")

    page.goto("/leads/")
    lead = page.locator("main table a[href*='/leads/']").first
    lead.click()
    expect(page.get_by_text(re.compile("score", re.I)).first).to_be_visible()
    problems += check_page(page, watch, f"{tag}-scoring-4-lead-score", current_tab="Leads")
    finish(problems)


@each("demo")
def test_content_upload_metrics_see_winners_search_copy(journey, request, tmp_path):
    page, watch = journey
    tag = request.node.callspec.id
    problems = []
    upload = tmp_path / "metrics.csv"
    upload.write_text(METRICS_CSV)
    open_nav_link(page, "Content")
    page.goto("/content/upload/")
    page.locator("input[type=file]").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and preview").click()
    confirm = page.get_by_role("button", name=re.compile("Start import|Import", re.I))
    if confirm.count():
        confirm.first.click()
    expect(page.get_by_text(re.compile(r"\b10\b.*(rows|stored|imported)", re.I)).first).to_be_visible(
        timeout=60000
    )
    problems += check_page(page, watch, f"{tag}-content-1-imported", current_tab="Content")

    page.goto("/content/")
    page.get_by_role("button", name="Run now").click()
    expect(page.get_by_text(re.compile(r"finished|completed|decided", re.I)).first).to_be_visible(
        timeout=60000
    )
    problems += check_page(page, watch, f"{tag}-content-2-run", current_tab="Content")

    page.goto("/content/write/")
    page.locator("main textarea, main input[type=text], main input[type=search]").first.fill(
        "running shoes for trail runners"
    )
    page.get_by_role("button", name="Find similar winners").click()
    page.wait_for_load_state("networkidle")
    problems += check_page(page, watch, f"{tag}-content-3-search", current_tab="Content")
    finish(problems)


@each("demo")
def test_matching_start_a_session_choose_see_weights(journey, request):
    page, watch = journey
    tag = request.node.callspec.id
    problems = []
    open_nav_link(page, "Matching")
    page.get_by_label("Customer").fill("Journey customer")
    page.get_by_label("Importance of price (1-5)").select_option("5")
    page.get_by_role("button", name=re.compile(r"Rank \d+ candidate")).click()
    expect(page).to_have_url(re.compile(r"/matching/sessions/"))
    expect(page.locator("header.site-header")).to_have_count(1)
    problems += check_page(page, watch, f"{tag}-matching-1-ranked", current_tab="Matching")

    page.get_by_role("button", name=re.compile(r"^Choose ")).first.click()
    expect(page.get_by_test_id("chosen")).to_contain_text("Chosen:")
    problems += check_page(page, watch, f"{tag}-matching-2-chosen", current_tab="Matching")

    page.goto("/matching/analytics/")
    expect(page.get_by_text(re.compile("weight", re.I)).first).to_be_visible()
    problems += check_page(page, watch, f"{tag}-matching-3-weights", current_tab="Matching")
    finish(problems)


@each("demo")
def test_output_feedback_rate_read_analysis_report_router(journey, request):
    page, watch = journey
    tag = request.node.callspec.id
    problems = []
    open_nav_link(page, "Output feedback")
    page.locator("main a[href^='/feedback/entries/']:not([href$='/new/'])").first.click()
    page.locator("button[name=rating][value='4']").first.click()
    expect(page.get_by_text(re.compile("Rating saved|saved", re.I)).first).to_be_visible()
    problems += check_page(page, watch, f"{tag}-feedback-1-rated", current_tab="Output feedback")

    for name, path in (("analysis", "/feedback/analysis/"), ("route", "/feedback/route/")):
        page.goto(path)
        problems += check_page(page, watch, f"{tag}-feedback-2-{name}", current_tab="Output feedback")
    page.goto("/feedback/reports/")
    page.get_by_role("button", name="Write report").click()
    expect(page.get_by_text(re.compile(r"Report .* written", re.I)).first).to_be_visible(timeout=60000)
    problems += check_page(page, watch, f"{tag}-feedback-3-report", current_tab="Output feedback")
    finish(problems)
