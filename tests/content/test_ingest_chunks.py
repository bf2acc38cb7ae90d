"""CSV ingestion works a chunk of rows at a time: line numbers, replacements and progress must
come out exactly as if every row were stored on its own."""

import pytest

from content.models import DailyMetric, Post
from content.services.ingest import ingest_csv_text

pytestmark = pytest.mark.django_db

HEADER = "post_id,brand,platform,variant,experiment,text,date,impressions,clicks,conversions,revenue\n"


def _line(post, day, impressions, clicks, brand="Acme", variant="A"):
    return (
        f"{post},{brand},facebook,{variant},spring,Text {post},2026-03-{day:02d},{impressions},{clicks},0,0\n"
    )


def test_bad_rows_in_several_chunks_are_reported_with_their_file_line(workspace):
    lines = []
    for k in range(25):
        # every 7th row has more clicks than impressions
        lines.append(_line(f"p{k % 4}", 1 + k, 100, 200 if k % 7 == 3 else 10))
    progress = []
    result = ingest_csv_text(
        workspace, HEADER + "".join(lines), progress=lambda *args: progress.append(args[:3]), every=5
    )
    bad_lines = [error["line"] for error in result["errors"]]
    assert bad_lines == [k + 2 for k in range(25) if k % 7 == 3]
    assert result["ingested"] == 25 - len(bad_lines)
    assert DailyMetric.objects.for_workspace(workspace).count() == result["ingested"]
    assert [p[0] for p in progress] == [5, 10, 15, 20, 25]
    assert progress[-1] == (25, 25, result["ingested"])


def test_the_same_post_and_day_twice_keeps_the_later_row_within_and_across_chunks(workspace):
    text = HEADER + _line("p1", 1, 100, 1) + _line("p1", 1, 100, 2) + _line("p1", 1, 100, 3)
    ingest_csv_text(workspace, text, every=2)
    rows = DailyMetric.objects.for_workspace(workspace)
    assert [(row.date.day, row.clicks) for row in rows] == [(1, 3)]
    ingest_csv_text(workspace, HEADER + _line("p1", 1, 100, 3), every=2)
    assert DailyMetric.objects.for_workspace(workspace).count() == 1


def test_a_post_created_in_a_chunk_keeps_its_brand_for_the_rows_after_it(workspace):
    text = HEADER + _line("p1", 1, 100, 1) + _line("p1", 2, 100, 1, brand="Other") + _line("p1", 3, 50, 5)
    result = ingest_csv_text(workspace, text, every=10)
    assert [(e["line"], list(e["errors"])) for e in result["errors"]] == [(3, ["brand"])]
    assert Post.objects.for_workspace(workspace).count() == 1
    assert sorted(m.date.day for m in DailyMetric.objects.for_workspace(workspace)) == [1, 3]
