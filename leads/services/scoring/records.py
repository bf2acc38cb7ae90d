"""The lead table the model sees: typed fields and free attributes, one record per lead."""

import numpy as np
import pandas as pd

# Typed lead fields the model may learn from; name and email are identities, never features.
FEATURE_FIELDS = (
    "company",
    "industry",
    "location",
    "company_size",
    "title",
    "source",
    "engagement_score",
    "quality_score",
    "email_opens",
    "website_visits",
    "content_downloads",
    "days_since_contact",
)


def lead_records(leads) -> list[dict]:
    records = []
    for lead in leads:
        record = {name: getattr(lead, name) for name in FEATURE_FIELDS}
        for key, value in (lead.attributes or {}).items():
            column = key if key not in record and key not in ("name", "email") else f"attr_{key}"
            record[column] = value
        records.append(record)
    return records


def lead_frame(leads) -> pd.DataFrame:
    frame = pd.DataFrame(lead_records(leads))
    # Empty text fields are missing values, not a category of their own.
    return frame.replace({"": np.nan})
