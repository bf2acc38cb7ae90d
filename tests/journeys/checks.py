"""What a person would notice on any page, checked the same way on every page a journey visits."""

import os
import re
from pathlib import Path

SHOTS_DIR = Path(
    os.environ.get("JOURNEY_SCREENSHOTS", Path(__file__).resolve().parents[2] / "var" / "journeys")
)

# A raw key (two or more lower-case words joined by underscores) or a Python value printed as is.
RAW_KEY = re.compile(r"(?<![\w@./:-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@./-])")
PYTHON_REPR = re.compile(
    r"object at 0x|Decimal\(|datetime\.|\bQuerySet\b|<[A-Z]\w+: |\{'|\['|\bnan\b|\bNaN\b"
)
HTMX_ABORT_EVENTS = {"htmx:sendAbort", "htmx:afterRequest"}
# A value that is nothing but Python's spelling of "no value".
PYTHON_SCALAR = {"None", "nan", "NaN", "inf", "-inf", "True", "False", "[]", "{}"}

VISIBLE_TEXT = """
() => {
  const skip = "code, pre, kbd, samp, script, style, template, [data-raw], .visually-hidden";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!el || el.closest(skip)) continue;
    if (!el.checkVisibility || !el.checkVisibility()) continue;
    const text = node.textContent.trim();
    if (text) parts.push(text);
  }
  return parts;
}
"""

UNLABELLED_FIELDS = """
() => Array.from(document.querySelectorAll("input, select, textarea"))
  .filter(f => !["hidden", "submit", "button", "reset", "image"].includes(f.type))
  .filter(f => f.checkVisibility ? f.checkVisibility() : true)
  .filter(f => !(f.labels && f.labels.length) && !f.getAttribute("aria-label")
               && !f.getAttribute("aria-labelledby") && !f.title)
  .map(f => f.outerHTML.slice(0, 160))
"""

LAYOUT = """
() => ({
  overflow: document.documentElement.scrollWidth - window.innerWidth,
  widest: Array.from(document.querySelectorAll("body *"))
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                 && !e.closest(".table-scroll, .chart-box, [data-scroll]")
                 && getComputedStyle(e).position !== "fixed")
    .slice(0, 3).map(e => e.tagName.toLowerCase() + "." + (e.className || "").toString().slice(0, 40)),
  headers: document.querySelectorAll("header.site-header").length,
  current: Array.from(document.querySelectorAll("header.site-header [aria-current='page']"))
    .map(e => e.textContent.trim()),
})
"""


class PageWatch:
    """Listens to one browser page for console errors, uncaught exceptions and failed requests."""

    def __init__(self, page, allowed_statuses=(400, 422)):
        self.page = page
        self.allowed_statuses = set(allowed_statuses)
        self.problems = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught error: {error}"))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)

    def _console(self, message):
        # htmx logs an aborted request (the page moved on while it was pending, as ERR_ABORTED
        # below) as these two events ("<event>, <target>"); a failed answer still shows as its
        # status or failure.
        if message.type == "error" and message.text.split(",")[0] in HTMX_ABORT_EVENTS:
            return
        if message.type == "error" and "Failed to load resource" not in message.text:
            self.problems.append(f"console error: {message.text}")

    def _request_failed(self, request):
        failure = request.failure or ""
        if "ERR_ABORTED" not in failure:  # a navigation that replaced a pending request
            self.problems.append(f"request failed: {request.method} {request.url} ({failure})")

    def _response(self, response):
        status = response.status
        if status >= 500 or (status >= 400 and status not in self.allowed_statuses):
            self.problems.append(f"HTTP {status}: {response.request.method} {response.url}")

    def take(self):
        problems, self.problems = self.problems, []
        return problems


def check_page(page, watch, name, current_tab=None, allow_raw=()):
    """Every generic check on the page now shown; saves its screenshot; returns the problems found."""
    page.wait_for_load_state("networkidle")
    viewport = page.viewport_size
    folder = SHOTS_DIR / f"{viewport['width']}x{viewport['height']}"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    problems = list(watch.take())
    layout = page.evaluate(LAYOUT)
    if layout["headers"] != 1:
        problems.append(f"{layout['headers']} site headers on the page")
    if layout["overflow"] > 1:
        problems.append(f"page is {layout['overflow']} px wider than the screen: {layout['widest']}")
    if current_tab and layout["current"] != [current_tab]:
        problems.append(f"current tab marked {layout['current']}, expected [{current_tab!r}]")
    for text in page.evaluate(VISIBLE_TEXT):
        for key in RAW_KEY.findall(text):
            if key not in allow_raw:
                problems.append(f"raw key {key!r} in {text[:80]!r}")
        if PYTHON_REPR.search(text) or text in PYTHON_SCALAR:
            problems.append(f"Python value shown: {text[:80]!r}")
    for field in page.evaluate(UNLABELLED_FIELDS):
        problems.append(f"field without a label: {field}")
    return [f"{name} @{viewport['width']}px: {problem}" for problem in problems]
