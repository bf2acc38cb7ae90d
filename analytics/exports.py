"""Streamed CSV exports that are safe to open in a spreadsheet."""

import csv

from django.http import StreamingHttpResponse
from django.utils.text import slugify

from analytics.spreadsheet import safe_cell


class _Echo:
    def write(self, value):
        return value


def csv_rows(header, rows):
    """Yield encoded CSV lines: the header, then each row (an iterable, consumed lazily)."""
    writer = csv.writer(_Echo())
    yield writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])


def streamed_csv_response(filename, header, rows):
    """A download that streams: rows should come from `queryset.values_list(...).iterator()`."""
    response = StreamingHttpResponse(csv_rows(header, rows), content_type="text/csv; charset=utf-8")
    name = slugify(filename.rsplit(".csv", 1)[0]) or "export"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
