"""The dashboard, the per-entity tables and the raw exports."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render

from analytics import exports_raw
from analytics.alerts import collect_alerts
from analytics.charts import trend_chart
from analytics.dashboard import first_steps, loops_with_data
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


def _refused_download(errors):
    lines = [f"{field}: {' '.join(messages)}" for field, messages in errors.items()]
    return HttpResponse("\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8")


@workspace_view
def dashboard(request):
    period, tz, period_errors = _period(request)
    with_data = loops_with_data(request.workspace)
    loops = dashboard_figures(request.workspace, period, tz)
    for loop in loops:
        # A loop that never recorded anything shows its first steps, not empty figures.
        loop["first_steps"] = [] if loop["app"] in with_data else first_steps(loop["app"])
        for figure in loop["figures"]:
            figure.chart = trend_chart(figure)
    context = {
        "period": period,
        "period_errors": period_errors,
        "presets": PRESETS,
        "loops": loops,
        "empty_workspace": not with_data,
        "tables": [(key, label) for key, (label, _) in TABLES.items()],
    }
    # Refused parameters: the page still shows (the default period, the message beside the
    # field), answered 400 so that a client or a monitor sees the input was not taken; an htmx
    # swap stays 200, since htmx does not swap a 4xx and the message would not appear.
    status = 400 if period_errors and not request.htmx else 200
    if request.htmx:
        return render(request, "analytics/dashboard.html#figures", context, status=status)
    context["alerts"] = collect_alerts(request.workspace)
    return render(request, "analytics/dashboard.html", context, status=status)


@workspace_view
def entity_table(request, table):
    if table not in TABLES:
        raise Http404("No such table.")
    label, build = TABLES[table]
    period, tz, period_errors = _period(request)
    result = build(request.workspace, period).apply(request.GET)
    if request.GET.get("format") == "csv":
        if period_errors:
            return _refused_download(period_errors)
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
    status = 400 if period_errors and not request.htmx else 200
    if request.htmx:
        return render(request, "analytics/table.html#rows", context, status=status)
    return render(request, "analytics/table.html", context, status=status)


@workspace_view
def export(request, dataset):
    if dataset not in exports_raw.DATASETS:
        raise Http404("No such export.")
    period, _, period_errors = _period(request)
    if period_errors:
        # A download must not silently hold another period than the one asked for.
        return _refused_download(period_errors)
    return exports_raw.export_response(request.workspace, dataset, period)
