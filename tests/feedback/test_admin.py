"""The admin lists the feedback models with their filters and search."""

import pytest
from django.urls import reverse

from tests.feedback.factories import FeedbackEntryFactory, FeedbackReportFactory
from tests.workspaces.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["feedbackentry", "feedbackreport", "patterncache"])
def test_admin_changelist_with_search_and_filter(client, workspace, model):
    FeedbackEntryFactory(workspace=workspace, prompt="Explain qubits")
    FeedbackReportFactory(workspace=workspace)
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse(f"admin:feedback_{model}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "qubits", "workspace__id__exact": str(workspace.pk)}).status_code == 200
