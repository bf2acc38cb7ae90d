"""core.csvio: decoding, the bounded field size, line-numbered errors and header checks."""

import pytest
from django.core.exceptions import ValidationError

from core.csvio import CsvProblem, check_readable, decode_upload, read_table, upload_text


def _table(text):
    header, rows = read_table(text)
    return header, list(rows)


def test_a_200_kb_field_is_read_whole():
    header, rows = _table("id,notes\n1," + "x" * 200_000 + "\n2,short\n")
    assert header == ["id", "notes"]
    assert [(line, len(values[1])) for line, values in rows] == [(2, 200_000), (3, 5)]


def test_a_2_mb_field_names_its_line_and_the_limit():
    with pytest.raises(CsvProblem, match=r"^line 3: a field is larger than 1 MB"):
        _table("id,notes\n1,a\n2," + "x" * 2_000_000 + "\n")


def test_an_unterminated_quote_names_the_line_where_the_quote_opens():
    with pytest.raises(CsvProblem, match=r"^line 3: unterminated quote"):
        _table('id,notes\n1,a\n2,"never closed\n3,b\n4,c\n')


def test_text_after_a_closing_quote_names_its_line():
    with pytest.raises(CsvProblem, match=r"^line 2: text after a closing quote"):
        _table('id,notes\n1,"a"b\n')


def test_line_numbers_count_the_lines_inside_quoted_fields():
    _header, rows = _table('id,notes\n1,"two\nlines"\n2,b\n')
    assert [line for line, _values in rows] == [2, 4]


def test_a_duplicate_header_names_both_positions():
    with pytest.raises(CsvProblem, match=r"column 'email' appears twice: columns 2 and 4\.$"):
        read_table("id,email,name,email\n")


def test_headers_differing_only_in_case_or_spaces_are_duplicates():
    with pytest.raises(
        CsvProblem, match=r"column 'Email' appears twice: columns 1 and 3 \('Email' and 'email'\)"
    ):
        read_table("Email,name, email \n")


def test_an_empty_header_name_is_refused_with_its_position():
    with pytest.raises(CsvProblem, match=r"column 2 has no name"):
        read_table("id,,name\n1,2,3\n")


def test_an_empty_file_is_refused():
    with pytest.raises(CsvProblem, match="empty"):
        read_table(decode_upload(b""))


def test_a_header_only_file_has_a_header_and_no_rows():
    assert _table("id,name\n") == (["id", "name"], [])


def test_blank_lines_are_skipped_but_counted():
    _header, rows = _table("id\n\n1\n\n2\n")
    assert rows == [(3, ["1"]), (5, ["2"])]


def test_utf8_bom_is_dropped():
    assert decode_upload("\ufeffid\n1\n".encode()) == "id\n1\n"


def test_utf16_with_bom_is_decoded():
    assert decode_upload("id,name\n1,Café\n".encode("utf-16")) == "id,name\n1,Café\n"


def test_utf16_without_bom_is_refused_as_not_plain_text():
    with pytest.raises(CsvProblem, match="line 1: the file contains a NUL byte.*UTF-16"):
        decode_upload("id,name\n".encode("utf-16-le"))


def test_a_nul_byte_is_refused_with_its_line():
    with pytest.raises(CsvProblem, match="^line 3: the file contains a NUL byte"):
        decode_upload(b"id\n1\n2\x00\n")


def test_latin1_is_refused_naming_the_line_and_utf8():
    with pytest.raises(CsvProblem, match="not UTF-8 text \\(first bad byte on line 2\\)"):
        decode_upload("id\nCafé\n".encode("latin-1"))


def test_check_readable_reads_to_the_end():
    assert check_readable("id\n1\n2\n") == 3
    with pytest.raises(CsvProblem, match="line 4"):
        check_readable('id\n1\n2\n"open\n')


def test_an_unreadable_upload_is_an_error_on_the_file_field():
    assert upload_text("id\n1\n".encode("utf-16")) == "id\n1\n"
    with pytest.raises(ValidationError) as caught:
        upload_text(b"id\n\xff\n", field="upload")
    assert caught.value.message_dict["upload"][0].startswith(
        "The file is not UTF-8 text (first bad byte on line 2)"
    )
