from datetime import UTC, datetime

from core.csv_export import csv_lines, csv_response, safe_cell


def test_formula_like_cells_are_escaped():
    for value in ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx"]:
        assert safe_cell(value) == "'" + value


def test_ordinary_values_are_kept():
    assert safe_cell("Acme") == "Acme"
    assert safe_cell(-3) == -3
    assert safe_cell(None) == ""
    assert safe_cell(True) == "true"
    assert safe_cell(datetime(2026, 1, 2, tzinfo=UTC)) == "2026-01-02T00:00:00+00:00"


def test_rows_are_streamed_lazily():
    consumed = []

    def rows():
        for i in range(3):
            consumed.append(i)
            yield [i, f"=evil{i}"]

    lines = csv_lines(["n", "text"], rows())
    assert next(lines) == "n,text\r\n"
    assert consumed == []
    assert next(lines) == "0,'=evil0\r\n"


def test_response_is_an_attachment():
    response = csv_response("Agents export.csv", ["a"], iter([[1]]), stream=True)
    assert response["Content-Disposition"] == 'attachment; filename="agents-export.csv"'
    assert b"".join(response.streaming_content) == b"a\r\n1\r\n"
