"""Reading a CSV of leads (and outcomes): decoding, column mapping and per-row checks; no database
(what each column becomes is in docs/leads.md)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import uuid
from dataclasses import dataclass, field

from core.columns import KnownField, match_columns
from core.csv_export import safe_cell
from core.csvio import CsvProblem, check_readable, decode_upload, read_table

MAX_TEXT = 200
# Obvious names for the id and outcome columns, compared without case, spaces or underscores.
ID_NAMES = ("leadid", "id", "crmid", "externalid", "customerid")
OUTCOME_NAMES = ("outcome", "converted", "won", "status", "churn", "result", "label")
# Values of an outcome column that mean "won" (or "churned": the positive class), best first.
POSITIVE_VALUES = ("won", "win", "yes", "y", "true", "1", "converted")
NO_ID_COLUMN = "no id column: every row becomes a new lead (a later file cannot update these leads)"


class ImportProblem(ValueError):
    """The file as a whole cannot be imported (encoding, header, missing columns)."""


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


# Core lead fields by normalised column name, with the kind of value each takes.
TEXT_FIELDS = ("name", "company", "industry", "location", "title", "source")
COUNT_FIELDS = ("company_size", "email_opens", "website_visits", "content_downloads", "days_since_contact")
SHARE_FIELDS = ("engagement_score", "quality_score")
# Recency as dates (ISO: 2026-03-01 or 2026-03-01T09:30:00+01:00); scoring counts the days since.
DATE_FIELDS = ("last_contact_at", "last_engagement_at")
ALIASES = {
    "lead_source": "source",
    "email_address": "email",
    "employees": "company_size",
    "last_contact": "last_contact_at",
    "last_contact_date": "last_contact_at",
    "last_contacted_at": "last_contact_at",
    "last_engagement": "last_engagement_at",
    "last_engagement_date": "last_engagement_at",
}
EARLIEST_YEAR = 1970  # a recency date before this is a typo or a placeholder (0001-01-01)
FUTURE_SLACK = dt.timedelta(days=1)  # time zones: "today" elsewhere may be tomorrow here


def core_field_for(column: str) -> str | None:
    name = _norm(column)
    name = ALIASES.get(name, name)
    if name in TEXT_FIELDS or name in COUNT_FIELDS or name in SHARE_FIELDS or name == "email":
        return name
    if name in DATE_FIELDS:
        return name
    return None


def decode_csv(data: bytes) -> str:
    """Text of an uploaded CSV: UTF-8 (with or without BOM) or UTF-16 with BOM; else a clear error."""
    try:
        return decode_upload(data)
    except CsvProblem as error:
        raise ImportProblem(str(error)) from error


# The two columns the preview pre-selects by name (the same matching as every other import).
GUESSED_FIELDS = [KnownField("id_column", ID_NAMES), KnownField("outcome_column", OUTCOME_NAMES)]


def guess_columns(header: list[str]) -> dict[str, str]:
    return match_columns(header, GUESSED_FIELDS).mapping


def guess_id_column(header: list[str]) -> str:
    return match_columns(header, GUESSED_FIELDS[:1]).mapping["id_column"]


def guess_outcome_column(header: list[str]) -> str:
    return match_columns(header, GUESSED_FIELDS[1:]).mapping["outcome_column"]


def guess_positive(values) -> str:
    """The value of an outcome column that means won, as the file spells it ("" when unclear)."""
    spelled = {}
    for value in values:
        text = str(value).strip()
        spelled.setdefault(text.lower(), text)
    return next((spelled[name] for name in POSITIVE_VALUES if name in spelled), "")


def check_usable(header: list[str], id_column="", outcome_column="") -> None:
    """Refuse a file none of whose columns the import can use, rather than accept it silently."""
    if id_column or outcome_column or guess_id_column(header) or guess_outcome_column(header):
        return
    if any(core_field_for(column) for column in header):
        return
    raise ImportProblem(
        "None of the columns can be used: there is no lead id column (e.g. lead_id, crm_id, "
        "customer_id), no outcome column (e.g. outcome, converted, won, churn) and no lead field "
        f"({', '.join((*TEXT_FIELDS, 'email', *COUNT_FIELDS, *SHARE_FIELDS, *DATE_FIELDS))}). "
        f"The file has: {', '.join(header)}."
    )


def import_scope() -> str:
    """A fresh scope for the row ids of an import without an id column."""
    return uuid.uuid4().hex


@dataclass
class ImportMapping:
    header: list[str]
    id_column: str = ""
    outcome_column: str = ""
    positive: str = ""
    scope: str = ""  # without an id column, rows get ids of this import only: f"import-{scope}-row-{n}"
    roles: dict[str, str] = field(default_factory=dict)  # column -> what it becomes, in words
    plan: list | None = field(default=None, repr=False, compare=False)  # see _plan

    @property
    def has_outcomes(self) -> bool:
        return bool(self.outcome_column)


def read_header(text: str, whole_file: bool = False):
    """The checked header and an iterator of (line, values); with `whole_file`, every record is
    read once first so that a malformed line refuses the file before anything is written."""
    try:
        if whole_file:
            check_readable(text)
        return read_table(text)
    except CsvProblem as error:
        raise ImportProblem(str(error)) from error


def build_mapping(header: list[str], id_column="", outcome_column="", positive="", scope="") -> ImportMapping:
    """Check the chosen columns exist and say what each column becomes."""
    missing = [c for c in (id_column, outcome_column) if c and c not in header]
    if missing:
        raise ImportProblem(
            f"Column(s) not in the file: {', '.join(missing)}. The file has: {', '.join(header)}."
        )
    if outcome_column and not str(positive).strip():
        raise ImportProblem("Say which value of the outcome column means won (e.g. --positive Yes).")
    mapping = ImportMapping(header, id_column, outcome_column, str(positive).strip(), scope or import_scope())
    taken = set()
    for column in header:
        if column == id_column:
            mapping.roles[column] = "lead id"
        elif column == outcome_column:
            mapping.roles[column] = f"outcome (won when '{mapping.positive}')"
        else:
            core = core_field_for(column)
            if core and core not in taken:
                taken.add(core)
                mapping.roles[column] = f"lead field: {core}"
            else:
                mapping.roles[column] = "attribute"
    return mapping


_NOT_A_NUMBER_START = frozenset(
    "abcdefghjklmopqrstuvwxyzABCDEFGHJKLMOPQRSTUVWXYZ!\"#$%&'()*,/:;<=>?@[\\]^_`{|}~"
)


def _attribute_value(text: str):
    if text[0] in _NOT_A_NUMBER_START:  # cannot start a float (i/I, n/N: inf, nan): no exception
        return text[:2000]
    try:
        number = float(text)
    except ValueError:
        return text[:2000]
    if not math.isfinite(number):
        return text[:2000]
    return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number


@dataclass
class MappedRow:
    row: int  # line in the file (the header is line 1)
    external_id: str
    fields: dict
    attributes: dict
    outcome: bool | None


# What a column is, decided once per file (map_row runs for every cell of every row).
_ID, _OUTCOME, _CORE, _ATTRIBUTE = range(4)


def _plan(mapping: ImportMapping) -> list[tuple[str, int, str, object]]:
    plan = mapping.plan
    if plan is None:
        plan = []
        for column in mapping.header:
            role = mapping.roles[column]
            if role == "lead id":
                plan.append((column, _ID, "", None))
            elif role.startswith("outcome"):
                plan.append((column, _OUTCOME, "", None))
            elif role.startswith("lead field: "):
                name = role.removeprefix("lead field: ")
                plan.append((column, _CORE, name, _checker(name)))
            else:
                plan.append((column, _ATTRIBUTE, "", None))
        mapping.plan = plan
    return plan


def map_row(mapping: ImportMapping, line: int, values: list[str]):
    """(MappedRow, []) for a good row, (None, [(line, column, reason), ...]) for a bad one."""
    plan = _plan(mapping)
    if len(values) != len(plan):
        return None, [(line, "", f"has {len(values)} values, the header has {len(mapping.header)}")]
    errors = []
    fields, attributes, outcome = {}, {}, None
    external_id = f"import-{mapping.scope}-row-{line - 1}"
    positive = mapping.positive.lower()
    for (column, kind, name, check), raw in zip(plan, values, strict=True):
        text = raw.strip()
        if kind == _ID:
            if not text:
                errors.append((line, column, "the lead id is empty"))
            elif len(text) > MAX_TEXT:
                errors.append((line, column, f"the lead id is longer than {MAX_TEXT} characters"))
            external_id = text
        elif not text:
            continue
        elif kind == _CORE:
            value, reason = check(text)
            if reason:
                errors.append((line, column, reason))
            else:
                fields[name] = value
        elif kind == _ATTRIBUTE:
            attributes[column] = _attribute_value(text)
        else:
            outcome = text.lower() == positive
    if errors:
        return None, errors
    return MappedRow(line, external_id, fields, attributes, outcome), []


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_GROUPED_WHOLE = re.compile(r"[\d,]+(\.0*)?")


def _count_value(text: str):
    if text.isascii() and text.isdigit():  # the common case, without going through float
        number = int(text)
        if number > 2_000_000_000:
            return None, f"'{text[:40]}' is not a whole number from 0 up"
        return number, None
    try:
        number = float(text.replace(",", "")) if _GROUPED_WHOLE.fullmatch(text) else float(text)
    except ValueError:
        return None, f"'{text[:40]}' is not a whole number"
    if not math.isfinite(number) or number < 0 or not float(number).is_integer() or number > 2_000_000_000:
        return None, f"'{text[:40]}' is not a whole number from 0 up"
    return int(number), None


def _share_value(text: str):
    try:
        number = float(text)
    except ValueError:
        return None, f"'{text[:40]}' is not a number"
    if not math.isfinite(number) or not 0 <= number <= 1:
        return None, f"'{text[:40]}' is not between 0 and 1"
    return number, None


def _email_value(text: str):
    if len(text) > 254 or not _EMAIL.fullmatch(text):
        return None, f"'{text[:40]}' is not an email address"
    return text, None


def _date_value(text: str):
    """An ISO date or date-time (a date is midnight UTC, a time without zone is UTC), from 1970 up
    to tomorrow: a last contact cannot be in the future."""
    problem = f"'{text[:40]}' is not a date like 2026-03-01 (or 2026-03-01T09:30:00)"
    if len(text) > 40:
        return None, problem
    try:
        if len(text) == 10:
            moment = dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), tzinfo=dt.UTC)
        else:
            moment = dt.datetime.fromisoformat(text.replace(" ", "T", 1))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.UTC)
            moment = moment.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return None, problem
    if moment.year < EARLIEST_YEAR:
        return None, f"'{text[:40]}' is before {EARLIEST_YEAR}: not a real contact date"
    if moment > dt.datetime.now(dt.UTC) + FUTURE_SLACK:
        return None, f"'{text[:40]}' is in the future"
    return moment, None


def _text_value(text: str):
    if len(text) > MAX_TEXT:
        return None, f"longer than {MAX_TEXT} characters"
    return text, None


def _checker(name: str):
    """The check of a core field's value: (value, None) or (None, reason)."""
    if name in COUNT_FIELDS:
        return _count_value
    if name in SHARE_FIELDS:
        return _share_value
    if name == "email":
        return _email_value
    if name in DATE_FIELDS:
        return _date_value
    return _text_value


def _core_value(name: str, text: str):
    return _checker(name)(text)


def iter_rows(mapping: ImportMapping, rows):
    """Yield (MappedRow or None, errors) per data record of `rows` ((line, values) from
    read_header); duplicates of a lead id are errors."""
    first_line = {}
    for line, values in rows:
        mapped, errors = map_row(mapping, line, values)
        if mapped is not None:
            if mapped.external_id in first_line:
                mapped, errors = (
                    None,
                    [
                        (
                            line,
                            mapping.id_column,
                            f"lead id '{mapped.external_id}' already on line "
                            f"{first_line[mapped.external_id]}",
                        )
                    ],
                )
            else:
                first_line[mapped.external_id] = line
        yield mapped, errors


def errors_as_csv(errors) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["row", "column", "reason"])
    # Column names and values come from the uploaded file: never hand them back as formulas.
    writer.writerows([[safe_cell(cell) for cell in row] for row in errors])
    return out.getvalue()
