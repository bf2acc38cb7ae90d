"""Turn internal keys into words people read: `unit_price` -> "Unit price", and signed point changes."""

import math

# Keys whose plain humanized form reads wrong; everything else is "Words like this".
KNOWN_LABELS = {
    "ctr": "CTR",
    "cr": "Conversion rate",
    "cpc": "CPC",
    "cpa": "CPA",
    "roi": "ROI",
    "crm": "CRM",
    "post_id": "Post ID",
    "lead_source": "Lead source",
}
ACRONYMS = {
    "id": "ID",
    "url": "URL",
    "csv": "CSV",
    "api": "API",
    "crm": "CRM",
    "ctr": "CTR",
    "ai": "AI",
    "llm": "LLM",
}
MINUS = "\u2212"


def humanize_key(value) -> str:
    """`days_since_contact` -> "Days since contact"; `scoring.model_promoted` -> "Scoring: model promoted".

    Text that is not a key (has spaces or capitals) is returned unchanged, so a label passed twice
    stays the label.
    """
    if value is None:
        return ""
    text = str(value)
    if not text or " " in text or text != text.lower():
        return text
    if "." in text:
        head, _, rest = text.partition(".")
        return f"{humanize_key(head)}: {humanize_key(rest)[:1].lower()}{humanize_key(rest)[1:]}"
    if text in KNOWN_LABELS:
        return KNOWN_LABELS[text]
    words = [w for w in text.replace("-", "_").split("_") if w]
    if not words:
        return text
    words = [ACRONYMS.get(w, w) for w in words]
    first = words[0]
    words[0] = first if first.isupper() else first[:1].upper() + first[1:]
    return " ".join(words)


def signed_points(value, digits=1) -> str:
    """A change in percentage points with its sign: "+1.8 points", "−3.1 points", "0.0 points"."""
    if value is None or value == "":
        return "–"
    try:
        number = float(value)
        digits = int(digits)
    except (TypeError, ValueError):
        return "–"
    if not math.isfinite(number):
        return "–"
    rounded = round(number, digits)
    body = f"{abs(rounded):.{digits}f}"
    sign = "+" if rounded > 0 else MINUS if rounded < 0 else ""
    return f"{sign}{body} points"


def readable_value(value) -> str:
    """A free attribute's value as text: a nested mapping as "Key: value; ...", a list joined by commas."""
    if value is None:
        return "–"
    if isinstance(value, dict):
        return "; ".join(f"{humanize_key(k)}: {readable_value(v)}" for k, v in value.items()) or "–"
    if isinstance(value, (list, tuple)):
        return ", ".join(readable_value(v) for v in value) or "–"
    return str(value)
