"""Forms to create and edit agents and recipes, and to run a recipe on an uploaded CSV."""

from django import forms
from django.core.validators import URLValidator

from core.jsonlimits import LimitedJSONField
from leads.agent_network import endpoint_url_problem
from leads.models.agents import Agent, LeadSource, Recipe
from leads.sources import storable_json


class AgentForm(forms.ModelForm):
    """A new or edited agent: the one check of its fields, for the pages and the API alike."""

    class Meta:
        model = Agent
        fields = ["name", "description", "source"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        error_messages = {
            "name": {"required": "Give the agent a name.", "max_length": "At most 120 characters."},
            "source": {"invalid_choice": f"Choose one of: {', '.join(LeadSource.values)}."},
        }

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.workspace = workspace

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the agent a name.")
        taken = Agent.objects.for_workspace(self.workspace).filter(name__iexact=name)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("An agent with this name exists already.")
        return name


class RecipeForm(forms.ModelForm):
    endpoint_url = forms.URLField(
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="For external HTTP agents: where the worker POSTs the recipe input.",
    )
    input_data = LimitedJSONField(  # json.loads of 10,000 levels raised RecursionError (a 500)
        required=False,
        initial=dict,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text='A JSON object sent to the agent, e.g. {"search_query": "AI startup founders"}.',
    )

    class Meta:
        model = Recipe
        fields = ["name", "description", "input_data", "endpoint_url", "demo_lead_count"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        error_messages = {
            "name": {"required": "Give the recipe a name.", "max_length": "At most 120 characters."},
            "demo_lead_count": {"invalid": "Give a whole number from 1 to 100000."},
        }

    def __init__(self, *args, agent, every_field=False, **kwargs):
        """The page shows only the fields the agent's source uses; the API (`every_field`) takes
        them all, as its body may carry them."""
        super().__init__(*args, **kwargs)
        self.agent = agent
        if agent.source != "http" and not every_field:
            del self.fields["endpoint_url"]
        if agent.source != "demo" and not every_field:
            del self.fields["demo_lead_count"]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the recipe a name.")
        return name

    def clean_endpoint_url(self):
        url = (self.cleaned_data.get("endpoint_url") or "").strip()
        if not url:
            return ""
        try:
            URLValidator(schemes=["http", "https"])(url)
        except forms.ValidationError:
            raise forms.ValidationError("Give an http(s) URL.") from None
        problem = endpoint_url_problem(url)
        if problem:
            raise forms.ValidationError(problem)
        return url

    def clean_demo_lead_count(self):
        count = self.cleaned_data.get("demo_lead_count")
        if count is None or not 1 <= count <= 100_000:
            raise forms.ValidationError("Give a whole number from 1 to 100000.")
        return count

    def clean_input_data(self):
        value = self.cleaned_data.get("input_data")
        if value in (None, ""):
            return {}
        if not isinstance(value, dict):
            raise forms.ValidationError('Give a JSON object, e.g. {"search_query": "AI founders"}.')
        return storable_json(value)

    def clean(self):
        cleaned = super().clean()
        if self.agent.source == "http" and not cleaned.get("endpoint_url"):
            self.add_error("endpoint_url", "An external agent needs the URL the worker calls.")
        return cleaned


class CsvRunForm(forms.Form):
    file = forms.FileField(
        help_text="A CSV with a header row: name, title, company, industry, company_size, location, engagement_score, quality_score…"
    )
