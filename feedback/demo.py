"""Demo data for the output feedback loop: eight weeks of rated outputs with real patterns."""

import math
import random
from datetime import timedelta

from django.utils import timezone

from feedback.forms import prompt_hash
from feedback.models import FeedbackEntry, PairwiseJudgment
from feedback.services.capture import invalidate_patterns
from feedback.services.reports import write_report

# (tag, prompt templates, output) — the wording is what the analysis should pick up.
TASKS = [
    (
        "analytical",
        [
            "Analyse the churn figures step by step and state your assumptions",
            "Compare the three pricing options step by step with a table",
            "Explain why conversion fell last quarter; think step by step",
        ],
        "1. The figures show... 2. Assuming... Conclusion: ...",
    ),
    (
        "creative",
        [
            "Write a catchy tagline for our spring campaign",
            "Write a short story about our product, make it fun",
            "Brainstorm ten playful subject lines",
        ],
        "Spring into savings! ...",
    ),
    (
        "code-review",
        [
            "Review this function for bugs and give concrete examples",
            "Review the pull request and list risky changes with examples",
        ],
        "Line 12: possible None dereference...",
    ),
    (
        "email",
        [
            "Draft a follow-up email to a lead who went quiet, friendly tone",
            "Write a cold email to a CTO, keep it under 120 words",
        ],
        "Hi Sam, I wanted to follow up...",
    ),
]
# True success probabilities per (framework, model, tag): chain-of-thought is good at analysis,
# few-shot at creative work; the small model lags.
ARMS = [
    ("chain-of-thought", "claude-sonnet-5"),
    ("few-shot", "claude-sonnet-5"),
    ("zero-shot", "claude-haiku-5-5"),
]
RATES = {
    ("chain-of-thought", "analytical"): 0.85, ("chain-of-thought", "creative"): 0.4,
    ("chain-of-thought", "code-review"): 0.75, ("chain-of-thought", "email"): 0.6,
    ("few-shot", "analytical"): 0.6, ("few-shot", "creative"): 0.8,
    ("few-shot", "code-review"): 0.65, ("few-shot", "email"): 0.75,
    ("zero-shot", "analytical"): 0.45, ("zero-shot", "creative"): 0.5,
    ("zero-shot", "code-review"): 0.4, ("zero-shot", "email"): 0.55,
}  # fmt: skip


# Pairwise judgments: prompt variants of the same task, each side with its framework and model.
VARIANTS = {"v2-with-examples": 0.6, "v1-plain": 0.0, "v3-brief": -0.5}
ARM_STRENGTH = {ARMS[0]: 0.4, ARMS[1]: 0.6, ARMS[2]: -0.8}  # as their ratings rank them


def seed_judgments(workspace, user, now, count: int = 60) -> None:
    """A few dozen judgments whose winners follow the variants' and options' strengths above."""
    rng = random.Random("feedback-demo-pairwise")
    rows = []
    for i in range(count):
        tag, prompts, output = rng.choice(TASKS)
        prompt = rng.choice(prompts)
        (va, vb), (arm_a, arm_b) = rng.sample(list(VARIANTS), 2), (rng.choice(ARMS), rng.choice(ARMS))
        if i % 3 == 0:  # some pairs differ in the variant only
            arm_b = arm_a
        gap = VARIANTS[va] + ARM_STRENGTH[arm_a] - VARIANTS[vb] - ARM_STRENGTH[arm_b]
        draw = rng.random()
        verdict = "tie" if draw < 0.15 else ("a" if rng.random() < 1 / (1 + math.exp(-gap)) else "b")
        rows.append(
            PairwiseJudgment(
                workspace=workspace,
                prompt=prompt,
                prompt_hash=prompt_hash(prompt),
                left_output=f"[{va}, {arm_a[0]}] {output}",
                right_output=f"[{vb}, {arm_b[0]}] {output}",
                left_variant=va,
                left_framework=arm_a[0],
                left_model=arm_a[1],
                right_variant=vb,
                right_framework=arm_b[0],
                right_model=arm_b[1],
                verdict=verdict,
                created_by=user,
                created_at=now - timedelta(days=rng.uniform(0, 28)),
            )
        )
    PairwiseJudgment.objects.bulk_create(rows)


def seed(workspace, user) -> None:
    rng = random.Random("feedback-demo")  # the same story in every demo workspace
    now = timezone.now()
    rows = []
    for i in range(480):
        age_days = rng.uniform(0, 56)
        tag, prompts, output = rng.choice(TASKS)
        framework, model = rng.choice(ARMS)
        p = RATES[(framework, tag)]
        if age_days < 7 and tag == "creative":  # last week the creative outputs got worse
            p -= 0.25
        prompt = rng.choice(prompts)
        # Wording matters too: asking for concrete examples helps, asking for brevity hurts.
        extra = rng.random()
        if extra < 0.3:
            prompt += ". Give concrete examples."
            p += 0.2
        elif extra < 0.5:
            prompt += ". Keep it brief."
            p -= 0.2
        ok = rng.random() < p
        rating = rng.choice([4, 5, 5]) if ok else rng.choice([1, 2, 2, 3])
        thumbs = 1 if ok and rng.random() < 0.6 else (-1 if not ok and rng.random() < 0.5 else 0)
        rows.append(
            FeedbackEntry(
                workspace=workspace,
                prompt=f"{prompt} (#{i})",
                output=output,
                rating=rating,
                thumbs=thumbs,
                tags=[tag] + (["technical"] if tag == "code-review" else []),
                context={
                    "framework": framework,
                    "model": model,
                    "confidence": round(rng.uniform(0.5, 0.95), 2),
                    "execution_time": round(rng.uniform(0.8, 9.0), 2),
                },
                framework=framework,
                model_name=model,
                created_at=now - timedelta(days=age_days),
            )
        )
    FeedbackEntry.objects.bulk_create(rows, batch_size=500)
    seed_judgments(workspace, user, now)
    invalidate_patterns(workspace)
    today = timezone.localdate()
    for weeks_back in range(1, 5):
        write_report(workspace, "weekly", today - timedelta(weeks=weeks_back))
    write_report(workspace, "weekly", today)
    write_report(workspace, "monthly", today)
