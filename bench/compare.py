"""`python -m bench.compare BEFORE.json AFTER.json`: two bench runs side by side, as a Markdown table."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

WORSE_BY = 0.25  # the bar: no figure worse by more than this without a stated reason


def higher_is_better(unit: str) -> bool:
    return unit.endswith("/s")


def _keyed(rows: list[dict]) -> dict:
    """Rows by (scenario, figure, n-th occurrence): one figure can be measured at several sizes."""
    seen: dict = {}
    keyed = {}
    for row in rows:
        base = (row["scenario"], row["figure"])
        seen[base] = seen.get(base, 0) + 1
        keyed[(*base, seen[base])] = row
    return keyed


def change(before: float, after: float, unit: str) -> float:
    """How much worse `after` is than `before` (0.3 = 30% worse; negative = better)."""
    if higher_is_better(unit):
        return before / after - 1 if after else float("inf")
    return after / before - 1 if before else float("inf")


def _value(row: dict) -> str:
    value, unit = row["value"], row["unit"]
    text = f"{value:,.0f}" if value >= 100 else f"{value:,.3g}"
    return f"{text} {unit}"


def compare_table(before: dict, after: dict) -> str:
    old, new = _keyed(before["rows"]), _keyed(after["rows"])
    lines = [
        f"| scenario | figure | before ({before['setup']['started']}) | after ({after['setup']['started']}) "
        "| change | within 25% |",
        "|---|---|---|---|---|---|",
    ]
    for key, row in new.items():
        was = old.get(key)
        if was is None or was["unit"] != row["unit"]:
            lines.append(f"| {row['scenario']} | {row['figure']} | (new) | {_value(row)} |  |  |")
            continue
        worse = change(was["value"], row["value"], row["unit"])
        verdict = "yes" if worse <= WORSE_BY else "NO"
        word = "worse" if worse > 0 else "better"
        lines.append(
            f"| {row['scenario']} | {row['figure']} | {_value(was)} | {_value(row)} "
            f"| {abs(worse):.0%} {word} | {verdict} |"
        )
    for key, was in old.items():
        if key not in new:
            lines.append(f"| {was['scenario']} | {was['figure']} | {_value(was)} | (not measured) |  |  |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    print(compare_table(json.loads(args.before.read_text()), json.loads(args.after.read_text())))


if __name__ == "__main__":
    main()
