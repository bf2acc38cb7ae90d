"""Feedback CSV import on malformed files: the page shows the line or the columns beside the file
field, the service raises a "file" error, nothing is stored; never a 500."""

import html
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from feedback.models import FeedbackEntry
from feedback.services import imports

pytestmark = pytest.mark.django_db

HEADER = "prompt,output,rating,tags\n"
ROW = "Explain X,X is...,5,analytical\n"

BAD_FILES = [
    (
        (HEADER + ROW + "Explain Y," + "y" * 2_000_000 + ",4,\n").encode(),
        "line 3: a field is larger than 1 MB",
    ),
    ((HEADER + ROW + '"Explain Y,Y is,4,\n' + ROW).encode(), "line 3: unterminated quote"),
    ((HEADER.replace("tags", "rating") + ROW).encode(), "column 'rating' appears twice: columns 3 and 4"),
    ((HEADER.replace("tags", "Prompt") + ROW).encode(), "column 'prompt' appears twice: columns 1 and 4"),
    ((HEADER + ROW + "A,B,5\x00\n").encode(), "line 3: the file contains a NUL byte"),
    ((HEADER + ROW).encode("utf-16-le"), "UTF-16"),
    (b"\n", "The file is empty"),
    (b"question,answer,rating\nq,a,5\n", "lacks the column(s) prompt, output"),
    (b"prompt,,output,rating\n", "column 2 has no name"),
]


def _field_errors(response) -> list[str]:
    found = re.findall(r'class="field-error" role="alert">(.*?)</small>', response.content.decode(), re.S)
    return [html.unescape(m) for m in found]


def _file(data: bytes, name="feedback.csv"):
    upload = io.BytesIO(data)
    upload.name = name
    return upload


@pytest.mark.parametrize("data, message", BAD_FILES)
def test_the_service_refuses_the_file_naming_the_problem(workspace, data, message):
    with pytest.raises(ValidationError) as info:
        imports.import_entries(workspace, _file(data))
    assert any(message in m for m in info.value.message_dict["file"]), info.value.message_dict
    assert not FeedbackEntry.objects.exists()


@pytest.mark.parametrize("data, message", BAD_FILES)
def test_the_import_page_shows_the_problem_beside_the_file_field(teammate_client, data, message):
    response = teammate_client.post(reverse("feedback:import"), {"file": _file(data)})
    assert response.status_code == 200
    assert any(message in error for error in _field_errors(response)), _field_errors(response)
    assert not FeedbackEntry.objects.exists()


def test_a_pasted_csv_with_an_unterminated_quote_is_refused_with_its_line(teammate_client):
    text = HEADER + ROW + '"Explain Y,Y is,4,\n'
    response = teammate_client.post(reverse("feedback:import"), {"text": text})
    assert "line 3: unterminated quote" in " ".join(html.unescape(response.content.decode()).split())
    assert not FeedbackEntry.objects.exists()


def test_a_200_kb_notes_field_is_read(workspace):
    data = ("prompt,output,rating,notes\nExplain X,X is,5," + "n" * 200_000 + "\n").encode()
    assert imports.import_entries(workspace, _file(data)) == {"imported": 1}
    assert FeedbackEntry.objects.get().notes.startswith("nnn")


def test_a_200_kb_output_is_reported_on_its_line(workspace):
    data = (HEADER + "Explain X," + "x" * 200_000 + ",5,\n").encode()
    with pytest.raises(ValidationError, match="line 2: output: At most 100,000 characters"):
        imports.import_entries(workspace, _file(data))


def test_a_header_only_file_says_it_holds_no_entries(workspace):
    with pytest.raises(ValidationError, match="holds no entries"):
        imports.import_entries(workspace, _file(HEADER.encode()))


def test_header_names_are_matched_without_case(workspace):
    imports.import_entries(workspace, _file(b"Prompt,Output,Rating\nA,B,4\n"))
    assert FeedbackEntry.objects.get().rating == 4


def test_a_bad_row_is_reported_on_its_file_line_after_a_quoted_line_break(workspace):
    data = (HEADER + '"Explain\nX",X is,5,\nA,B,9,\n').encode()
    with pytest.raises(ValidationError, match="line 4"):
        imports.import_entries(workspace, _file(data))
