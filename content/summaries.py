"""Dashboard cards of the content loop."""

from django.urls import reverse

from content.models import WinnerDecision, WinnerRun, WinningCopy


def dashboard_cards(workspace) -> list[dict]:
    winners = WinningCopy.objects.for_workspace(workspace).filter(is_current=True)
    last_run = WinnerRun.objects.for_workspace(workspace).filter(status=WinnerRun.Status.DONE).first()
    decided = 0
    if last_run is not None:
        decided = WinnerDecision.objects.for_workspace(workspace).filter(run=last_run).count()
    url = reverse("content:index")
    return [
        {
            "title": "Winning copy stored",
            "value": winners.count(),
            "n": winners.values("brand").distinct().count(),
            "detail": "current winners, searchable from “Write new copy” (n = brands with a winner)",
            "url": reverse("content:write"),
        },
        {
            "title": "Experiments with a winner",
            "value": f"{last_run.winners_identified} of {decided}" if last_run else "–",
            "n": decided,
            "detail": f"last run {last_run.run_date}" if last_run else "the winner job has not run yet",
            "url": url,
        },
    ]
