"""Reading uploaded CSV files safely: decoding, a bounded field size, errors that name the line, header
checks; every CSV import reads through here, so a malformed file gets the same message everywhere."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

from django.core.exceptions import ValidationError

# Python's default (128 KB) rejects real spreadsheets with long notes; no field we store needs more
# than this, and a bound keeps one stray quote from pulling a whole large file into memory as a cell.
FIELD_SIZE_LIMIT = 1024 * 1024


class CsvProblem(ValueError):
    """The file as a whole cannot be read; the message is for the person who uploaded it."""


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit % (1024 * 1024) == 0 else f"{limit // 1024} KB"


def decode_upload(data: bytes) -> str:
    """Text of an uploaded CSV: UTF-8 (with or without BOM) or UTF-16 with its BOM; else a clear error."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise CsvProblem("The file says it is UTF-16 but is not valid UTF-16.") from error
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise CsvProblem(
                f"The file is not UTF-8 text (first bad byte on line {line}). Save it as "
                "'CSV UTF-8' in your spreadsheet and upload it again."
            ) from error
    nul = text.find("\x00")
    if nul >= 0:
        # UTF-16 without its BOM decodes as "UTF-8" full of NULs; the database cannot store NUL either.
        line = text.count("\n", 0, nul) + 1
        raise CsvProblem(
            f"line {line}: the file contains a NUL byte, so it is not plain text (a spreadsheet file, "
            "or UTF-16 without a byte order mark?). Save it as 'CSV UTF-8' and upload it again."
        )
    return text


def upload_text(data: bytes, field: str = "file") -> str:
    """``decode_upload`` for a form or service: an unreadable file is a ValidationError on ``field``."""
    try:
        return decode_upload(data)
    except CsvProblem as error:
        raise ValidationError({field: [str(error)]}) from error


def records(text: str, limit: int = FIELD_SIZE_LIMIT) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, values) for every record, blank lines included as [].

    Raises CsvProblem naming the line for a field over `limit` or a quote that is never closed;
    the reader cannot resynchronise after either, so nothing after it can be trusted.
    """
    csv.field_size_limit(max(limit, 1))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    ended = 0
    while True:
        start = ended + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise CsvProblem(_describe(error, start, reader.line_num, limit)) from error
        ended = reader.line_num
        yield start, values


def _describe(error: csv.Error, start: int, at: int, limit: int) -> str:
    reason = str(error)
    if "field limit" in reason:
        return (
            f"line {start}: a field is larger than {_size(limit)} (often a quote that is never "
            "closed, which runs the rest of the file into one cell)."
        )
    if "unexpected end of data" in reason:
        return (
            f"line {start}: unterminated quote (a quoted field is never closed before the end of the file)."
        )
    if "expected after" in reason:
        return f'line {at}: text after a closing quote (a quote inside a field must be doubled: "").'
    return f"line {at}: the CSV cannot be read ({reason})."


def normalise_name(name: str) -> str:
    return name.strip().casefold()


def check_header(names: list[str], normalise: Callable[[str], str] = normalise_name) -> list[str]:
    """The header's names stripped; refuses empty names and names that are the same after `normalise`."""
    header = [name.strip() for name in names]
    if not any(header):
        raise CsvProblem("The first line must name the columns.")
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if not name:
            raise CsvProblem(f"column {position} has no name in the first line; every column needs one.")
        key = normalise(name)
        if key in seen:
            first = seen[key]
            spelling = "" if header[first - 1] == name else f" ('{header[first - 1]}' and '{name}')"
            raise CsvProblem(
                f"column '{header[first - 1]}' appears twice: columns {first} and {position}{spelling}."
            )
        seen[key] = position
    return header


def _filled(values: list[str]) -> bool:
    # The first cell decides almost every record without building a generator.
    return bool(values) and bool(values[0].strip() or any(v.strip() for v in values))


def read_table(
    text: str, normalise: Callable[[str], str] = normalise_name, limit: int = FIELD_SIZE_LIMIT
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The checked header and an iterator of (line, values) for the data records (blank lines skipped)."""
    rows = records(text, limit)
    for _line, values in rows:
        if _filled(values):
            header = check_header(values, normalise)
            break
    else:
        raise CsvProblem("The file is empty.")
    return header, (item for item in rows if _filled(item[1]))


def check_readable(text: str, limit: int = FIELD_SIZE_LIMIT) -> int:
    """Read the whole file once (before any row is written); the number of non-blank records."""
    csv.field_size_limit(max(limit, 1))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    count = ended = 0
    try:
        # The first pass of a 100,000-row import: the bare reader, no generator per record.
        for values in reader:
            ended = reader.line_num
            if _filled(values):
                count += 1
    except csv.Error as error:
        raise CsvProblem(_describe(error, ended + 1, reader.line_num, limit)) from error
    return count
