"""Factories for the matching loop's models."""

import factory

from matching.models import (
    Candidate,
    Choice,
    Factor,
    Interaction,
    MatchingSession,
    Recommendation,
    WeightVersion,
)
from tests.workspaces.factories import WorkspaceFactory


class FactorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Factor

    workspace = factory.SubFactory(WorkspaceFactory)
    key = factory.Sequence(lambda n: f"factor_{n}")
    label = factory.LazyAttribute(lambda f: f.key.replace("_", " "))


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Provider {n}")
    factor_values = factory.LazyFunction(dict)


class MatchingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchingSession

    workspace = factory.SubFactory(WorkspaceFactory)
    customer_ref = factory.Sequence(lambda n: f"customer-{n}")


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    workspace = factory.SubFactory(WorkspaceFactory)
    session = factory.SubFactory(MatchingSessionFactory, workspace=factory.SelfAttribute("..workspace"))
    candidate = factory.SubFactory(CandidateFactory, workspace=factory.SelfAttribute("..workspace"))
    rank = 1


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    workspace = factory.SubFactory(WorkspaceFactory)
    session = factory.SubFactory(MatchingSessionFactory, workspace=factory.SelfAttribute("..workspace"))


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    workspace = factory.SubFactory(WorkspaceFactory)
    session = factory.SubFactory(MatchingSessionFactory, workspace=factory.SelfAttribute("..workspace"))
    interaction_type = "viewed"


class WeightVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WeightVersion

    workspace = factory.SubFactory(WorkspaceFactory)
    number = factory.Sequence(lambda n: n + 1)


def provider_workspace(workspace, n_candidates=4):
    """Factors price (lower is better) and quality (higher is better) and a few candidates."""
    FactorFactory(
        workspace=workspace, key="price", label="price", higher_is_better=False, dimension="price", position=0
    )
    FactorFactory(workspace=workspace, key="quality", label="quality", dimension="quality", position=1)
    values = [(100, 9), (80, 6), (120, 10), (60, 3), (90, 7), (70, 5)]
    return [
        CandidateFactory(
            workspace=workspace, name=f"Provider {chr(65 + i)}", factor_values={"price": p, "quality": q}
        )
        for i, (p, q) in enumerate(values[:n_candidates])
    ]
