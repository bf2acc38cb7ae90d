"""Filtering generated leads against preferences: each criterion, edge cases, combination, property."""

import dataclasses
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leads.filtering import LeadPreferences, filter_leads, normalize_text

SEED_LEADS = [
    {
        "name": "Sarah Chen",
        "title": "Founder & CEO",
        "industry": "SaaS",
        "company_size": 45,
        "location": "San Francisco, CA",
        "engagement_score": 0.92,
        "quality_score": 0.88,
    },
    {
        "name": "Tom Price",
        "title": "Software Engineer",
        "industry": "SaaS",
        "company_size": 120,
        "location": "San Francisco, CA",
        "engagement_score": 0.81,
        "quality_score": 0.7,
    },
    {
        "name": "Ana Lopez",
        "title": "CEO",
        "industry": "Retail",
        "company_size": 300,
        "location": "New York, NY",
        "engagement_score": 0.75,
        "quality_score": 0.6,
    },
    {
        "name": "Raj Patel",
        "title": "Co-founder",
        "industry": "AI",
        "company_size": 15,
        "location": "Austin, TX",
        "engagement_score": 0.9,
        "quality_score": 0.8,
    },
    {
        "name": "Lena Vogel",
        "title": "Founder",
        "industry": "B2B",
        "company_size": 30,
        "location": "New York",
        "engagement_score": 0.4,
        "quality_score": 0.5,
    },
]

SEED_PREFERENCES = LeadPreferences(
    preferred_industries=("SaaS", "AI"),
    min_engagement_score=0.7,
    geographic_focus=("San Francisco", "New York"),
    seniority_levels=("founder", "CEO"),
)


def names(result):
    return [lead["name"] for lead in result.kept]


def test_seed_example_keeps_exactly_the_matching_lead():
    result = filter_leads(SEED_LEADS, SEED_PREFERENCES)
    assert names(result) == ["Sarah Chen"]
    assert result.generated == 5
    assert result.matched == 1
    assert result.removed_by_criteria == 4


def test_seed_example_reports_removals_per_criterion():
    impact = filter_leads(SEED_LEADS, SEED_PREFERENCES).impact()
    # Tom: title. Ana: industry. Raj: location. Lena: industry, engagement.
    assert impact["failed"] == {
        "engagement": 1,
        "industry": 2,
        "location": 1,
        "seniority": 1,
    }
    assert impact["sole_cause"] == {
        "engagement": 0,
        "industry": 1,
        "location": 1,
        "seniority": 1,
    }
    assert impact["criteria"] == ["engagement", "industry", "location", "seniority"]


def test_empty_preferences_keep_every_lead():
    result = filter_leads(SEED_LEADS, LeadPreferences())
    assert result.kept_count == 5
    assert result.criteria == ()
    assert result.failed == {}


def test_empty_and_blank_lists_filter_nothing():
    prefs = LeadPreferences(preferred_industries=(), geographic_focus=("", "  "), seniority_levels=("--",))
    assert filter_leads(SEED_LEADS, prefs).kept_count == 5
    assert prefs.active_criteria() == ()


def test_no_leads_gives_empty_result():
    result = filter_leads([], SEED_PREFERENCES)
    assert result.kept == []
    assert result.generated == 0
    assert result.failed == {
        "engagement": 0,
        "industry": 0,
        "location": 0,
        "seniority": 0,
    }


# --- engagement ---------------------------------------------------------------------------------


def test_engagement_at_the_minimum_is_kept():
    leads = [
        {"name": "a", "engagement_score": 0.7},
        {"name": "b", "engagement_score": 0.69999},
    ]
    assert names(filter_leads(leads, LeadPreferences(min_engagement_score=0.7))) == ["a"]


@pytest.mark.parametrize("value", [None, "high", math.nan, math.inf, True, [0.9]])
def test_missing_or_invalid_engagement_fails_an_active_minimum(value):
    leads = [{"name": "x", "engagement_score": value}]
    result = filter_leads(leads, LeadPreferences(min_engagement_score=0.1))
    assert result.kept == []
    assert result.failed == {"engagement": 1}


def test_missing_engagement_key_fails_an_active_minimum():
    assert filter_leads([{"name": "x"}], LeadPreferences(min_engagement_score=0.0)).kept == []


