"""The "Download CSV" link beside a table (served by core.csv_export.TableCsvMiddleware)."""

from django import template
from django.utils.html import format_html

from core.csv_export import download_url

register = template.Library()


@register.simple_tag(takes_context=True)
def csv_link(context, name, label="Download CSV"):
    """A link that downloads the table marked data-csv="name" on this page, with the page's filters."""
    request = context.get("request")
    if request is None:
        return ""
    return format_html(
        '<p class="table-download"><a href="{}" download data-csv-link="{}">{}</a></p>',
        download_url(request, name),
        name,
        label,
    )
