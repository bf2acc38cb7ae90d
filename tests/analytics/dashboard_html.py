"""Reads the dashboard's figure cards, alerts and first steps out of the rendered page."""

from html.parser import HTMLParser

FIELDS = ("data-value", "data-n", "data-covers", "data-change", "data-detail", "data-single-point")
VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr"}


class _Cards(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cards = []  # one dict per figure card, in page order
        self.alerts = []  # (kind, text, href)
        self.first_steps = []  # (loop, href)
        self.canvases = 0
        self._stack = []  # (tag, what it opened: "card", a field name, "alert" or None)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "canvas":
            self.canvases += 1
        opened = None
        if "data-figure" in attrs:
            self.cards.append({"key": attrs["data-figure"], "kind": attrs.get("data-kind")})
            opened = "card"
        elif "data-alert" in attrs:
            self.alerts.append({"kind": attrs["data-alert"], "text": "", "href": None})
            opened = "alert"
        elif "data-first-step" in attrs:
            self.first_steps.append({"loop": attrs["data-first-step"], "href": None})
            opened = "step"
        else:
            opened = next((name for name in FIELDS if name in attrs), None)
        if tag == "a" and self._inside("alert"):
            self.alerts[-1]["href"] = attrs.get("href")
        if tag == "a" and self._inside("step"):
            self.first_steps[-1]["href"] = self.first_steps[-1]["href"] or attrs.get("href")
        if tag not in VOID:
            self._stack.append((tag, opened))

    def handle_endtag(self, tag):
        while self._stack:
            open_tag, _ = self._stack.pop()
            if open_tag == tag:
                break

    def _inside(self, what):
        return any(opened == what for _, opened in self._stack)

    def handle_data(self, data):
        for _, opened in reversed(self._stack):
            if opened in FIELDS and self._inside("card"):
                key = opened.removeprefix("data-")
                self.cards[-1][key] = " ".join((self.cards[-1].get(key, "") + " " + data).split())
                break
        if self._inside("alert"):
            self.alerts[-1]["text"] += data


def read_dashboard(html):
    parser = _Cards()
    parser.feed(html)
    for alert in parser.alerts:
        alert["text"] = " ".join(alert["text"].split())
    return parser
