"""Walking an import's preview form in tests: the values the browser would send back."""

from html.parser import HTMLParser


class _PreviewForm(HTMLParser):
    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self.inside = False
        self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "import-preview":
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and attrs.get("name") and attrs.get("type") in ("hidden", "text", None):
            self.values[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":
            self.select = attrs.get("name")
            self.values.setdefault(self.select, "")
        elif tag == "option" and self.select and "selected" in attrs:
            self.values[self.select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "form":
            self.inside = False


def preview_values(response) -> dict[str, str]:
    """The preview form's fields as pre-filled (hidden fields and the pre-selected columns)."""
    parser = _PreviewForm()
    parser.feed(response.content.decode())
    assert parser.values, "no import preview form in the page"
    return parser.values


def selected_columns(response) -> dict[str, str]:
    return {
        k.removeprefix("column_"): v for k, v in preview_values(response).items() if k.startswith("column_")
    }
