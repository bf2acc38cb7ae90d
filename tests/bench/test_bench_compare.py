"""The before/after table of two bench runs (`python -m bench.compare`)."""

from bench.compare import compare_table


def _run(started, rows):
    return {"setup": {"started": started}, "rows": rows}


def _row(figure, value, unit):
    return {"scenario": "3 scoring", "figure": figure, "value": value, "unit": unit}


def test_a_slower_time_and_a_lower_throughput_both_count_as_worse():
    before = _run("day 1", [_row("p99", 100.0, "ms"), _row("throughput", 100.0, "req/s")])
    after = _run("day 2", [_row("p99", 130.0, "ms"), _row("throughput", 125.0, "req/s")])
    table = compare_table(before, after)
    assert "| 3 scoring | p99 | 100 ms | 130 ms | 30% worse | NO |" in table
    assert "| 3 scoring | throughput | 100 req/s | 125 req/s | 20% better | yes |" in table


def test_a_figure_measured_at_two_sizes_is_compared_size_by_size_and_new_ones_are_marked():
    before = _run("day 1", [_row("retrain", 5.0, "s"), _row("retrain", 30.0, "s")])
    after = _run("day 2", [_row("retrain", 5.5, "s"), _row("retrain", 29.0, "s"), _row("ref", 1.0, "s")])
    table = compare_table(before, after)
    assert "| 5 s | 5.5 s | 10% worse | yes |" in table
    assert "| 30 s | 29 s | 3% better | yes |" in table
    assert "| ref | (new) | 1 s |" in table
