"""The dashboard, the per-entity tables and the raw exports."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render

from analytics import exports_raw
from analytics.alerts import collect_alerts
from analytics.charts import trend_chart
from analytics.dashboard import dashboard_sections
from analytics.entities import TABLES
from analytics.figures import dashboard_figures
from analytics.periods import PRESETS, period_from
from workspaces.access import workspace_view


def _period(request):
    tz = zoneinfo.ZoneInfo(request.workspace.timezone)
    try:
        return period_from(request.GET, tz=tz), tz, {}
    except ValidationError as error:
        return period_from({}, tz=tz), tz, error.message_dict


@workspace_view
def dashboard(request):
    period, tz, period_errors = _period(request)
    loops = dashboard_figures(request.workspace, period, tz)
    for loop in loops:
        for figure in loop["figures"]:
            figure.chart = trend_chart(figure) if figure.trend else None
    context = {
        "period": period,
        "period_errors": period_errors,
        "presets": PRESETS,
        "loops": loops,
        "tables": [(key, label) for key, (label, _) in TABLES.items()],
    }
    if request.htmx:
        return render(request, "analytics/dashboard.html#figures", context)
    # The loops' cards feed both the highlights and the alerts: collect them once.
    highlights = dashboard_sections(request.workspace)
    context["highlights"] = highlights
    context["alerts"] = collect_alerts(request.workspace, sections=highlights)
    return render(request, "analytics/dashboard.html", context)


@workspace_view
def entity_table(request, table):
    if table not in TABLES:
        raise Http404("No such table.")
    label, build = TABLES[table]
    period, tz, period_errors = _period(request)
    result = build(request.workspace, period).apply(request.GET)
    if request.GET.get("format") == "csv":
        return result.csv_response()
    context = {
        "table": result,
        "table_key": table,
        "label": label,
        "period": period,
        "period_errors": period_errors,
        "presets": PRESETS,
        "tables": [(key, name) for key, (name, _) in TABLES.items()],
    }
    if request.htmx:
        return render(request, "analytics/table.html#rows", context)
    return render(request, "analytics/table.html", context)


@workspace_view
def export(request, dataset):
    if dataset not in exports_raw.DATASETS:
        raise Http404("No such export.")
    period, _, _ = _period(request)
    return exports_raw.export_response(request.workspace, dataset, period)