def test_numeric_string_engagement_is_read_as_a_number():
    leads = [{"name": "x", "engagement_score": "0.8"}]
    assert names(filter_leads(leads, LeadPreferences(min_engagement_score=0.7))) == ["x"]


def test_missing_engagement_is_kept_when_no_minimum_is_set():
    assert names(filter_leads([{"name": "x"}], LeadPreferences(preferred_industries=()))) == ["x"]


# --- industry -----------------------------------------------------------------------------------


def test_industry_match_ignores_case_and_surrounding_space():
    leads = [
        {"name": "a", "industry": " saas "},
        {"name": "b", "industry": "SAAS"},
        {"name": "c", "industry": "B2B SaaS"},
        {"name": "d", "industry": None},
        {"name": "e"},
        {"name": "f", "industry": 42},
    ]
    result = filter_leads(leads, LeadPreferences(preferred_industries=("SaaS",)))
    assert names(result) == ["a", "b"]
    assert result.failed == {"industry": 4}


def test_industry_match_uses_unicode_casefold():
    leads = [
        {"name": "a", "industry": "STRASSENBAU"},
        {"name": "b", "industry": "Énergie"},
    ]
    prefs = LeadPreferences(preferred_industries=("Straßenbau", "ÉNERGIE"))
    assert names(filter_leads(leads, prefs)) == ["a", "b"]


def test_composed_and_decomposed_accents_are_equal():
    decomposed = "E\u0301nergie"  # E + combining acute accent
    leads = [{"name": "a", "industry": decomposed}]
    assert names(filter_leads(leads, LeadPreferences(preferred_industries=("Énergie",)))) == ["a"]


# --- company size -------------------------------------------------------------------------------


def test_company_size_bounds_are_inclusive():
    leads = [{"name": str(size), "company_size": size} for size in (9, 10, 500, 501)]
    prefs = LeadPreferences(company_size_min=10, company_size_max=500)
    assert names(filter_leads(leads, prefs)) == ["10", "500"]


def test_company_size_with_only_a_minimum():
    leads = [
        {"name": "small", "company_size": 5},
        {"name": "huge", "company_size": 100_000},
    ]
    assert names(filter_leads(leads, LeadPreferences(company_size_min=10))) == ["huge"]


def test_company_size_with_only_a_maximum():
    leads = [
        {"name": "small", "company_size": 5},
        {"name": "huge", "company_size": 100_000},
    ]
    assert names(filter_leads(leads, LeadPreferences(company_size_max=10))) == ["small"]


def test_missing_company_size_fails_a_size_range():
    leads = [{"name": "a"}, {"name": "b", "company_size": "lots"}]
    assert filter_leads(leads, LeadPreferences(company_size_min=1)).failed == {"company_size": 2}


# --- location -----------------------------------------------------------------------------------


def test_location_matches_whole_words_case_insensitively():
    leads = [
        {"name": "sf", "location": "San Francisco, CA, USA"},
        {"name": "sf-lower", "location": "san francisco"},
        {"name": "sfo-area", "location": "South San Francisco"},
        {"name": "not-sf", "location": "San Franciscoville"},
        {"name": "none", "location": None},
        {"name": "empty", "location": ""},
    ]
    result = filter_leads(leads, LeadPreferences(geographic_focus=("San Francisco",)))
    assert names(result) == ["sf", "sf-lower", "sfo-area"]


def test_location_considers_city_region_and_country_fields():
    leads = [
        {"name": "country", "city": "Lyon", "country": "France"},
        {"name": "region", "city": "Austin", "region": "Texas"},
        {"name": "elsewhere", "city": "Oslo", "country": "Norway"},
    ]
    prefs = LeadPreferences(geographic_focus=("france", "TEXAS"))
    assert names(filter_leads(leads, prefs)) == ["country", "region"]


def test_location_matches_unicode_city_names():
    leads = [
        {"name": "z", "location": "ZÜRICH, Schweiz"},
        {"name": "m", "location": "München"},
    ]
    assert names(filter_leads(leads, LeadPreferences(geographic_focus=("zürich",)))) == ["z"]


# --- seniority ----------------------------------------------------------------------------------


def test_seniority_matches_words_inside_titles():
    leads = [
        {"name": "ceo", "title": "Co-Founder & CEO"},
        {"name": "founder", "title": "founder"},
        {"name": "vp", "title": "VP, Sales EMEA"},
        {"name": "director", "title": "Director of Engineering"},
        {"name": "cto", "title": "CTO"},
        {"name": "none", "title": None},
    ]
    prefs = LeadPreferences(seniority_levels=("CEO", "founder", "VP Sales"))
    assert names(filter_leads(leads, prefs)) == ["ceo", "founder", "vp"]


