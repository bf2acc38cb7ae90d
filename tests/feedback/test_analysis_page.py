"""The analysis page: rates, chart, table and phrases; too little data said with the count."""

import pytest
from django.urls import reverse

from tests.feedback.factories import FeedbackEntryFactory
from tests.feedback.mixed import mixed_entries

pytestmark = pytest.mark.django_db


def test_analysis_page_shows_rates_chart_table_and_phrases(owner_client, workspace):
    mixed_entries(workspace)
    body = owner_client.get(reverse("feedback:analysis")).content.decode()
    assert 'data-chart="chart-framework"' in body
    assert "<td>cot</td><td>100%</td>" in body
    assert "“analyse" in body or "step by”" in body


def test_analysis_page_says_insufficient_data_with_count_and_threshold(owner_client, workspace):
    FeedbackEntryFactory(workspace=workspace)
    response = owner_client.get(
        reverse("feedback:analysis"), {"days": 30, "min_samples": 5}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="analysis-results">')
    assert "Insufficient feedback data: 1 rated outputs" in body and "at least 5 needed" in body
