"""`manage.py feedback capture|analyze|report|suggest`: the seed's command line on our services."""

import json
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.formatting import percent
from feedback.analysis import InsufficientData
from feedback.services import capture, patterns, reports, suggestions
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

    def handle(self, *args, **options):
        workspace, created = workspace_from_options(options, create=True)
        if created:
            self.stdout.write(f"Created workspace '{workspace.slug}'.")
        handler = getattr(self, f"do_{options['subcommand']}")
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


def _describe(exc):
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items())
    return " ".join(exc.messages)
