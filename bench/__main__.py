"""`python -m bench`: run the scenarios, print a Markdown table, write bench/results.json.

python -m bench                      # every scenario at the issue's sizes
python -m bench --quick              # small sizes, for development
python -m bench --only filtering,scoring
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback
from pathlib import Path

import django
from django.core.management import call_command
from django.utils import timezone

from bench import environment as bench_environment
from bench.runner import Row, markdown_table, write_results

# Run order: the fixed-size scenarios first, then those that size themselves to the time left
# (retraining before scoring, which reuses its trained workspace). The table follows the issue.
SCENARIOS = {
    "filtering": "bench.scenario_filtering",
    "feedback": "bench.scenario_feedback",
    "matching": "bench.scenario_matching",
    "dashboard": "bench.scenario_dashboard",
    "retraining": "bench.scenario_retraining",
    "scoring": "bench.scenario_scoring",
    "outcomes": "bench.scenario_outcomes",
    "content": "bench.scenario_content",
    "import": "bench.scenario_import",
    "preference_learning": "bench.scenario_preference_learning",
    "call_list_learning": "bench.scenario_call_list_learning",
    "stated_priorities": "bench.scenario_stated_priorities",
    "winner_rule": "bench.scenario_winner_rule",
    "pairwise": "bench.scenario_pairwise",
}
BUDGET_SECONDS = 14 * 60  # `make bench` must finish within 15 minutes, teardown included
# How the time left is shared between the scenarios still to run (by their amount of work).
WEIGHTS = {"filtering": 0.3, "feedback": 1.0, "matching": 1.2, "dashboard": 1.5, "retraining": 2.0,
           "scoring": 1.2, "outcomes": 0.6, "content": 1.2, "import": 1.2, "preference_learning": 0.6, "call_list_learning": 0.3,
           "stated_priorities": 0.1, "winner_rule": 0.1, "pairwise": 0.3}  # fmt: skip
DEFAULT_OUTPUT = Path(__file__).resolve().parent / "results.json"


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    sizes = parser.add_mutually_exclusive_group()
    sizes.add_argument(
        "--quick", action="store_const", dest="preset", const="quick", help="small sizes (2%%)"
    )
    sizes.add_argument("--medium", action="store_const", dest="preset", const="medium", help="10%% sizes")
    sizes.add_argument("--tiny", action="store_const", dest="preset", const="tiny", help="smoke-test sizes")
    parser.add_argument("--only", default="", help=f"comma-separated subset of: {', '.join(SCENARIOS)}")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where results.json goes")
    parser.add_argument("--keep-files", action="store_true", help="keep the temporary folder (logs)")
    parser.add_argument(
        "--markdown",
        type=Path,
        default=None,
        help="also write the table to this file (a folder: RESULTS-<setup>.md in it)",
    )
    args = parser.parse_args(argv)
    args.preset = args.preset or "full"
    chosen = [name.strip() for name in args.only.split(",") if name.strip()] or list(SCENARIOS)
    unknown = [name for name in chosen if name not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}")
    args.scenarios = [name for name in SCENARIOS if name in chosen]
    return args


def header(setup: dict) -> str:
    m = setup["machine"]
    return "\n".join(
        [
            f"Setup: {setup['setup']} ({setup['database_version']}); sizes: {setup['preset']}",
            f"Machine: {m['cores']} cores ({m['usable_cores']} usable), {m['cpu']}, {m['memory_gb']} GB RAM, "
            f"{m['system']}, Python {m['python']}",
            f"Measured: {setup['started']}; total {setup.get('elapsed', 0):.0f} s",
        ]
    )


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    environment = bench_environment.prepare()
    started = time.perf_counter()
    rows: list[Row] = []
    failed = []
    try:
        django.setup()

        from bench.context import Context  # noqa: PLC0415 - needs django.setup(), after environment.prepare()

        print(
            f"bench: {environment.describe()}, sizes {args.preset}; migrating…", file=sys.stderr, flush=True
        )
        call_command("migrate", verbosity=0, interactive=False)
        setup = {
            "setup": environment.describe(),
            "kind": environment.kind,
            "preset": args.preset,
            "started": timezone.now().strftime("%Y-%m-%d %H:%M UTC"),
            "machine": bench_environment.machine(),
            **bench_environment.server_versions(),
        }
        context = Context(args.preset, environment, environment.var_dir)
        deadline = started + BUDGET_SECONDS
        for position, name in enumerate(args.scenarios):
            # Each scenario may use its weighted share of the time left (at least 30 s).
            weight = WEIGHTS[name] / sum(WEIGHTS[later] for later in args.scenarios[position:])
            context.share = max(30.0, (deadline - time.perf_counter()) * weight)
            print(f"bench: {name} (share {context.share:.0f} s)…", file=sys.stderr, flush=True)
            began = time.perf_counter()
            try:
                module = importlib.import_module(SCENARIOS[name])
                found = module.run(context)
            except Exception as error:  # noqa: BLE001 - one broken scenario must not hide the others
                traceback.print_exc()
                failed.append(name)
                found = [
                    Row(f"{name}", "scenario FAILED", "", None, "", note=f"{type(error).__name__}: {error}")
                ]
            rows.extend(found)
            print(f"bench: {name} took {time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
            for row in found:
                print("   ", markdown_table([row]).splitlines()[-1], file=sys.stderr, flush=True)
        # Scenarios run in the order their data is shared (retraining before scoring); the table
        # follows the numbering.
        rows.sort(key=lambda row: int(row.scenario.split()[0]) if row.scenario[:1].isdigit() else 99)
        setup["elapsed"] = time.perf_counter() - started
        setup["failed"] = failed
        table = header(setup) + "\n\n" + markdown_table(rows)
        print(table)
        write_results(args.output, setup, rows, setup["elapsed"])
        if args.markdown:
            # A folder gets one file per setup, so the SQLite and PostgreSQL tables live side by side.
            target = (
                args.markdown / f"RESULTS-{environment.kind}.md" if args.markdown.is_dir() else args.markdown
            )
            target.write_text(table + "\n")
    finally:
        bench_environment.tear_down(environment, keep_files=args.keep_files)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
