"""Every page of a demo workspace: no inline script or event handler, free text escaped, linked
CSVs safe to open in a spreadsheet."""

import csv
import io
import re

from django.apps import apps
from django.db import IntegrityError, models, transaction

from analytics.exports_raw import DATASETS
from tests.leads.factories import LeadImportFactory
from tests.reliability.test_access_matrix import ALL_ROUTES, PAGE_ROUTES, PLAIN_KWARGS, _requires_write, _url
from workspaces.middleware import CSP
from workspaces.models import WorkspaceScopedModel

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
HANDLER_ATTRIBUTE = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
LINK = re.compile(r"""href=["']([^"']+)["']""")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# What a hostile user types into any free-text field: markup and a spreadsheet formula at once.
PAYLOAD = '=HYPERLINK("http://x")<script>alert(1)</script><img src=x onerror=alert(2)>'
SHORT_PAYLOAD = "=1+1<b onclick=z>"
RAW_MARKERS = ("<script>alert(1)", "<img src=x onerror=alert(2)>", "<b onclick=z>")


def _readable_page_urls(world):
    urls = []
    ids = {**PLAIN_KWARGS, **world.ids_a}
    for route in PAGE_ROUTES:
        if _requires_write(ALL_ROUTES[route].callback) is None:
            continue
        names = ALL_ROUTES[route].pattern.converters
        if any(name not in ids for name in names):
            continue
        if "dataset" in names:
            urls += [_url(route, {**ids, "dataset": dataset}) for dataset in DATASETS]
        else:
            urls.append(_url(route, ids))
    return urls


def _get_pages(world):
    """GET every page as A's owner: [(url, status, content type, body)], plus every CSV linked."""
    client = world.client(world.owner_a)
    seen, pages = set(), []
    queue = _readable_page_urls(world)
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code == 405:
            continue
        content_type = response.get("Content-Type", "")
        body = (
            b"".join(response.streaming_content)
            if getattr(response, "streaming", False)
            else response.content
        ).decode("utf-8", "replace")
        pages.append((url, response, content_type, body))
        if content_type.startswith("text/html"):
            for link in LINK.findall(body):
                link = link.replace("&amp;", "&")
                if ".csv" in link or "format=csv" in link:
                    queue.append(link if link.startswith("/") else url.split("?")[0] + link)
    return pages


def test_every_page_sends_the_csp_and_has_no_inline_script_or_handler(world):
    pages = _get_pages(world)
    html = [(url, response, body) for url, response, ctype, body in pages if ctype.startswith("text/html")]
    assert len(html) >= 20
    problems = []
    for url, response, body in html:
        if response.status_code >= 500:
            problems.append((url, response.status_code))
            continue
        if response.get("Content-Security-Policy") != CSP:
            problems.append((url, "no CSP header"))
        for attributes in SCRIPT_TAG.findall(body):
            if "src=" not in attributes and 'type="application/json"' not in attributes:
                problems.append((url, f"inline <script{attributes}>"))
        for match in HANDLER_ATTRIBUTE.findall(body):
            problems.append((url, f"inline handler: {match[:80]}"))
    assert not problems


def _fill_free_text(workspace):
    """Put the payload into every free-text field of every row of the workspace."""
    skipped = (models.SlugField, models.URLField, models.EmailField, models.UUIDField)
    filled = 0
    for model in _scoped_models():
        unique_together = {name for fields in model._meta.unique_together for name in fields}
        for constraint in model._meta.constraints:
            unique_together.update(getattr(constraint, "fields", ()) or ())
        for field in model._meta.concrete_fields:
            if not isinstance(field, (models.CharField, models.TextField)) or isinstance(field, skipped):
                continue
            if field.choices or field.unique or field.primary_key or field.name in unique_together:
                continue
            limit = field.max_length or 10_000
            value = (
                PAYLOAD if limit >= len(PAYLOAD) else SHORT_PAYLOAD if limit >= len(SHORT_PAYLOAD) else None
            )
            if value is None:
                continue
            try:
                with transaction.atomic():
                    filled += model.objects.filter(workspace=workspace).update(**{field.name: value})
            except IntegrityError:
                continue
    return filled


def _scoped_models():
    return [m for m in apps.get_models() if issubclass(m, WorkspaceScopedModel)]


def test_free_text_is_rendered_escaped_on_every_page(world):
    assert _fill_free_text(world.a) > 50
    pages = _get_pages(world)
    problems = []
    for url, response, content_type, body in pages:
        if response.status_code >= 500:
            problems.append((url, response.status_code))
        elif content_type.startswith("text/html"):
            problems += [(url, marker) for marker in RAW_MARKERS if marker in body]
    assert not problems
    # Control: the payload did reach the pages, escaped.
    assert any("&lt;script&gt;alert(1)" in body for _, _, _, body in pages)


def _formula_cells(body):
    bad = []
    for row in csv.reader(io.StringIO(body)):
        for cell in row:
            if cell.startswith(FORMULA_PREFIXES):
                try:
                    float(cell)  # a negative number is a number, not a formula
                except ValueError:
                    bad.append(cell[:60])
    return bad


def test_every_csv_export_escapes_formulas(world):
    _fill_free_text(world.a)
    pages = _get_pages(world)
    exports = [(url, response, body) for url, response, ctype, body in pages if ctype.startswith("text/csv")]
    assert len(exports) >= 6, [url for url, *_ in exports]
    problems = [(url, response.status_code) for url, response, _ in exports if response.status_code != 200]
    problems += [(url, cells[:3]) for url, _, body in exports if (cells := _formula_cells(body))]
    assert not problems
    # Control: the payload did reach some export, escaped with a leading quote.
    assert any("'=HYPERLINK" in body or "'=1+1" in body for _, _, body in exports)


def test_lead_import_errors_csv_escapes_formulas(owner_client, workspace):
    """A CSV's own column names and values come back in the import's errors file."""

    job = LeadImportFactory(
        workspace=workspace,
        errors=[[2, '=HYPERLINK("http://x","y")', "'@SUM(1+1)' is not a number"], [3, "+cmd", "-bad"]],
    )
    response = owner_client.get(f"/leads/import/{job.id}/errors.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert not _formula_cells(response.content.decode())
