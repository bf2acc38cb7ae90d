"""Forms of the feedback loop: the one validation of every write (page, API, command, import)."""

import hashlib
import json
import math
from datetime import UTC, date, datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from feedback.analysis import normalise_tags
from feedback.models import Thumbs
from feedback.reports import PERIODS

MAX_TEXT = 100_000
MAX_TAGS = 20
MAX_TAG_LENGTH = 50
MAX_CONTEXT_BYTES = 20_000
MAX_NAME = 100  # framework and model names

RATING_CHOICES = [(i, f"{i} ★") for i in range(5, 0, -1)]
THUMBS_CHOICES = [("none", "No thumbs"), ("up", "Thumbs up"), ("down", "Thumbs down")]
THUMBS_VALUES = {
    "up": Thumbs.UP, "1": Thumbs.UP, "true": Thumbs.UP, "yes": Thumbs.UP, "+1": Thumbs.UP,
    "down": Thumbs.DOWN, "-1": Thumbs.DOWN, "false": Thumbs.DOWN, "no": Thumbs.DOWN,
    "none": Thumbs.NONE, "0": Thumbs.NONE,
}  # fmt: skip
RATING_INVALID = "The rating must be a whole number from 1 to 5."
AT_MOST_NAME = f"At most {MAX_NAME} characters."


def validated(form_class, data: dict) -> forms.Form:
    """The bound, valid form for a service's input; ValidationError naming each bad field."""
    form = form_class(data)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return form


def parse_thumbs(value) -> int:
    """'up'/'down'/'none', True/False, 1/-1/0 or blank -> Thumbs value."""
    if value is None or value == "":
        return Thumbs.NONE
    if isinstance(value, bool):
        return Thumbs.UP if value else Thumbs.DOWN
    text = str(value).strip().lower()
    if text not in THUMBS_VALUES:
        raise ValidationError("Use up, down or none.", code="invalid")
    return THUMBS_VALUES[text]


def parse_rating(value) -> int:
    """A whole number from 1 to 5 (an int, a float such as 4.0 or its text)."""
    if isinstance(value, bool):
        raise ValidationError(RATING_INVALID, code="invalid")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError(RATING_INVALID, code="invalid") from None
    if not math.isfinite(number) or number != int(number) or not 1 <= number <= 5:
        raise ValidationError(RATING_INVALID, code="invalid")
    return int(number)


def parse_timestamp(value) -> datetime:
    """An ISO date or time (UTC when naive) from 2000 to tomorrow; now when blank."""
    if value in (None, ""):
        return timezone.now()
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()[:64]
        try:
            moment = parse_datetime(text) or datetime.combine(date.fromisoformat(text), datetime.min.time())
        except ValueError:
            raise ValidationError("Use an ISO date or time, e.g. 2026-11-25T10:30:00Z.") from None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    if moment > timezone.now() + timedelta(days=1):
        raise ValidationError("The timestamp is in the future.")
    if moment.year < 2000:
        raise ValidationError("The timestamp is before the year 2000.")
    return moment


class RatingField(forms.Field):
    widget = forms.RadioSelect(choices=RATING_CHOICES)

    def to_python(self, value):
        return None if value in self.empty_values else parse_rating(value)


class ThumbsField(forms.Field):
    widget = forms.RadioSelect(choices=THUMBS_CHOICES)

    def to_python(self, value):
        return parse_thumbs(value)


class TagsField(forms.Field):
    """Comma-separated text or a list; normalised ('Code Review' -> 'code-review')."""

    def __init__(self, *, max_tags=MAX_TAGS, max_tag_length=MAX_TAG_LENGTH, message=None, **kwargs):
        self.max_tags, self.max_tag_length = max_tags, max_tag_length
        self.message = message or f"At most {max_tags} tags of at most {max_tag_length} characters each."
        super().__init__(**kwargs)

    def to_python(self, value):
        return normalise_tags(value)

    def validate(self, value):
        super().validate(value)
        if len(value) > self.max_tags or any(len(t) > self.max_tag_length for t in value):
            raise ValidationError(self.message)


class ContextField(forms.Field):
    """A JSON object of plain values, at most MAX_CONTEXT_BYTES once encoded."""

    def to_python(self, value):
        value = value or {}
        if not isinstance(value, dict):
            raise ValidationError("The context must be a JSON object.")
        return dict(value)

    def validate(self, value):
        try:
            encoded = json.dumps(value, allow_nan=False)
        except (TypeError, ValueError):
            raise ValidationError("The context must hold plain JSON values (no NaN or infinity).") from None
        if len(encoded) > MAX_CONTEXT_BYTES:
            raise ValidationError(f"The context is larger than {MAX_CONTEXT_BYTES:,} bytes.")


