"""The dashboard's scoring card says which leads the champion's AUC is measured over (#17)."""

import pytest

from tests.leads.factories import ExecutionFactory, ScoringModelVersionFactory, ScoringSettingsFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("weighted", "words"),
    [(True, "all leads, inverse-probability weighted"), (False, "followed-up leads")],
)
def test_the_scoring_card_names_the_auc_estimate(owner_client, workspace, weighted, words):
    ExecutionFactory(
        recipe__workspace=workspace, recipe__agent__workspace=workspace
    )  # not an empty workspace
    auc = {"value": 0.81, "low": 0.75, "high": 0.86, "weighted": weighted}
    champion = ScoringModelVersionFactory(workspace=workspace, metrics={"auc": auc}, training_rows=300)
    scoring = ScoringSettingsFactory(workspace=workspace)
    scoring.champion = champion
    scoring.save(update_fields=["champion"])
    page = owner_client.get("/").content.decode()
    assert f"AUC 0.810 (95% CI 0.750–0.860; {words})" in page
