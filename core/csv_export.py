"""Tables as CSV downloads: spreadsheet-safe cells, and any page's table served as CSV through the
page's own view (TableCsvMiddleware; docs/core.md)."""

from __future__ import annotations

import csv
import re
from datetime import date, datetime
from html.parser import HTMLParser

from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Plain numbers stay numbers in the spreadsheet: "-0.25" cannot run as a formula, "-1+2" can.
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")

QUERY_PARAMETER = "csv"
# Large enough for every row of any table at once; the page size of a download.
ALL_ROWS = 10**9
# A table download renders the page's table first, so it is bounded: a larger table is refused
# with a pointer to the streamed exports instead of tying up a web process for minutes.
MAX_DOWNLOAD_ROWS = 10_000


class TooManyRowsToDownload(Exception):
    def __init__(self, count):
        super().__init__(count)
        self.count = count


def safe_cell(value):
    """The value as a CSV cell; text that a spreadsheet would run as a formula is quoted with '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


class _Echo:
    def write(self, value):
        return value


def csv_lines(header, rows):
    """Encoded CSV lines: the header (if any), then each row (consumed lazily)."""
    writer = csv.writer(_Echo())
    if header:
        yield writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])


def _disposition(filename):
    name = slugify(filename.rsplit(".csv", 1)[0]) or "export"
    return f'attachment; filename="{name}.csv"'


def csv_response(filename, header, rows, stream=False):
    """A CSV download; `stream=True` for rows that come lazily from a large query."""
    if stream:
        response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse("".join(csv_lines(header, rows)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _disposition(filename)
    return response


def exporting(request):
    """True while the request is a table download (the view should then give every row)."""
    return bool(getattr(request, "csv_table", None))


def shown(request, limit):
    """How many rows a page lists (`[: shown(request, 20)]`): all of them, up to the bound, for a download."""
    return MAX_DOWNLOAD_ROWS if exporting(request) else limit


def page_of(request, items, per_page):
    """The page the request asks for, or every item on one page when the request is a download."""
    if not exporting(request):
        return Paginator(items, per_page).get_page(request.GET.get("page"))
    paginator = Paginator(items, ALL_ROWS)
    if paginator.count > MAX_DOWNLOAD_ROWS:
        raise TooManyRowsToDownload(paginator.count)
    return paginator.get_page(1)


# Text inside these is not part of a cell's value: controls, pictures, decorative marks.
_SKIPPED = {"script", "style", "svg", "button", "select", "textarea", "template", "form"}
# A line break inside a cell (a name over its title) becomes "; " so the two do not run together.
_LINE_BREAK = "\x00"
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _TableReader(HTMLParser):
    """Collects the header and body rows of the first <table data-csv="name">."""

    def __init__(self, name):
        super().__init__(convert_charrefs=True)
        self.name = name
        self.depth = 0  # >0 while inside the wanted table (nested tables count)
        self.done = False
        self.found = False
        self.section = "tbody"
        self.header_rows: list[list[str]] = []
        self.rows: list[list[str]] = []
        self.row: list[str] | None = None
        self.row_spans: list[int] = []
        self.cell: list[str] | None = None
        self.cell_value: str | None = None
        self.skipping = 0  # depth inside an element whose text is not part of the value

    def handle_starttag(self, tag, attrs):
        if self.done:
            return
        attributes = dict(attrs)
        if self.depth == 0:
            if tag == "table" and attributes.get("data-csv") == self.name:
                self.depth, self.found = 1, True
            return
        if self.skipping:
            if tag not in _VOID:
                self.skipping += 1
            return
        if tag == "table":
            self.depth += 1
            return
        if self.depth > 1:
            return
        if tag in ("thead", "tbody", "tfoot"):
            self.section = tag
        elif tag == "tr":
            self.row, self.row_spans = [], []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
            # A cell whose text is controls (feedback buttons) says its value in data-csv-value.
            self.cell_value = attributes.get("data-csv-value")
            span = attributes.get("colspan") or "1"
            self.row_spans.append(int(span) if span.isdigit() else 1)
        elif self.cell is not None and tag == "br":
            self.cell.append(_LINE_BREAK)
        elif (
            self.cell is not None
            and tag not in _VOID
            and (tag in _SKIPPED or attributes.get("aria-hidden") == "true" or "hidden" in attributes)
        ):
            self.skipping = 1

    def handle_startendtag(self, tag, attrs):
        if self.cell is not None and tag == "br" and not self.skipping:
            self.cell.append(_LINE_BREAK)

    def handle_endtag(self, tag):
        if self.done or self.depth == 0:
            return
        if self.skipping:
            if tag not in _VOID:
                self.skipping -= 1
            return
        if tag == "table":
            self.depth -= 1
            if self.depth == 0:
                self.done = True
            return
        if self.depth > 1:
            return
        if tag in ("td", "th") and self.cell is not None:
            text = self.cell_value if self.cell_value is not None else "".join(self.cell)
            lines = (" ".join(line.split()) for line in text.split(_LINE_BREAK))
            self.row.append("; ".join(line for line in lines if line))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self._end_row()
        elif tag in ("thead", "tbody", "tfoot"):
            self.section = "tbody"

    def handle_data(self, data):
        if self.cell is not None and not self.skipping and self.depth == 1:
            self.cell.append(data)

    def _end_row(self):
        row, spans = self.row, self.row_spans
        self.row = None
        if self.section == "thead":
            self.header_rows.append(row)
        elif self.section == "tbody" and not (len(row) == 1 and spans and spans[0] > 1):
            # A single cell across the whole table is a note ("No rows yet."), not a row.
            self.rows.append(row)


def read_table(html: str, name: str):
    """(header, rows) of the table named `name` in the page, or None when the page has no such table."""
    reader = _TableReader(name)
    reader.feed(html)
    reader.close()
    if not reader.found:
        return None
    header = reader.header_rows[-1] if reader.header_rows else []
    return header, reader.rows


class TableCsvMiddleware:
    """Answers `?csv=<table name>` on a page with that table as a CSV download.

    The page's own view runs first, so whoever cannot see the page (another workspace's member,
    a logged-out visitor) gets exactly the page's answer (404, redirect to log in) instead of rows.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def process_exception(self, request, exception):
        if isinstance(exception, TooManyRowsToDownload):
            return HttpResponse(
                f"This table has {exception.count:,} rows, more than the {MAX_DOWNLOAD_ROWS:,} a table "
                "download holds. Narrow it with the page's filters, or use the streamed exports listed "
                "on the dashboard under Details.",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return None

    def __call__(self, request):
        name = request.GET.get(QUERY_PARAMETER) if request.method == "GET" else None
        if not name or request.path.startswith("/api/"):
            return self.get_response(request)
        request.csv_table = name
        # The view sees the page's own query (a bound filter form stays exactly as on the page).
        query = request.GET.copy()
        del query[QUERY_PARAMETER]
        query._mutable = False
        request.GET = query
        response = self.get_response(request)
        if (
            response.status_code != 200
            or response.streaming
            or not response.get("Content-Type", "").startswith("text/html")
        ):
            return response
        table = read_table(response.content.decode(response.charset or "utf-8"), name)
        if table is None:
            return HttpResponse(
                "This page has no such table.", status=404, content_type="text/plain; charset=utf-8"
            )
        header, rows = table
        return csv_response(f"{name}-{timezone.localdate():%Y-%m-%d}", header, rows)


def download_url(request, name):
    """The current page's URL with its filters, without its page number, asking for table `name`."""
    query = request.GET.copy()
    for key in ("page", QUERY_PARAMETER):
        query.pop(key, None)
    query[QUERY_PARAMETER] = name
    return f"{request.path}?{query.urlencode()}"
