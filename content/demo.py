"""Demo data for the content loop: brands, experiments with variants, 30 days of metrics, winners."""

import datetime as dt
from decimal import Decimal

import numpy as np

from content.models import Brand, DailyMetric, Experiment, Post, WinnerRun
from content.services.ingest import local_today
from content.services.winner_job import run_winner_job

# brand -> experiment -> [(variant, copy, true CTR, conversions per click, order value)]
CATALOGUE = {
    "Northwind Coffee": {
        "spring-beans": [
            ("primary", "Fresh organic coffee beans, roasted this week and shipped free.", 0.040, 0.08, 24.0),
            (
                "A",
                "Wake up to single-origin beans roasted days ago. Free shipping on every bag.",
                0.052,
                0.09,
                26.0,
            ),
            ("B", "Coffee subscription: save 20% on your first three bags.", 0.041, 0.12, 22.0),
        ],
        "espresso-machines": [
            ("primary", "Barista-grade espresso at home. Shop our machines.", 0.030, 0.02, 480.0),
            ("A", "Make cafe espresso in your kitchen: 0% financing on machines.", 0.031, 0.025, 470.0),
        ],
        # two headlines that do equally well on a big audience: settled as "no meaningful difference"
        "newsletter-signup": [
            (
                "primary",
                "Get our roasting notes every Friday: sign up for the newsletter.",
                0.045,
                0.04,
                12.0,
            ),
            ("A", "Join 20,000 coffee lovers: our Friday newsletter, free.", 0.045, 0.04, 12.0),
        ],
    },
    "Trailhead Outdoor": {
        "running-shoes": [
            ("primary", "Running shoes built for long trails. Summer sale: 30% off.", 0.035, 0.05, 95.0),
            ("A", "Summer sale on trail running shoes: 30% off this weekend only.", 0.055, 0.05, 95.0),
        ],
        "tents": [
            ("primary", "Lightweight tents for two, pitched in three minutes.", 0.028, 0.03, 210.0),
            ("A", "Camp lighter: ultralight two-person tent, free returns.", 0.029, 0.03, 210.0),
            ("B", "Tent sale ends Sunday. Free shipping on all camping gear.", 0.027, 0.035, 205.0),
        ],
    },
}
# experiments shown to a bigger audience than the rest (daily impressions times this)
TRAFFIC = {"newsletter-signup": 15}
PLATFORMS = ("facebook", "instagram")
DAYS = 30


def seed(workspace, user) -> None:
    rng = np.random.default_rng(7)
    today = local_today(workspace)
    metrics = []
    for brand_name, experiments in CATALOGUE.items():
        brand, _ = Brand.objects.get_or_create(workspace=workspace, name=brand_name)
        for exp_name, variants in experiments.items():
            experiment, _ = Experiment.objects.get_or_create(workspace=workspace, brand=brand, name=exp_name)
            posts = []
            for i, (variant, text, _ctr, _cvr, _value) in enumerate(variants):
                platform = PLATFORMS[i % len(PLATFORMS)]
                post, created = Post.objects.get_or_create(
                    workspace=workspace,
                    external_id=f"{platform[:2]}-{exp_name}-{variant}".lower(),
                    defaults={
                        "brand": brand,
                        "experiment": experiment,
                        "platform": platform,
                        "variant": variant,
                        "text": text,
                    },
                )
                posts.append(post if created else None)
            if not all(posts):
                continue  # seeded before
            for day in range(DAYS):
                date = today - dt.timedelta(days=DAYS - day)
                # the platform splits each day's audience evenly between the variants
                split = rng.multinomial(
                    int(rng.integers(900, 1500)) * TRAFFIC.get(exp_name, 1) * len(variants),
                    [1 / len(variants)] * len(variants),
                )
                for post, impressions, (variant, _text, ctr, cvr, value) in zip(
                    posts, split, variants, strict=True
                ):
                    # the running-shoes winner fades in the last two weeks
                    fades = exp_name == "running-shoes" and variant == "A" and day >= DAYS - 14
                    clicks = int(rng.binomial(int(impressions), ctr * (0.6 if fades else 1.0)))
                    conversions = int(rng.binomial(clicks, cvr))
                    revenue = round(float(rng.gamma(4.0, value / 4.0, conversions).sum()), 2)
                    metrics.append(
                        DailyMetric(
                            workspace=workspace,
                            post=post,
                            date=date,
                            impressions=int(impressions),
                            clicks=clicks,
                            conversions=conversions,
                            revenue=Decimal(str(revenue)),
                        )
                    )
    DailyMetric.objects.bulk_create(metrics, ignore_conflicts=True)
    run_winner_job(workspace, trigger=WinnerRun.Trigger.COMMAND)
