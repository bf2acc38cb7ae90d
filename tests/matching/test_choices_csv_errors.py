"""import_choices on malformed files: the command fails with the line or the columns named and
writes nothing; never a traceback."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from matching.models import Candidate, Choice, MatchingSession

pytestmark = pytest.mark.django_db

HEADER = "session_id,alternative,chosen,price,catch_rate\n"
SESSION = "1,beach,1,10,0.5\n1,pier,0,20,0.3\n"


def _run(tmp_path, data: bytes):
    path = tmp_path / "choices.csv"
    path.write_bytes(data)
    out = StringIO()
    call_command("import_choices", str(path), "--workspace", "anglers", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    "data, message",
    [
        (
            (HEADER + SESSION + "2,boat,1," + "9" * 2_000_000 + ",0.1\n").encode(),
            "line 4: a field is larger than 1 MB",
        ),
        ((HEADER + SESSION + '2,"boat,1,30,0.1\n2,pier,0,20,0.3\n').encode(), "line 4: unterminated quote"),
        (
            (HEADER.replace("catch_rate", "price") + SESSION).encode(),
            "column 'price' appears twice: columns 4 and 5",
        ),
        (
            (HEADER.replace("catch_rate", "Price") + SESSION).encode(),
            "column 'price' appears twice: columns 4 and 5",
        ),
        ((HEADER + SESSION.replace("beach", "bea\x00ch")).encode(), "line 2: the file contains a NUL byte"),
        ((HEADER + SESSION).encode("utf-16-le"), "UTF-16"),
        (b"", "The file is empty"),
        (HEADER.encode(), "header but no rows"),
        (b"session,alternative,picked,price\n1,a,1,2\n", "Missing column(s): session_id, chosen"),
        (b"session_id,alternative,chosen,,price\n", "column 4 has no name"),
    ],
)
def test_a_malformed_choices_file_fails_with_the_message_and_writes_nothing(tmp_path, data, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        _run(tmp_path, data)
    assert not (Candidate.objects.exists() or MatchingSession.objects.exists() or Choice.objects.exists())


def test_a_missing_file_fails_clearly(tmp_path):
    with pytest.raises(CommandError, match="Cannot read the file"):
        call_command(
            "import_choices", str(tmp_path / "nope.csv"), "--workspace", "anglers", stdout=StringIO()
        )


def test_a_200_kb_field_in_an_unused_column_is_read(tmp_path):
    data = "session_id,alternative,chosen,price,note\n1,beach,1,10," + "x" * 200_000 + "\n1,pier,0,20,\n"
    assert "Imported 1 sessions" in _run(tmp_path, data.encode())


def test_a_utf16_file_with_its_byte_order_mark_is_imported(tmp_path):
    assert "Imported 1 sessions" in _run(tmp_path, (HEADER + SESSION).encode("utf-16"))


def test_spaces_around_header_names_are_ignored(tmp_path):
    assert "Imported 1 sessions" in _run(
        tmp_path, (b" session_id , alternative,chosen,price\n1,a,1,2\n1,b,0,3\n")
    )
