"""Models of the leads app; each module holds one part of the domain (add your import line)."""

from leads.models.agents import Agent, LeadSource, Recipe  # noqa: F401
from leads.models.call_list import CallListEntry  # noqa: F401
from leads.models.executions import Execution, ExecutionStatus  # noqa: F401
from leads.models.imports import ImportStatus, LeadImport  # noqa: F401
from leads.models.lead_feedback import ConversionStatus, LeadFeedback  # noqa: F401
from leads.models.leads import Lead  # noqa: F401
from leads.models.outcomes import Outcome, OutcomeSource, OutcomeTotal, WebhookEvent  # noqa: F401
from leads.models.preferences import PreferenceRevision, PreferenceSet, SuggestionDismissal  # noqa: F401
from leads.models.scoring import LeadScore, ModelDecision, ScoringModelVersion, ScoringSettings  # noqa: F401
