"""`manage.py feedback capture|analyze|report|suggest|judge|import-judgments|board`: the seed's
command line on our services, and the pairwise judgments'."""

import json
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.formatting import percent
from feedback.analysis import InsufficientData
from feedback.services import capture, pairwise, patterns, reports, suggestions
from workspaces.commands import add_workspace_argument, workspace_from_options

NA = "n/a"


class Command(BaseCommand):
    help = "Capture feedback on generated outputs, analyse patterns, write reports, get suggestions."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")

        def subparser(name, help_text):
            p = sub.add_parser(name, help=help_text)
            add_workspace_argument(
                p,
                create=True,
                default="default",
                help="Workspace slug (created when it does not exist yet). Default: default.",
            )
            return p

        capture = subparser("capture", "Store one rated output.")
        capture.add_argument("--prompt", required=True)
        capture.add_argument("--output", required=True)
        capture.add_argument("--rating", required=True, type=int, help="1 to 5.")
        thumbs = capture.add_mutually_exclusive_group()
        thumbs.add_argument("--thumbs-up", action="store_true")
        thumbs.add_argument("--thumbs-down", action="store_true")
        capture.add_argument("--tags", default="", help="Comma-separated tags.")
        capture.add_argument("--framework", default="")
        capture.add_argument("--model", default="")
        capture.add_argument("--notes", default="")
        capture.add_argument("--context", default="", help="Extra context as a JSON object.")

        analyze = subparser("analyze", "Analyse the patterns of recent feedback.")
        analyze.add_argument("--days", type=int, default=7)
        analyze.add_argument("--min-samples", type=int, default=None)
        analyze.add_argument("--json", action="store_true", help="Print the analysis as JSON.")

        report = subparser("report", "Write the weekly or monthly improvement report.")
        report.add_argument("--period", choices=["weekly", "monthly"], default="weekly")
        report.add_argument("--date", default="", help="A day in the period (default: today).")
        report.add_argument("--output", default="", help="Also write the report to this JSON file.")

        suggest = subparser("suggest", "Suggest prompt improvements.")
        suggest.add_argument("--framework", default="")
        suggest.add_argument("--days", type=int, default=7)
        suggest.add_argument("--limit", type=int, default=5)

        judge = subparser("judge", "Store one pairwise judgment: which of two outputs of a prompt is better.")
        judge.add_argument("--prompt", required=True)
        judge.add_argument("--output-a", required=True, help="The left output.")
        judge.add_argument("--output-b", required=True, help="The right output.")
        judge.add_argument("--verdict", required=True, help="a (A is better), b (B is better) or tie.")
        for side in ("a", "b"):
            for name in ("variant", "framework", "model"):
                judge.add_argument(
                    f"--{side}-{name}", default="", help=f"The {name} of output {side.upper()}."
                )
        judge.add_argument("--notes", default="")

        imports = subparser("import-judgments", "Import a CSV of pairwise judgments (all or nothing).")
        imports.add_argument("file", help="CSV with prompt, left_output, right_output, verdict, ...")

        board = subparser("board", "The Bradley-Terry board of the pairwise judgments.")
        board.add_argument("--days", type=int, default=None, help="Only judgments of the last N days.")
        board.add_argument("--json", action="store_true", help="Print the board as JSON.")

    def handle(self, *args, **options):
        workspace, created = workspace_from_options(options, create=True)
        if created:
            self.stdout.write(f"Created workspace '{workspace.slug}'.")
        handler = getattr(self, f"do_{options['subcommand'].replace('-', '_')}")
        try:
            handler(workspace, options)
        except InsufficientData as exc:
            raise CommandError(
                f"Insufficient feedback data: {exc.count} entries in workspace "
                f"'{workspace.slug}', at least {exc.threshold} needed. Capture more feedback or "
                "lower --min-samples."
            ) from None
        except ValidationError as exc:
            raise CommandError(_describe(exc)) from None

    def do_capture(self, workspace, options):
        context = {}
        if options["context"]:
            try:
                context = json.loads(options["context"])
            except json.JSONDecodeError:
                raise CommandError("--context must be a JSON object.") from None
        thumbs = "up" if options["thumbs_up"] else "down" if options["thumbs_down"] else None
        entry = capture.capture_entry(
            workspace,
            prompt=options["prompt"],
            output=options["output"],
            rating=options["rating"],
            thumbs=thumbs,
            tags=options["tags"],
            framework=options["framework"],
            model=options["model"],
            notes=options["notes"],
            context=context,
        )
        self.stdout.write(self.style.SUCCESS(f"Captured feedback {entry.pk} (rating {entry.rating})."))

    def do_analyze(self, workspace, options):
        result = patterns.analyze_workspace(
            workspace, days=options["days"], min_samples=options["min_samples"]
        )
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
            return
        low, high = result["success_interval"]
        w = self.stdout.write
        w(f"Feedback analysis, last {options['days']} days, workspace '{workspace.slug}'")
        w(
            f"  {result['total_feedback']} entries: {result['positive_count']} successful, "
            f"{result['negative_count']} not; success rate {percent(result['success_rate'], 1, missing=NA)} "
            f"(95% CI {percent(low, 1, missing=NA)}-{percent(high, 1, missing=NA)}); average rating {result['avg_rating']:.2f}"
        )
        for title, key in (
            ("By tag", "tag_performance"),
            ("By framework", "framework_performance"),
            ("By model", "model_performance"),
        ):
            w(f"{title}:")
            rows = result[key]
            if not rows:
                w(f"  (no group has {result['min_samples']} or more entries)")
            for name, s in rows.items():
                w(
                    f"  {name}: {percent(s['success_rate'], 1, missing=NA)} (n={s['n']}, 95% CI "
                    f"{percent(s['interval_low'], 1, missing=NA)}-{percent(s['interval_high'], 1, missing=NA)}), "
                    f"avg rating {s['avg_rating']:.2f}"
                )
        for title, key in (
            ("Phrases of successful prompts", "common_positive_patterns"),
            ("Phrases of failed prompts", "common_negative_patterns"),
        ):
            w(f"{title}:")
            if not result[key]:
                w("  (none statistically clear)")
            for row in result[key]:
                w(
                    f'  "{row["phrase"]}": {row["success_count"]} successful, '
                    f"{row['failure_count']} failed, z={row['z']:.1f}"
                )
        w("Recommendations:")
        for text in result["recommendations"]:
            w(f"  - {text}")

    def do_report(self, workspace, options):
        day = None
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date must look like 2026-11-25.") from None
        report = reports.write_report(workspace, options["period"], day)
        data = report.data
        if data["total_prompts"] == 0:
            raise CommandError(
                f"Insufficient feedback data: 0 entries in {data['period']} "
                f"({data['start_date']} to {data['end_date']}), at least 1 needed."
            )
        change = data["improvement_vs_previous"]
        w = self.stdout.write
        w(f"{options['period'].title()} report {data['period']} ({data['start_date']} to {data['end_date']})")
        w(
            f"  {data['total_prompts']} prompts, average rating {data['avg_rating']:.2f}, "
            f"success rate {percent(data['success_rate'], 1, missing=NA)}, "
            f"change vs previous: {'n/a' if change is None else f'{change:+.1f} points'}"
        )
        for item in data["action_items"]:
            w(f"  - {item}")
        if options["output"]:
            path = Path(options["output"])
            try:
                path.write_text(json.dumps(data, indent=2))
            except OSError as exc:
                raise CommandError(f"Could not write {path}: {exc.strerror}.") from None
            w(self.style.SUCCESS(f"Wrote {path}."))

    def do_suggest(self, workspace, options):
        answer = suggestions.suggestions_for(
            workspace,
            framework=options["framework"] or None,
            days=options["days"],
            limit=options["limit"],
        )
        if answer["note"]:
            self.stdout.write(f"Note: {answer['note']}")
        for number, item in enumerate(answer["suggestions"], start=1):
            self.stdout.write(f"{number}. {item['title']}: {item['suggestion']}")
            if item.get("evidence"):
                self.stdout.write(f"   Evidence: {item['evidence']}")

    def do_judge(self, workspace, options):
        sides = {f"{side}_{name}": options[f"{letter}_{name}"] for side, letter in (("left", "a"), ("right", "b"))
                 for name in ("variant", "framework", "model")}  # fmt: skip
        judgment = pairwise.capture_judgment(
            workspace,
            prompt=options["prompt"],
            left_output=options["output_a"],
            right_output=options["output_b"],
            verdict=options["verdict"],
            notes=options["notes"],
            **sides,
        )
        self.stdout.write(
            self.style.SUCCESS(f"Stored judgment {judgment.pk} ({judgment.get_verdict_display()}).")
        )

    def do_import_judgments(self, workspace, options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Could not read {path}: {exc.strerror}.") from None
        result = pairwise.import_judgments(workspace, data)
        if result["refused"]:
            lines = [f"line {line}, {column}: {reason}" for line, column, reason in result["errors"][:20]]
            raise CommandError(
                f"{result['skipped']} bad row(s), nothing stored (all or nothing):\n  " + "\n  ".join(lines)
            )
        self.stdout.write(self.style.SUCCESS(f"Stored {result['stored']} judgments."))

    def do_board(self, workspace, options):
        if options["days"] is not None and not 1 <= options["days"] <= 3660:
            raise CommandError("--days must be from 1 to 3660.")
        result = pairwise.board_json(pairwise.board(workspace, options["days"]))
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
            return
        w = self.stdout.write
        w(
            f"Pairwise board, workspace '{workspace.slug}': {result['judgments']} judgments ({result['ties']} ties)"
        )
        for kind in result["kinds"]:
            w(f"{kind['title']}:")
            if not kind["comparisons"]:
                w("  (no judgment compares two different ones yet)")
                continue
            for row in kind["rows"]:
                if not row["comparisons"]:
                    w(f"  {row['item']}: no comparisons yet")
                    continue
                low, high = row["beats_average_interval"]
                w(
                    f"  {row['item']}: beats an average one {percent(row['beats_average'], 0)} (95% CI "
                    f"{percent(low, 0)}-{percent(high, 0)}), strength {row['strength']:+.2f}, "
                    f"{row['comparisons']} comparisons"
                )
            for pair in kind["suggested"][:3]:
                w(f"  judge next: {pair['left']} vs {pair['right']} ({pair['comparisons']} so far)")


def _describe(exc):
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items())
    return " ".join(exc.messages)
