"""Recording what the team says about kept leads (one feedback per lead and user or token)."""

import math

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from leads.models.lead_feedback import ConversionStatus, LeadFeedback
from leads.models.leads import Lead

FEEDBACK_FIELDS = ("useful", "relevant", "conversion_status", "quality_score", "feedback_text")
TRUE_WORDS, FALSE_WORDS = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}


def _clean_bool(name, value, errors):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    errors[name] = ["Give true or false."]
    return None


def clean_feedback(data):
    """Validate any subset of the feedback fields; raise ValidationError per field."""
    errors, cleaned = {}, {}
    for name, value in data.items():
        if name in ("useful", "relevant"):
            cleaned[name] = _clean_bool(name, value, errors)
        elif name == "conversion_status":
            if value not in ConversionStatus.values:
                errors[name] = [f"Choose one of: {', '.join(ConversionStatus.values)}."]
            cleaned[name] = value
        elif name == "quality_score":
            if value is None or value == "":
                cleaned[name] = None
                continue
            try:
                number = float(value) if not isinstance(value, bool) else math.nan
            except (TypeError, ValueError):
                number = math.nan
            if not math.isfinite(number) or not 0 <= number <= 1:
                errors[name] = ["Must be a number between 0 and 1."]
            cleaned[name] = number
        elif name == "feedback_text":
            text = "" if value is None else str(value).replace("\x00", "")
            if len(text) > 1000:
                errors[name] = [f"At most 1000 characters (this has {len(text)})."]
            cleaned[name] = text
        else:
            errors[name] = ["Unknown feedback field."]
    if errors:
        raise ValidationError(errors)
    return cleaned


SNAPSHOT_FIELDS = (
    "name", "title", "company", "industry", "company_size", "location", "email",
    "engagement_score", "quality_score",
)  # fmt: skip


def _lead_snapshot(lead):
    return {name: getattr(lead, name) for name in SNAPSHOT_FIELDS}


def record_lead_feedback(workspace, lead, values, user=None, token=None):
    """Create or update the feedback of ``user`` (or, from the API, ``token``) on a kept lead."""
    if lead.workspace_id != workspace.id:
        raise ValidationError({"lead_id": ["No such lead in this workspace."]})
    if lead.execution_id is None:
        raise ValidationError({"lead_id": ["Feedback is given on leads kept by a recipe execution."]})
    cleaned = clean_feedback(values)
    user = user if getattr(user, "is_authenticated", False) else None
    if user is None and token is None:
        raise ValidationError({"__all__": ["Feedback needs a user or an API token."]})
    author = {"user": user} if user else {"user": None, "token": token}
    for attempt in range(2):
        try:
            with transaction.atomic():
                mine = LeadFeedback.objects.select_for_update().filter(lead=lead, **author).order_by()
                feedback = next(iter(mine[:1]), None)
                if feedback is not None:
                    feedback.lead = lead  # the answer names the lead: no second read of it
                else:
                    feedback = LeadFeedback(
                        workspace=workspace,
                        lead=lead,
                        execution_id=lead.execution_id,
                        lead_data=_lead_snapshot(lead),
                        user=user,
                        token=None if user else token,
                    )
                for name, value in cleaned.items():
                    setattr(feedback, name, value)
                feedback.save()
                return feedback
        except IntegrityError:
            if attempt:  # two first clicks at once: the second updates the row the first created
                raise
    return None


def find_execution_lead(workspace, execution, lead_id=None, lead_name=None):
    """The kept lead of an execution named by id or (the seed's way) by name."""
    # Only what feedback keeps of the lead (the others load if asked).
    leads = (
        Lead.objects.for_workspace(workspace)
        .filter(execution=execution)
        .only("id", "workspace_id", "execution_id", *SNAPSHOT_FIELDS)
    )
    if lead_id:
        # No ordering: with the model's (newest first) and LIMIT 1, PostgreSQL may walk the
        # workspace's leads by date instead of using the primary key.
        lead = next(iter(leads.filter(pk=lead_id).order_by()[:1]), None)
        if lead is None:
            raise ValidationError({"lead_id": ["No such lead in this execution."]})
        return lead
    if not lead_name:
        raise ValidationError({"lead_id": ["Give lead_id or lead_name."]})
    matches = list(leads.filter(name=lead_name.replace("\x00", ""))[:2])
    if not matches:
        raise ValidationError({"lead_name": ["No lead of that name was kept in this execution."]})
    if len(matches) > 1:
        raise ValidationError({"lead_name": ["Several leads have that name here; give lead_id."]})
    return matches[0]


def execution_feedback(workspace, execution):
    return list(
        LeadFeedback.objects.for_workspace(workspace)
        .filter(execution=execution)
        .select_related("lead", "user", "token")
        .order_by("lead__rank", "-updated_at")
    )


def team_feedback_summary(leads):
    """Per lead id: how many said useful / not useful, relevant, and the latest conversion status."""
    summary = {
        lead.id: {"useful": 0, "not_useful": 0, "relevant": 0, "converted": 0, "n": 0} for lead in leads
    }
    for feedback in LeadFeedback.objects.filter(lead__in=list(summary)).only(
        "lead_id", "useful", "relevant", "conversion_status"
    ):
        row = summary[feedback.lead_id]
        row["n"] += 1
        row["useful"] += feedback.useful is True
        row["not_useful"] += feedback.useful is False
        row["relevant"] += feedback.relevant is True
        row["converted"] += feedback.conversion_status == ConversionStatus.CONVERTED
    return summary
