"""Template filters for the content pages: rates as percentages with enough decimals for CTRs."""

from django import template

register = template.Library()


@register.filter
def percent(value, digits=2):
    """0.05123 -> "5.12%"; None -> "–"."""
    if value is None or value == "":
        return "–"
    try:
        return f"{float(value) * 100:.{int(digits)}f}%"
    except (TypeError, ValueError):
        return "–"
