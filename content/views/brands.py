"""A brand's page: its variants' performance with intervals, daily charts and its winners."""

from django.shortcuts import get_object_or_404, render

from content import charts, performance
from content.forms import PeriodForm
from content.models import Brand
from content.services import winner_job
from core.stats import Rate
from workspaces.access import workspace_view


@workspace_view
def brand_detail(request, brand_id):
    ws = request.workspace
    brand = get_object_or_404(Brand.objects.for_workspace(ws), pk=brand_id)
    form = PeriodForm(request.GET or None)
    days = form.cleaned_data["days"] if form.is_valid() else 30
    analysis = performance.performance_analysis(ws, brand, days)
    context = {
        "brand": brand,
        "form": form if form.is_bound else PeriodForm(initial={"days": days}),
        "analysis": analysis,
        "best_prob": analysis["prob_best"].get(analysis["best_performing_variant"]),
        "rows": _variant_rows(analysis),
        "ctr_chart": charts.rate_chart(analysis["series"], "ctr", "CTR"),
        "cr_chart": charts.rate_chart(analysis["series"], "conversion_rate", "Conversion rate"),
        "series_rows": charts.series_rows(analysis["series"]),
        "decisions": winner_job.latest_decisions(ws, brand=brand),
        "winners": performance.fading_winners(ws, brand),
    }
    if request.htmx:
        return render(request, "content/brand_detail.html#performance", context)
    return render(request, "content/brand_detail.html", context)


def _variant_rows(analysis):
    rows = []
    for label, f in analysis["variant_performance"].items():
        rows.append(
            {
                "label": label,
                "figures": f,
                "ctr": Rate(f["total_clicks"], f["total_impressions"]),
                "conversion_rate": Rate(f["total_conversions"], f["total_clicks"]),
                "prob_best": analysis["prob_best"].get(label),
            }
        )
    return rows
