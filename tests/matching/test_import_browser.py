"""In a real browser: upload a choices CSV, see the preview, run the import, read the result."""

import pytest

from matching.models import Recommendation
from tests.browser import login
from tests.test_import_experience import _choices_file


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_choices_import_walks_from_upload_to_the_error_report(
    browser_page, live_server, workspace, teammate, tmp_path
):
    path = tmp_path / "choices.csv"
    path.write_text(_choices_file(bad=(5, 8)))
    page = browser_page
    login(page, live_server, teammate)
    page.goto(f"{live_server.url}/matching/")
    page.get_by_role("link", name="Import past choices (CSV) →").click()
    page.get_by_label("File").set_input_files(str(path))
    page.get_by_role("button", name="Upload and preview").click()

    page.wait_for_selector("#import-preview")
    assert page.get_by_label("session_id (required)").input_value() == "Session"
    assert page.get_by_label("chosen (required)").input_value() == "Chosen"
    assert "These columns will be ignored: comment." in page.locator(".import-ignored").inner_text()
    assert page.locator(".import-sample tbody tr").count() == 5

    page.get_by_role("button", name="Start import").click()
    page.wait_for_selector(".import-counts")
    assert "8 stored" in page.locator(".import-counts").inner_text()
    assert page.locator(".row-errors tbody tr").count() == 2
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the error report (CSV: line, column, reason)").click()
    report = download.value.path().read_text().splitlines()
    assert report[0] == "line,column,reason" and report[1].startswith("5,price,")
    assert Recommendation.objects.filter(workspace=workspace).count() == 8
