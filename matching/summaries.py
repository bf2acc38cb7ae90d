"""Matching cards for the cross-loop dashboard, alerts first."""

from django.urls import reverse

from matching.performance import matching_analytics


def dashboard_cards(workspace) -> list[dict]:
    figures = matching_analytics(workspace, days=30)
    url = reverse("matching:analytics")
    overall = figures["overall"]
    conv = overall["conversion"]
    rank = overall["chosen_rank"]
    cards = [
        {
            "title": f"Alert: {a['metric'].replace('_', ' ')}",
            "value": a["message"],
            "n": None,
            "detail": "matching",
            "url": url,
        }
        for a in figures["alerts"]
    ]
    cards.append(
        {
            "title": "Matching conversion (30 days)",
            "value": f"{conv['rate']:.0%}" if conv["n"] else "–",
            "n": conv["n"],
            "detail": f"95% CI {conv['low']:.0%}–{conv['high']:.0%}" if conv["n"] else "no sessions yet",
            "url": url,
        }
    )
    cards.append(
        {
            "title": "Mean chosen rank (30 days)",
            "value": f"{rank['mean']:.2f}" if rank["n"] else "–",
            "n": rank["n"],
            "detail": (
                f"95% CI {rank['low']:.2f}–{rank['high']:.2f}"
                if rank["low"] is not None
                else "1 is the top recommendation"
            ),
            "url": url,
        }
    )
    weights = figures["weights"]
    cards.append(
        {
            "title": "Learned weights",
            "value": f"v{weights['latest_version']}" if weights["latest_version"] else "defaults",
            "n": weights["n_sessions"],
            "detail": (
                f"confidence {weights['confidence']:.2f}"
                if weights["confidence"] is not None
                else "not learned yet"
            ),
            "url": url,
        }
    )
    return cards
