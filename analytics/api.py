"""JSON API of the analytics app: the dashboard's figures."""

import zoneinfo

from ninja import Router, Schema

from analytics.alerts import collect_alerts
from analytics.figures import dashboard_figures
from analytics.periods import period_from

router = Router(tags=["analytics"])


class FigureOut(Schema):
    key: str
    loop: str
    title: str
    kind: str
    value: float | int | str | None
    display: str
    n: int | None
    n_label: str
    covers: str
    previous: float | int | None
    previous_n: int | None
    change: dict | None
    change_display: str
    interval: list[float] | None
    detail: str
    url: str
    explanation: str
    trend: list[dict]


class AlertOut(Schema):
    source: str
    kind: str
    message: str
    at: str | None
    url: str
    level: str


class DashboardOut(Schema):
    workspace: str
    period: dict
    previous_period: dict
    figures: list[FigureOut]
    alerts: list[AlertOut]


@router.get("/analytics/dashboard", response=DashboardOut, summary="The dashboard's figures as JSON")
def dashboard(request, days: int | None = None, start: str | None = None, end: str | None = None):
    """Same figures as the dashboard page: `days` (7, 30, 90) or `start`/`end` (YYYY-MM-DD, inclusive)."""
    tz = zoneinfo.ZoneInfo(request.workspace.timezone)
    params = {key: value for key, value in {"days": days, "start": start, "end": end}.items() if value}
    period = period_from(params, tz=tz)
    figures = [
        f.as_dict() for loop in dashboard_figures(request.workspace, period, tz) for f in loop["figures"]
    ]
    return {
        "workspace": request.workspace.slug,
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": period.label},
        "previous_period": {
            "start": period.previous.start.isoformat(),
            "end": period.previous.end.isoformat(),
        },
        "figures": figures,
        "alerts": [a.as_dict() for a in collect_alerts(request.workspace)],
    }
