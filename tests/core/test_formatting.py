"""core.formatting.percent: each output the pages, commands and charts have always shown."""

from core.formatting import percent


def test_pages_show_whole_percent_and_a_dash_without_data():
    assert percent(0.1234) == "12%"
    assert percent(None) == "–"
    assert percent(0.1234) == f"{0.1234:.0%}"


def test_the_command_shows_one_decimal_and_n_a():
    assert percent(0.1234, 1, missing="n/a") == "12.3%"
    assert percent(None, 1, missing="n/a") == "n/a"


def test_content_rates_keep_two_decimals():
    assert percent(0.05123, 2) == "5.12%"
    assert percent("", 2) == "–"


def test_chart_data_is_a_rounded_number_of_percent():
    assert percent(0.12345, 1, number=True) == 12.3
    assert percent(0.0512345, 3, number=True) == 5.123
    assert percent(None, 1, number=True) is None
