"""Forms of the matching pages."""

from django import forms

from matching.models import Complexity

IMPORTANCE = [("", "not stated")] + [(str(i), str(i)) for i in range(1, 6)]


class StartSessionForm(forms.Form):
    customer_ref = forms.CharField(
        label="Customer",
        max_length=200,
        required=False,
        help_text="A name or id; past choices refine the segment.",
    )
    request = forms.CharField(
        label="Request details", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    complexity = forms.ChoiceField(choices=Complexity.choices, initial=Complexity.MEDIUM)
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


class ChoiceForm(forms.Form):
    candidate_id = forms.CharField(required=False)
    satisfaction = forms.TypedChoiceField(
        label="Satisfaction (1-5)",
        choices=[("", "–")] + [(str(i), str(i)) for i in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    reasoning = forms.CharField(
        label="Why this one?", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    important_factors = forms.MultipleChoiceField(
        label="What mattered most", required=False, widget=forms.CheckboxSelectMultiple
    )
    outcome = forms.CharField(
        label="Outcome (later)", max_length=200, required=False, help_text="e.g. order placed, delivered late"
    )

    def __init__(self, *args, factors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["important_factors"].choices = [(f.key, f.label) for f in factors]


class ProviderForm(forms.Form):
    """A provider's name, description, whether it is recommended, and one number per factor."""

    name = forms.CharField(max_length=200)
    description = forms.CharField(max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    active = forms.BooleanField(
        label="Recommend this provider",
        required=False,
        help_text="Inactive providers are kept but not ranked.",
    )

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
