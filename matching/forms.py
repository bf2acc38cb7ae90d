"""Forms of the matching app: the pages' forms, and the rules for a choice's and an interaction's
details that the services check for the pages and the API alike."""

from django import forms
from django.core.exceptions import ValidationError

from matching.models import Complexity, InteractionType

IMPORTANCE = [("", "not stated")] + [(str(i), str(i)) for i in range(1, 6)]
MAX_TEXT = 5000
WEEK_SECONDS = 7 * 24 * 3600
RATING_MESSAGE = "Give a whole number from 1 to 5."
SECONDS_MESSAGE = "Give seconds between 0 and a week."


def _text(limit, **kwargs):
    # Kept as sent (not stripped), as the API always stored them; the pages strip what people type.
    return forms.CharField(
        max_length=limit,
        required=False,
        strip=False,
        error_messages={"max_length": f"At most {limit} characters."},
        **kwargs,
    )


def _rating(**kwargs):
    messages = dict.fromkeys(("invalid", "min_value", "max_value"), RATING_MESSAGE)
    return forms.IntegerField(min_value=1, max_value=5, required=False, error_messages=messages, **kwargs)


def _seconds(**kwargs):
    messages = dict.fromkeys(("invalid", "min_value", "max_value"), SECONDS_MESSAGE)
    return forms.FloatField(
        min_value=0, max_value=WEEK_SECONDS, required=False, error_messages=messages, **kwargs
    )


def cleaned_or_refused(form_class, data: dict) -> dict:
    """The form's cleaned data, or a ValidationError with its messages by field (for services)."""
    form = form_class(data)
    if not form.is_valid():
        raise ValidationError({field: list(messages) for field, messages in form.errors.items()})
    return form.cleaned_data


class ChoiceDetailsForm(forms.Form):
    """What a customer says about their choice; `record_choice` checks it for the page and the API."""

    satisfaction = _rating(
        label="Satisfaction (1-5)",
        widget=forms.Select(choices=[("", "–")] + [(str(i), str(i)) for i in range(1, 6)]),
    )
    reasoning = _text(MAX_TEXT, label="Why this one?", widget=forms.Textarea(attrs={"rows": 2}))
    outcome = _text(200, label="Outcome (later)", help_text="e.g. order placed, delivered late")
    decision_time_seconds = _seconds()


class InteractionForm(forms.Form):
    """How a customer used the list; `record_interaction` checks it for the page and the API."""

    interaction_type = forms.ChoiceField(
        choices=InteractionType.choices,
        error_messages=dict.fromkeys(
            ("required", "invalid_choice"), f"Use one of {', '.join(InteractionType.values)}."
        ),
    )
    time_spent_seconds = _seconds()
    viewed_explanation_level = _text(30)
    helpful_rating = _rating()


class SessionRequestForm(forms.Form):
    """Who asks and how complex the request is; `start_session` checks it for the page and the API."""

    customer_ref = _text(200, label="Customer", help_text="A name or id; past choices refine the segment.")
    complexity = forms.ChoiceField(
        choices=Complexity.choices,
        initial=Complexity.MEDIUM,
        error_messages=dict.fromkeys(
            ("required", "invalid_choice"), f"Use one of {', '.join(Complexity.values)}."
        ),
    )


class StartSessionForm(SessionRequestForm):
    """The matching page's new session: the request and the customer's stated priorities."""

    field_order = ["customer_ref", "request", "complexity", "price", "quality", "speed", "proximity"]

    request = forms.CharField(
        label="Request details", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    price = forms.ChoiceField(label="Importance of price (1-5)", choices=IMPORTANCE, required=False)
    quality = forms.ChoiceField(label="Importance of quality (1-5)", choices=IMPORTANCE, required=False)
    speed = forms.ChoiceField(label="Importance of speed (1-5)", choices=IMPORTANCE, required=False)
    proximity = forms.ChoiceField(label="Importance of proximity (1-5)", choices=IMPORTANCE, required=False)

    def clean(self):
        cleaned = super().clean()
        # A session with no customer, no request and no stated priority ranks nobody in particular:
        # it adds an anonymous row to the list and a choice-less session to the learning data.
        if not (
            cleaned.get("customer_ref", "").strip()
            or cleaned.get("request", "").strip()
            or self.stated_preferences()
        ):
            message = "Give the customer, the request, or at least one stated priority."
            self.add_error("customer_ref", message)
            self.add_error("request", message)
        return cleaned

    def stated_preferences(self):
        return {
            key: int(self.cleaned_data[key])
            for key in ("price", "quality", "speed", "proximity")
            if getattr(self, "cleaned_data", {}).get(key)
        }


class ChoiceForm(ChoiceDetailsForm):
    """The session page's choice: the candidate and the choice's details."""

    field_order = ["candidate_id", "satisfaction", "reasoning", "important_factors", "outcome"]

    candidate_id = forms.CharField(required=False)
    important_factors = forms.MultipleChoiceField(
        label="What mattered most", required=False, widget=forms.CheckboxSelectMultiple
    )
    decision_time_seconds = None  # the page measures it: the time since the list was shown

    def __init__(self, *args, factors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["important_factors"].choices = [(f.key, f.label) for f in factors]


class ProviderDetailsForm(forms.Form):
    """A provider's name, description and whether it is recommended; `save_candidate` checks them
    for the page and the API (factor values: `clean_factor_values`)."""

    name = forms.CharField(
        max_length=200,
        error_messages={"required": "Give the provider a name.", "max_length": "Use at most 200 characters."},
    )
    description = forms.CharField(max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    active = forms.BooleanField(
        label="Recommend this provider",
        required=False,
        help_text="Inactive providers are kept but not ranked.",
    )


class ProviderForm(ProviderDetailsForm):
    """The providers page's form: the provider's details and one number per factor."""

    def __init__(self, *args, factors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.factors = list(factors)
        for factor in self.factors:
            self.fields[self.factor_field(factor)] = forms.FloatField(
                label=factor.label,
                required=False,
                help_text=f"{'higher' if factor.higher_is_better else 'lower'} is better; blank when unknown",
            )

    @staticmethod
    def factor_field(factor):
        return f"factor__{factor.key}"

    @classmethod
    def for_candidate(cls, candidate, factors):
        initial = {"name": candidate.name, "description": candidate.description, "active": candidate.active}
        for factor in factors:
            initial[cls.factor_field(factor)] = candidate.factor_values.get(factor.key)
        return cls(factors=factors, initial=initial)

    def factor_fields(self):
        return [self[self.factor_field(factor)] for factor in self.factors]

    def factor_values(self):
        return {factor.key: self.cleaned_data.get(self.factor_field(factor)) for factor in self.factors}