def test_seniority_does_not_match_inside_another_word():
    leads = [
        {"name": "director", "title": "Director"},
        {"name": "sales vp", "title": "Sales VP"},
    ]
    prefs = LeadPreferences(seniority_levels=("cto", "VP Sales"))
    assert filter_leads(leads, prefs).kept == []


def test_seniority_ignores_extra_spacing_and_punctuation():
    leads = [
        {"name": "a", "title": "  vp   sales  "},
        {"name": "b", "title": "VP_Sales"},
    ]
    assert names(filter_leads(leads, LeadPreferences(seniority_levels=("VP Sales",)))) == ["a", "b"]


# --- quality and the cap ------------------------------------------------------------------------


def test_quality_threshold_is_inclusive_and_missing_fails():
    leads = [
        {"name": "a", "quality_score": 0.5},
        {"name": "b", "quality_score": 0.49},
        {"name": "c"},
    ]
    result = filter_leads(leads, LeadPreferences(lead_quality_threshold=0.5))
    assert names(result) == ["a"]
    assert result.failed == {"quality": 2}


def test_cap_keeps_the_best_by_quality_then_engagement():
    leads = [
        {"name": "low", "quality_score": 0.2, "engagement_score": 0.9},
        {"name": "top", "quality_score": 0.9, "engagement_score": 0.1},
        {"name": "tie-more-engaged", "quality_score": 0.5, "engagement_score": 0.8},
        {"name": "tie-less-engaged", "quality_score": 0.5, "engagement_score": 0.3},
        {"name": "unknown"},
    ]
    result = filter_leads(leads, LeadPreferences(max_leads_per_execution=3))
    assert names(result) == ["top", "tie-more-engaged", "tie-less-engaged"]
    assert result.removed_by_limit == 2
    assert result.matched == 5


def test_cap_keeps_input_order_among_equal_scores():
    leads = [{"name": str(i), "quality_score": 0.5} for i in range(5)]
    assert names(filter_leads(leads, LeadPreferences(max_leads_per_execution=2))) == [
        "0",
        "1",
    ]


@pytest.mark.parametrize("limit", [0, -1, 2.5])
def test_cap_must_be_a_positive_integer(limit):
    with pytest.raises(ValueError):
        LeadPreferences(max_leads_per_execution=limit)


# --- inputs -------------------------------------------------------------------------------------


def test_dataframe_input_gives_the_same_result_as_dicts():
    frame = pd.DataFrame(SEED_LEADS)
    result = filter_leads(frame, SEED_PREFERENCES)
    assert list(result.kept["name"]) == ["Sarah Chen"]
    assert result.impact() == filter_leads(SEED_LEADS, SEED_PREFERENCES).impact()


def test_items_that_are_not_mappings_fail_every_active_criterion():
    leads = [SEED_LEADS[0], "garbage", None]
    result = filter_leads(leads, SEED_PREFERENCES)
    assert names(result) == ["Sarah Chen"]
    assert result.failed == {
        "engagement": 2,
        "industry": 2,
        "location": 2,
        "seniority": 2,
    }


def test_normalize_text():
    assert normalize_text("  Co-Founder_&  CEO ") == "co founder ceo"
    assert normalize_text(None) == ""


# --- property -----------------------------------------------------------------------------------

INDUSTRIES = ["SaaS", "saas", "AI", "Retail", "Énergie", "ÉNERGIE", "", None, 3]
TITLES = [
    "CEO",
    "Co-founder",
    "VP Sales",
    "vp sales emea",
    "Director",
    "CTO",
    "Founder & CEO",
    "",
    None,
]
PLACES = ["San Francisco, CA", "New York", "new york city", "Zürich", "york", "", None]
numbers = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-10, 10_000),
    st.just("0.8"),
)

