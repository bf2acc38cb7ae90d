"""Limits on JSON input: nesting depth (checked on the text, before parsing), NUL characters, and
caps on any array or string, applied to every API body and to JSON found in imports."""

import json
import re
from itertools import accumulate

from django import forms
from django.forms.fields import InvalidJSONInput

MAX_JSON_DEPTH = 32
# Caps on any array and string in a body, whatever the route: above what any field takes (the
# longest texts, feedback prompts, hold 100,000 characters; the longest lists, pushed leads, 5,000
# by default), so that a field's own limit speaks first and these only stop the cost of a
# 100,000-item list where a schema has no bound.
MAX_JSON_ITEMS = 10_000
MAX_JSON_STRING = 100_000
NUL_MESSAGE = "NUL characters (\\u0000) are not allowed."

# A JSON string (escapes included), unrolled so that long strings match in one step; what is left
# after removing the strings holds only the structure.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class JsonLimitError(ValueError):
    """The JSON is too deep, holds a NUL or is over a cap; `path` is the dotted field path ("" when
    unknown)."""

    def __init__(self, message, path=""):
        super().__init__(message)
        self.message = message
        self.path = path


def json_depth(text):
    """How deep the text's arrays and objects nest, found without parsing (so without recursion:
    Python's json module raises RecursionError near a depth of 1,000). Linear: two regex passes
    and a running sum in C."""
    structure = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if not structure:
        return 0
    return max(accumulate(map(_STEP.__getitem__, structure)))


def check_json_depth(text, max_depth=MAX_JSON_DEPTH, path=""):
    if json_depth(text) > max_depth:
        raise JsonLimitError(f"The JSON nests deeper than {max_depth} levels.", path)


def _refuse_constant(name):
    raise JsonLimitError(f"{name} is not valid JSON; send a number or null.")


def loads_limited(
    text, *, max_depth=MAX_JSON_DEPTH, path="", max_items=MAX_JSON_ITEMS, max_string=MAX_JSON_STRING
):
    """json.loads for untrusted text: depth checked first, NaN/Infinity refused, then no NUL and
    no array or string over the caps anywhere in the result (each raises JsonLimitError naming
    the path where known)."""
    check_json_depth(text, max_depth, path)
    value = json.loads(text, parse_constant=_refuse_constant)
    check_values(value, path, max_items=max_items, max_string=max_string)
    return value


def _problem(item, max_items, max_string):
    if isinstance(item, str):
        if "\x00" in item:
            return NUL_MESSAGE
        if len(item) > max_string:
            return f"At most {max_string:,} characters."
    elif isinstance(item, (list, tuple, dict)) and len(item) > max_items:
        return f"At most {max_items:,} items."
    return None


def first_problem(value, path="", max_items=MAX_JSON_ITEMS, max_string=MAX_JSON_STRING):
    """(dotted path, message) of the first NUL character, over-long string or over-long array in
    a parsed JSON value, or None. Iterative, so any depth is safe; keys and list indexes make up
    the path ("entries.3.prompt"); a key with a NUL is reported at its own path."""
    stack = [(path, value)]
    while stack:
        where, item = stack.pop()
        message = _problem(item, max_items, max_string)
        if message:
            return where or "__all__", message
        if isinstance(item, dict):
            children = []
            for key, child in item.items():
                child_path = f"{where}.{key}" if where else str(key)
                message = _problem(key, max_items, max_string)
                if message:
                    return child_path.replace("\x00", ""), message
                children.append((child_path, child))
            stack.extend(reversed(children))
        elif isinstance(item, (list, tuple)):
            prefix = f"{where}." if where else ""
            stack.extend(reversed([(f"{prefix}{index}", child) for index, child in enumerate(item)]))
    return None


def check_values(value, path="", max_items=MAX_JSON_ITEMS, max_string=MAX_JSON_STRING):
    found = first_problem(value, path, max_items, max_string)
    if found is not None:
        raise JsonLimitError(found[1], found[0])


def check_no_nul(value, path=""):
    """Only the NUL check (for values bounded elsewhere, e.g. by a form field's max_length)."""
    check_values(value, path, max_items=float("inf"), max_string=float("inf"))


class LimitedJSONField(forms.JSONField):
    """forms.JSONField with the API's limits: too deep (json.loads raises RecursionError past
    about 1,000 levels, in to_python and again when the form is shown with its errors), a NUL, or
    an array or string over the caps is a message beside the field."""

    def to_python(self, value):
        try:
            if isinstance(value, str) and not self.disabled:
                check_json_depth(value)
            converted = super().to_python(value)
            if not self.disabled:
                check_values(converted)
        except JsonLimitError as exc:
            where = f" (at {exc.path})" if exc.path else ""
            raise forms.ValidationError(exc.message + where, code="invalid") from None
        return converted

    def bound_data(self, data, initial):
        if isinstance(data, str) and not self.disabled and json_depth(data) > MAX_JSON_DEPTH:
            return InvalidJSONInput(data)
        return super().bound_data(data, initial)
