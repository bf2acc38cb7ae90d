"""Factories for the content loop's models."""

import datetime as dt
from decimal import Decimal

import factory

from content.embeddings import get_backend, to_bytes
from content.models import (
    Brand,
    DailyMetric,
    Experiment,
    MetricImport,
    Post,
    WinnerDecision,
    WinnerPolicy,
    WinnerRun,
    WinningCopy,
)
from tests.workspaces.factories import WorkspaceFactory


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Brand {n}")


class ExperimentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Experiment

    brand = factory.SubFactory(BrandFactory)
    workspace = factory.SelfAttribute("brand.workspace")
    name = factory.Sequence(lambda n: f"experiment-{n}")


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    experiment = factory.SubFactory(ExperimentFactory)
    brand = factory.SelfAttribute("experiment.brand")
    workspace = factory.SelfAttribute("experiment.workspace")
    external_id = factory.Sequence(lambda n: f"post-{n}")
    platform = "facebook"
    variant = "A"
    text = "Spring sale: 30% off all running shoes"


class DailyMetricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DailyMetric

    post = factory.SubFactory(PostFactory)
    workspace = factory.SelfAttribute("post.workspace")
    date = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=1))
    impressions = 1000
    clicks = 50
    conversions = 5
    revenue = Decimal("100.00")


class WinnerPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WinnerPolicy
        django_get_or_create = ("workspace",)

    workspace = factory.SubFactory(WorkspaceFactory)


class MetricImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MetricImport

    workspace = factory.SubFactory(WorkspaceFactory)
    file_name = "metrics.csv"
    csv_text = "post_id,date,impressions,clicks\n"


class WinnerRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WinnerRun

    workspace = factory.SubFactory(WorkspaceFactory)
    trigger = WinnerRun.Trigger.MANUAL
    run_date = factory.LazyFunction(dt.date.today)
    status = WinnerRun.Status.DONE


class WinnerDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WinnerDecision

    experiment = factory.SubFactory(ExperimentFactory)
    workspace = factory.SelfAttribute("experiment.workspace")
    decided_for = factory.LazyFunction(dt.date.today)
    status = "no_winner"
    metric = "ctr"
    threshold = 0.95
    min_impressions = 1000
    reason = "No winner yet."
    figures = factory.LazyFunction(list)


class WinningCopyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WinningCopy

    post = factory.SubFactory(PostFactory)
    experiment = factory.SelfAttribute("post.experiment")
    brand = factory.SelfAttribute("post.brand")
    workspace = factory.SelfAttribute("post.workspace")
    variant = factory.SelfAttribute("post.variant")
    text = factory.SelfAttribute("post.text")
    metric = "ctr"
    prob_best = 0.99
    impressions = 20000
    clicks = 1200
    conversions = 60
    revenue = Decimal("1200.00")
    ctr_low = 0.057
    ctr_high = 0.063
    decided_on = factory.LazyFunction(dt.date.today)
    embedding_backend = "lexical"
    embedding_dimension = factory.LazyFunction(lambda: get_backend("lexical").dimension)
    embedding = factory.LazyAttribute(lambda o: to_bytes(get_backend("lexical").embed([o.text])[0]))


def experiment_with_variants(workspace, variants, brand=None, days=1, name=None, texts=None):
    """An experiment whose variants have the given total (impressions, clicks[, conversions]).

    Totals are spread evenly over `days` days ending yesterday.
    """
    brand = brand or BrandFactory(workspace=workspace)
    experiment = ExperimentFactory(workspace=workspace, brand=brand, **({"name": name} if name else {}))
    texts = texts or {}
    for label, counts in variants.items():
        impressions, clicks, *rest = counts
        conversions = rest[0] if rest else 0
        post = PostFactory(
            experiment=experiment,
            variant=label,
            text=texts.get(label, f"Copy of variant {label} for {experiment.name}"),
        )
        for day in range(days):

            def share(total, d=day):
                return total // days + (1 if d < total % days else 0)

            DailyMetricFactory(
                post=post,
                date=dt.date.today() - dt.timedelta(days=days - day),
                impressions=share(impressions),
                clicks=share(clicks),
                conversions=share(conversions),
                revenue=Decimal(0),
            )
    return experiment