lead_strategy = st.fixed_dictionaries(
    {},
    optional={
        "industry": st.sampled_from(INDUSTRIES),
        "title": st.sampled_from(TITLES),
        "location": st.sampled_from(PLACES),
        "company_size": numbers,
        "engagement_score": numbers,
        "quality_score": numbers,
    },
)
prefs_strategy = st.builds(
    LeadPreferences,
    preferred_industries=st.lists(st.sampled_from(["SaaS", "AI", "énergie", ""]), max_size=3).map(tuple),
    min_engagement_score=st.one_of(st.none(), st.floats(0, 1)),
    company_size_min=st.one_of(st.none(), st.integers(0, 1000)),
    company_size_max=st.one_of(st.none(), st.integers(0, 1000)),
    geographic_focus=st.lists(st.sampled_from(["new york", "San Francisco", "ZÜRICH"]), max_size=2).map(
        tuple
    ),
    seniority_levels=st.lists(st.sampled_from(["ceo", "Founder", "VP Sales"]), max_size=2).map(tuple),
    lead_quality_threshold=st.one_of(st.none(), st.floats(0, 1)),
    max_leads_per_execution=st.one_of(st.none(), st.integers(1, 5)),
)


def _number(value):
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def satisfies_all(lead, prefs):
    """A slow, independent statement of the preferences, one lead at a time."""

    def words(text):
        return f" {normalize_text(text)} " if isinstance(text, str) else ""

    if prefs.min_engagement_score is not None:
        value = _number(lead.get("engagement_score"))
        if value is None or value < prefs.min_engagement_score:
            return False
    if prefs.lead_quality_threshold is not None:
        value = _number(lead.get("quality_score"))
        if value is None or value < prefs.lead_quality_threshold:
            return False
    if prefs.company_size_min is not None or prefs.company_size_max is not None:
        size = _number(lead.get("company_size"))
        if size is None:
            return False
        if prefs.company_size_min is not None and size < prefs.company_size_min:
            return False
        if prefs.company_size_max is not None and size > prefs.company_size_max:
            return False
    wanted = {normalize_text(i) for i in prefs.preferred_industries} - {""}
    if wanted and normalize_text(lead.get("industry")) not in wanted:
        return False
    focus = [f" {normalize_text(t)} " for t in prefs.geographic_focus if normalize_text(t)]
    if focus and not any(t in words(lead.get("location")) for t in focus):
        return False
    levels = [f" {normalize_text(t)} " for t in prefs.seniority_levels if normalize_text(t)]
    return not levels or any(t in words(lead.get("title")) for t in levels)


@settings(max_examples=300, deadline=None)
@given(leads=st.lists(lead_strategy, max_size=25), prefs=prefs_strategy)
def test_filtering_never_keeps_a_violator_and_never_drops_a_full_match(leads, prefs):
    result = filter_leads(leads, prefs)
    kept_ids = {int(i) for i in result.kept_indices}
    satisfying = {i for i, lead in enumerate(leads) if satisfies_all(lead, prefs)}
    assert kept_ids <= satisfying
    assert result.matched == len(satisfying)
    cap = prefs.max_leads_per_execution
    assert len(kept_ids) == (len(satisfying) if cap is None else min(cap, len(satisfying)))
    assert result.generated == result.matched + result.removed_by_criteria
    assert result.matched == result.kept_count + result.removed_by_limit


CRITERION_FIELDS = {
    "engagement": {"min_engagement_score"},
    "industry": {"preferred_industries"},
    "company_size": {"company_size_min", "company_size_max"},
    "location": {"geographic_focus"},
    "seniority": {"seniority_levels"},
    "quality": {"lead_quality_threshold"},
}


def only(prefs, criterion):
    """The preferences with every criterion but one (and the cap) cleared."""
    cleared = {}
    for name, fields in CRITERION_FIELDS.items():
        if name != criterion:
            for field in fields:
                cleared[field] = () if isinstance(getattr(prefs, field), tuple) else None
    return dataclasses.replace(prefs, max_leads_per_execution=None, **cleared)


@settings(max_examples=200, deadline=None)
@given(leads=st.lists(lead_strategy, max_size=25), prefs=prefs_strategy)
def test_removal_counts_follow_their_definition(leads, prefs):
    result = filter_leads(leads, prefs)
    fails = {
        c: {i for i, lead in enumerate(leads) if not satisfies_all(lead, only(prefs, c))}
        for c in result.criteria
    }
    assert result.failed == {c: len(ids) for c, ids in fails.items()}
    for c in result.criteria:
        others = set().union(*(ids for other, ids in fails.items() if other != c))
        assert result.sole_cause[c] == len(fails[c] - others)
