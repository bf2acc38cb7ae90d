"""Numbers as people read them: fractions as percentages."""

MISSING = "–"


def percent(rate, digits=0, *, missing=MISSING, number=False):
    """A fraction in percent: ``percent(0.1234)`` -> ``"12%"``; ``None`` (or ``""``) -> ``missing``.

    ``digits`` decimals are kept; ``number=True`` gives the rounded number of percent instead of
    text (chart data), with ``None`` for a missing rate. What the old helpers printed:

    - pages, cards, reports, recommendations, suggestions (``"12%"``, ``"–"`` without data):
      ``percent(rate)``
    - the ``feedback`` command (``"12.3%"``, ``"n/a"``): ``percent(rate, 1, missing="n/a")``
    - the content pages' ``percent`` filter (``"5.12%"``): ``percent(rate, 2)``
    - chart data in percent, one decimal (feedback charts): ``percent(rate, 1, number=True)``
    - chart data in percent, three decimals (content charts): ``percent(rate, 3, number=True)``

    Text is ``f"{rate * 100:.{digits}f}%"``, so it matches ``f"{rate:.0%}"`` too.
    """
    if rate is None or rate == "":
        return None if number else missing
    if number:
        return round(rate * 100, digits)
    return f"{float(rate) * 100:.{int(digits)}f}%"
