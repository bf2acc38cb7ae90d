"""Pages that learn from the ratings: the analysis, prompt suggestions and the router."""

from django.shortcuts import render

from feedback import charts, queries
from feedback.analysis import InsufficientData
from feedback.forms import AnalysisForm, RouteForm, SuggestionForm
from feedback.services import patterns, routing
from feedback.services import suggestions as suggestion_service
from workspaces.access import workspace_view


@workspace_view
def analysis(request):
    days, min_samples = 30, queries.min_samples_default()
    form = AnalysisForm(request.GET or None, initial={"days": days, "min_samples": min_samples})
    if form.is_bound and form.is_valid():
        days, min_samples = form.cleaned_data["days"], form.cleaned_data["min_samples"]
    context = {"form": form, "days": days, "min_samples": min_samples, "result": None}
    if not form.is_bound or form.is_valid():
        try:
            result = patterns.analyze_workspace(request.workspace, days=days, min_samples=min_samples)
        except InsufficientData as exc:
            context["insufficient"] = exc
        else:
            context["result"] = result
            context["charts"] = charts.analysis_charts(result)
    template = "feedback/analysis.html#analysis-results" if request.htmx else "feedback/analysis.html"
    return render(request, template, context)


@workspace_view
def suggestions(request):
    # The page opens with the suggestions of the last 30 days.
    form = SuggestionForm(request.GET or {"days": 30, "limit": 5, "framework": ""})
    context = {"form": form, "answer": None}
    if form.is_valid():
        try:
            context["answer"] = suggestion_service.suggestions_for(
                request.workspace,
                framework=form.cleaned_data["framework"] or None,
                days=form.cleaned_data["days"],
                limit=form.cleaned_data["limit"],
            )
        except InsufficientData as exc:
            context["insufficient"] = exc
    template = "feedback/suggestions.html#suggestion-list" if request.htmx else "feedback/suggestions.html"
    return render(request, template, context)


@workspace_view
def route(request):
    form = RouteForm(request.GET or {"tags": ""})  # no tags: the best pair over all tags
    context = {"form": form, "answer": None}
    if form.is_valid():
        context["answer"] = routing.recommend_route(request.workspace, form.cleaned_data["tags"])
    template = "feedback/route.html#route-result" if request.htmx else "feedback/route.html"
    return render(request, template, context)
