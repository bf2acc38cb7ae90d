"""Matching sessions: start one, its ranked and explained recommendations, the customer's choice."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core.csv_export import exporting, page_of
from matching.forms import ChoiceForm, StartSessionForm
from matching.models import (
    Candidate,
    Choice,
    InteractionType,
    MatchingSession,
    Recommendation,
    WeightVersion,
)
from matching.segments import SEGMENTS
from matching.selectors import factors_for, segments_with_own_weights, stated_weights_learned
from matching.services.sessions import is_uuid, record_choice, record_interaction, start_session
from workspaces.access import workspace_view
from workspaces.htmx import redirect_after_post


def _index_context(request, form):
    workspace = request.workspace
    sessions = (
        MatchingSession.objects.for_workspace(workspace)
        .filter(imported=False)
        .select_related("choice", "choice__candidate", "weights_version")
        .order_by("-created_at")
    )
    page = page_of(request, sessions, 20)
    factors = factors_for(workspace)
    return {
        "form": form,
        "page_obj": page,
        "factors": factors,
        "candidate_count": Candidate.objects.for_workspace(workspace).filter(active=True).count(),
        "candidates": [
            {"name": c.name, "values": [c.factor_values.get(f.key) for f in factors]}
            for c in Candidate.objects.for_workspace(workspace)
            .filter(active=True)
            .order_by("name")[: None if exporting(request) else 100]
        ],
        "imported_count": MatchingSession.objects.for_workspace(workspace).filter(imported=True).count(),
        "latest_version": WeightVersion.objects.for_workspace(workspace).order_by("-number").first(),
        "segments_with_own_weights": [SEGMENTS[s] for s in segments_with_own_weights(workspace)],
        "min_segment_sessions": settings.MATCHING_MIN_SEGMENT_SESSIONS,
        "stated_weights_learned": stated_weights_learned(workspace),
    }


@workspace_view
def index(request):
    return render(request, "matching/index.html", _index_context(request, StartSessionForm()))


@require_POST
@workspace_view(write=True)
def start(request):
    form = StartSessionForm(request.POST)
    if form.is_valid():
        try:
            session = start_session(
                request.workspace,
                customer_ref=form.cleaned_data["customer_ref"].strip(),
                details={"request": form.cleaned_data["request"]} if form.cleaned_data["request"] else {},
                complexity=form.cleaned_data["complexity"],
                stated_preferences=form.stated_preferences(),
                user=request.user,
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
            for field, field_errors in errors.items():
                form.add_error(field if field in form.fields else None, field_errors)
        else:
            return redirect_after_post(request, "matching:session", session_id=session.id)
    template = "matching/index.html#start-form" if request.htmx else "matching/index.html"
    return render(request, template, _index_context(request, form), status=400)


STATED_MOVES = (" Ranked up from ", " Ranked down from ")


def _split_stated_note(rec):
    """The explanation's sentence on how stated priorities moved the rank, shown on its own line."""
    rec.base_explanation, rec.stated_note, rec.stated_up = rec.explanation, "", False
    for marker in STATED_MOVES:
        at = rec.explanation.find(marker)
        if at >= 0:
            rec.base_explanation, rec.stated_note = rec.explanation[:at], rec.explanation[at + 1 :]
            rec.stated_up = marker == STATED_MOVES[0]
    return rec


def _session_context(request, session):
    recs = [
        _split_stated_note(r) for r in session.recommendations.select_related("candidate").order_by("rank")
    ]
    factors = factors_for(request.workspace)
    choice = Choice.objects.filter(session=session).select_related("candidate").first()
    return {
        "session": session,
        "stated_moved": session.algorithm.endswith("+stated"),
        "moved_count": sum(bool(r.stated_note) for r in recs),
        "recommendations": recs,
        "factors": factors,
        "choice": choice,
        "choice_form": ChoiceForm(
            factors=factors,
            initial={
                "candidate_id": choice.candidate_id if choice else "",
                "satisfaction": choice.satisfaction if choice else None,
                "reasoning": choice.reasoning if choice else "",
                "important_factors": choice.important_factors if choice else [],
                "outcome": choice.outcome if choice else "",
            },
        ),
    }


@workspace_view
def session_detail(request, session_id):
    session = get_object_or_404(
        MatchingSession.objects.for_workspace(request.workspace).select_related("weights_version"),
        pk=session_id,
    )
    return render(request, "matching/session.html", _session_context(request, session))


def _recommendation(request, recommendation_id):
    rec = get_object_or_404(
        Recommendation.objects.for_workspace(request.workspace).select_related("candidate", "session"),
        pk=recommendation_id,
    )
    return rec.session, rec


def _explanation_rows(rec, factors):
    return [
        {
            "label": f.label,
            "value": rec.factor_values.get(f.key),
            "better": "higher" if f.higher_is_better else "lower",
            "contribution": rec.contributions.get(f.key, 0.0),
        }
        for f in factors
    ]


@require_http_methods(["GET", "POST"])
@workspace_view(write=True)
def expand(request, recommendation_id):
    """Show why a candidate is ranked where it is; recorded as an `expanded` interaction.

    A GET is only the table's CSV download, and records nothing."""
    if request.method == "GET" and not exporting(request):
        return HttpResponseNotAllowed(["POST"])
    session, rec = _recommendation(request, recommendation_id)
    if request.method == "POST":
        record_interaction(
            request.workspace,
            session,
            interaction_type=InteractionType.EXPANDED,
            candidate_id=rec.candidate_id,
            viewed_explanation_level="detailed",
            expanded_sections=["factor contributions"],
        )
    context = {
        "session": session,
        "rec": rec,
        "rows": _explanation_rows(rec, factors_for(request.workspace)),
        "effect": rec.contributions.get("candidate effect"),
    }
    if request.htmx or request.method == "GET":
        return render(request, "matching/session.html#explanation", context)
    return redirect_after_post(request, "matching:session", session_id=session.id)


