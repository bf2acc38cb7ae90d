"""A workspace's scoring settings and its promotion rule, in words for the pages."""

from leads.models import ScoringSettings
from leads.scoring.prior import describe_prior
from leads.scoring.promotion import PromotionPolicy, describe_rule


def scoring_settings(workspace) -> ScoringSettings:
    row, _ = ScoringSettings.objects.get_or_create(workspace=workspace)
    return row


def promotion_policy(row: ScoringSettings) -> PromotionPolicy:
    return PromotionPolicy(
        confidence=row.promotion_confidence, max_champion_age_days=row.max_champion_age_days
    )


def promotion_rule_in_words(workspace) -> str:
    return describe_rule(promotion_policy(scoring_settings(workspace)))


def prior_in_words() -> str:
    return describe_prior()