class TimestampField(forms.Field):
    def to_python(self, value):
        return parse_timestamp(value)


def _text(required_message, rows):
    return forms.CharField(
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required_message, "max_length": f"At most {MAX_TEXT:,} characters."},
    )


def _name(help_text):
    return forms.CharField(
        required=False, max_length=MAX_NAME, help_text=help_text, error_messages={"max_length": AT_MOST_NAME}
    )


class NotesField(forms.CharField):
    def to_python(self, value):
        return super().to_python(value)[:MAX_TEXT]  # long notes are cut, not refused


def _merge_context(data: dict):
    """framework and model given beside the context go into it, and the entry's columns are read
    from it; yields (field, message) for a name read from the context that is too long."""
    context = dict(data.get("context") or {})
    for key in ("framework", "model"):
        if data.get(key):
            context[key] = data[key]
    data["context"] = context
    for key in ("framework", "model"):
        data[key] = str(context.get(key) or "").strip()
        if len(data[key]) > MAX_NAME:
            yield key, AT_MOST_NAME


def _entry_fields(data: dict) -> dict:
    names = {"model": "model_name", "timestamp": "created_at"}
    return {names.get(name, name): value for name, value in data.items()}


class RowCheckMixin:
    """A form whose rows a batch or an import also checks without a form (``check``). The form
    names its cross-field checks (``row_problems``: (field, message) pairs; they may also complete
    the cleaned data) and its model's fields (``row_fields``, from the cleaned data)."""

    # True: check() looks for cross-field problems only in a row whose every field is valid
    # (the form itself always looks, skipping a field that already has an error).
    problems_need_valid_fields = False

    @staticmethod
    def row_problems(data: dict):
        return ()

    @staticmethod
    def row_fields(data: dict) -> dict:
        return data

    def clean(self):
        data = super().clean()
        for key, message in self.row_problems(data):
            if key not in self.errors:
                self.add_error(key, message)
        return data

    @classmethod
    def check(cls, data: dict) -> dict:
        """The model's fields from one row (a dict), by this form's own fields and rules but
        without a form per row: an import checks up to 100,000 rows, and building a form for each
        (bound fields, error lists) made the import five times slower than the checks themselves.
        ValidationError naming each bad field, as the form's errors."""
        cleaned, errors = {}, {}
        for name, field in cls.base_fields.items():
            try:
                cleaned[name] = field.clean(field.widget.value_from_datadict(data, {}, name))
            except ValidationError as exc:
                errors[name] = exc.error_list
        if not (errors and cls.problems_need_valid_fields):
            for key, message in cls.row_problems(cleaned):
                errors.setdefault(key, [ValidationError(message)])
        if errors:
            raise ValidationError(errors)
        return cls.row_fields(cleaned)


class EntryForm(RowCheckMixin, forms.Form):
    """One rated output, as the page, the API, the command and the import give it."""

    prompt = _text("The prompt is required.", 4)
    output = _text("The output is required.", 6)
    rating = RatingField()
    thumbs = ThumbsField(required=False, initial="none")
    tags = TagsField(
        required=False,
        help_text="Comma-separated, e.g. technical, code-review.",
        widget=forms.TextInput(attrs={"maxlength": 1000}),
    )
    framework = _name("e.g. chain-of-thought")
    model = _name("e.g. claude-sonnet-5")
    notes = NotesField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    context = ContextField(required=False, widget=forms.HiddenInput)
    timestamp = TimestampField(required=False, widget=forms.HiddenInput)

    row_problems = staticmethod(_merge_context)
    row_fields = staticmethod(_entry_fields)  # check() gives FeedbackEntry's fields

    def entry_fields(self) -> dict:
        """The cleaned entry as FeedbackEntry's fields."""
        return _entry_fields(self.cleaned_data)


class RatingChangeForm(forms.Form):
    """The rating widget: a new rating and/or thumbs."""

    rating = RatingField(required=False)
    thumbs = forms.CharField(required=False)

    def clean_thumbs(self):
        value = self.cleaned_data["thumbs"]
        return None if value in (None, "") else parse_thumbs(value)


class ImportForm(forms.Form):
    """A file, or a batch pasted as JSON Lines or CSV (with its header line)."""

    file = forms.FileField(
        required=False,
        help_text="CSV with columns prompt, output, rating, thumbs, tags, framework, model, notes, "
        "timestamp; or JSON Lines (.jsonl) with the API's fields.",
    )
    text = forms.CharField(
        required=False,
        label="Or paste a batch",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One JSON object per line, or CSV with its header line.",
    )

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (data.get("text") or "").strip():
            raise forms.ValidationError("Choose a file or paste a batch.")
        return data