@require_POST
@workspace_view(write=True)
def contact(request, recommendation_id):
    """The customer contacts a candidate from the list; recorded as a `contacted` interaction."""
    session, rec = _recommendation(request, recommendation_id)
    record_interaction(
        request.workspace, session, interaction_type=InteractionType.CONTACTED, candidate_id=rec.candidate_id
    )
    if request.htmx:
        return render(request, "matching/session.html#contacted", {"rec": rec})
    messages.success(request, f"Contact with {rec.candidate.name} recorded.")
    return redirect_after_post(request, "matching:session", session_id=session.id)


@require_POST
@workspace_view(write=True)
def rate_explanation(request, recommendation_id):
    session, rec = _recommendation(request, recommendation_id)
    try:
        record_interaction(
            request.workspace,
            session,
            interaction_type=InteractionType.VIEWED,
            candidate_id=rec.candidate_id,
            viewed_explanation_level="detailed",
            helpful_rating=request.POST.get("helpful_rating"),
        )
        error = None
    except ValidationError as exc:
        error = " ".join(exc.messages)
    context = {"rec": rec, "session": session, "error": error, "rating": request.POST.get("helpful_rating")}
    if request.htmx:
        return render(request, "matching/session.html#rating", context, status=400 if error else 200)
    return redirect_after_post(request, "matching:session", session_id=session.id)


@require_POST
@workspace_view(write=True)
def viewed(request, session_id):
    """The page tells how long the list was looked at (sent when it is hidden or left); recorded
    as a `viewed` interaction with its time spent."""
    session = get_object_or_404(MatchingSession.objects.for_workspace(request.workspace), pk=session_id)
    try:
        record_interaction(
            request.workspace,
            session,
            interaction_type=InteractionType.VIEWED,
            time_spent_seconds=request.POST.get("time_spent_seconds"),
            viewed_explanation_level="list",
        )
    except ValidationError as exc:
        return JsonResponse({"detail": "Invalid input.", "errors": exc.message_dict}, status=400)
    return HttpResponse(status=204)


@require_http_methods(["GET", "POST"])
@workspace_view(write=True)
def compare(request, session_id):
    """Side by side of the ticked candidates; each one recorded as a `compared` interaction.

    A GET is only the table's CSV download (the ids in the query), and records nothing."""
    if request.method == "GET" and not exporting(request):
        return HttpResponseNotAllowed(["POST"])
    session = get_object_or_404(MatchingSession.objects.for_workspace(request.workspace), pk=session_id)
    ids = (request.POST if request.method == "POST" else request.GET).getlist("candidate_id")
    recs = list(
        session.recommendations.select_related("candidate")
        .filter(candidate_id__in=[i for i in ids if is_uuid(i)])
        .order_by("rank")
    )
    error = None
    if len(recs) < 2:
        error = "Tick at least two candidates to compare."
    elif request.method == "POST":
        for rec in recs:
            record_interaction(
                request.workspace,
                session,
                interaction_type=InteractionType.COMPARED,
                candidate_id=rec.candidate_id,
                expanded_sections=["comparison"],
            )
    factors = factors_for(request.workspace)
    rows = [
        {
            "label": f.label,
            "better": "higher" if f.higher_is_better else "lower",
            "values": [r.factor_values.get(f.key) for r in recs],
        }
        for f in factors
    ]
    context = {"session": session, "compared": recs, "rows": rows, "error": error}
    if request.htmx or request.method == "GET":
        return render(request, "matching/session.html#comparison", context, status=400 if error else 200)
    if error:
        messages.error(request, error)
    return redirect_after_post(request, "matching:session", session_id=session.id)


@require_POST
@workspace_view(write=True)
def choose(request, session_id):
    session = get_object_or_404(MatchingSession.objects.for_workspace(request.workspace), pk=session_id)
    form = ChoiceForm(request.POST, factors=factors_for(request.workspace))
    error = None
    if form.is_valid():
        candidate_id = form.cleaned_data["candidate_id"]
        # the first choice on the page: the decision time is the time since the list was shown
        elapsed = (timezone.now() - session.created_at).total_seconds()
        first = not Choice.objects.filter(session=session).exists()
        try:
            record_choice(
                request.workspace,
                session,
                candidate_id=None if candidate_id in ("", "none") else candidate_id,
                decision_time_seconds=elapsed if first and 0 <= elapsed <= 7 * 24 * 3600 else None,
                satisfaction=form.cleaned_data["satisfaction"],
                reasoning=form.cleaned_data["reasoning"].strip(),
                important_factors=form.cleaned_data["important_factors"],
                outcome=form.cleaned_data["outcome"].strip(),
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = " ".join(m for errors in form.errors.values() for m in errors)
    if request.htmx:
        context = _session_context(request, session)
        context["choice_error"] = error
        return render(request, "matching/session.html#choice", context, status=400 if error else 200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Choice recorded.")
    return redirect_after_post(request, "matching:session", session_id=session.id)
