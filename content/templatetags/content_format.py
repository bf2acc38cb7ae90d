"""Template filters for the content pages: rates as percentages with enough decimals for CTRs."""

from django import template

from core.formatting import percent as format_percent

register = template.Library()


@register.filter
def percent(value, digits=2):
    """0.05123 -> "5.12%"; None -> "–"."""
    try:
        return format_percent(value, digits)
    except (TypeError, ValueError):
        return "–"


@register.filter
def probability(value):
    """A probability to be best: 0.99996 -> ">99.9%", 0.5 -> "50.0%"; None -> "–"."""
    if value is None or value == "":
        return "–"
    value = float(value)
    if value >= 0.9995:
        return ">99.9%"
    if 0 < value < 0.0005:
        return "<0.1%"
    return f"{value * 100:.1f}%"


@register.filter
def signed_percent(value, digits=1):
    """A relative lift with its sign: 0.0312 -> "+3.1%", -0.02 -> "-2.0%"; None -> "–"."""
    try:
        return f"{float(value) * 100:+.{int(digits)}f}%"
    except (TypeError, ValueError):
        return "–"