def _whole_number(label, low, high, message, **kwargs):
    messages = {"min_value": message, "max_value": message, "invalid": message}
    return forms.IntegerField(min_value=low, max_value=high, label=label, error_messages=messages, **kwargs)


DAYS_MESSAGE = "Days must be a whole number from 1 to 3660."


class AnalysisForm(forms.Form):
    days = _whole_number(None, 1, 3660, DAYS_MESSAGE, initial=30)
    min_samples = _whole_number(
        "Minimum sample size", 1, 100_000, "The minimum sample size must be from 1 to 100000.", initial=5
    )


class ReportForm(forms.Form):
    period = forms.ChoiceField(
        choices=[(p, p.title()) for p in PERIODS],
        error_messages={"invalid_choice": "Choose weekly or monthly."},
    )
    date = forms.DateField(required=False, help_text="A day in the period; default today.")

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day is not None and not date(2000, 1, 1) <= day <= date(2100, 12, 31):
            raise ValidationError("Choose a date between 2000 and 2100.")
        return day


class SuggestionForm(forms.Form):
    framework = forms.CharField(required=False, max_length=MAX_NAME)
    days = _whole_number(None, 1, 3660, DAYS_MESSAGE, initial=30)
    limit = _whole_number(None, 1, 20, "The limit must be from 1 to 20.", initial=5)


class RouteForm(forms.Form):
    tags = TagsField(
        required=False,
        max_tag_length=2000,
        message=f"At most {MAX_TAGS} tags.",
        help_text="The task's tags, comma-separated.",
        widget=forms.TextInput(attrs={"maxlength": 1000}),
    )

    def clean_tags(self):
        # The API's query string is bounded too: 2,000 characters of tags at most.
        raw = self.data.get("tags") or ""
        if isinstance(raw, str) and len(raw) > 2000:
            raise ValidationError("At most 2000 characters.")
        return self.cleaned_data["tags"]


VERDICT_INVALID = "Use a (the left output is better), b (the right one) or tie."
VERDICT_VALUES = {"a": "a", "left": "a", "b": "b", "right": "b", "tie": "tie", "equal": "tie", "=": "tie"}
SIDE_NAMES = ("variant", "framework", "model")


def parse_verdict(value) -> str:
    """a, b or tie (also left, right, equal, in any case)."""
    text = str(value).strip().lower() if isinstance(value, str) else None
    if text not in VERDICT_VALUES:
        raise ValidationError(VERDICT_INVALID, code="invalid")
    return VERDICT_VALUES[text]


class VerdictField(forms.Field):
    def to_python(self, value):
        return None if value in self.empty_values else parse_verdict(value)


def _pairwise_problems(data: dict):
    """(field, message) for a judgment that cannot be right: the same text on both sides judged
    better on one side."""
    left, right = data.get("left_output"), data.get("right_output")
    if left is not None and left == right and data.get("verdict") in ("a", "b"):
        yield "verdict", "The two outputs are the same text: only a tie can be right."


def _judgment_fields(data: dict) -> dict:
    fields = {name: data.get(name) or "" for name in PairwiseForm.base_fields}
    fields["prompt_hash"] = prompt_hash(fields["prompt"])
    return fields


class PairwiseForm(RowCheckMixin, forms.Form):
    """One pairwise judgment (two outputs of the same prompt, which is better), as the page, the
    API, the batch and the CSV import give it."""

    prompt = _text("The prompt is required.", 3)
    left_output = _text("Output A is required.", 8)
    right_output = _text("Output B is required.", 8)
    left_variant = _name("The prompt variant's name, e.g. v2-concise")
    left_framework = _name("e.g. chain-of-thought")
    left_model = _name("e.g. claude-sonnet-5")
    right_variant = _name("The prompt variant's name, e.g. v1")
    right_framework = _name("e.g. few-shot")
    right_model = _name("e.g. claude-haiku-5-5")
    verdict = VerdictField(error_messages={"required": "Choose a, b or tie."})
    notes = NotesField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    LABELS = {"left_output": "Text of output A", "right_output": "Text of output B",
              "left_variant": "Prompt variant of A", "left_framework": "Framework of A", "left_model": "Model of A",
              "right_variant": "Prompt variant of B", "right_framework": "Framework of B", "right_model": "Model of B"}  # fmt: skip

    row_problems = staticmethod(_pairwise_problems)
    row_fields = staticmethod(_judgment_fields)  # check() gives PairwiseJudgment's fields
    problems_need_valid_fields = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in self.LABELS.items():
            self.fields[name].label = label

    def judgment_fields(self) -> dict:
        return _judgment_fields(self.cleaned_data)


def prompt_hash(prompt: str) -> str:
    return hashlib.sha256(prompt.encode("utf-8", "surrogatepass")).hexdigest()
