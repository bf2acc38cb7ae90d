"""Where generated leads come from: an external HTTP agent, API push, CSV upload, the demo generator.

Every source hands back plain lead dicts in one shape (``normalize_lead``), so filtering and storage
never care where a lead came from. Sources never raise anything but ``SourceError``, whose message is
the reason kept on a failed execution.
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core.jsonlimits import check_json_depth
from leads import agent_network

# Canonical lead attributes, and the other names agents and CSV files use for them.
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "lead_name", "full_name", "contact_name"),
    "title": ("title", "job_title", "position", "role"),
    "company": ("company", "company_name", "organization", "organisation"),
    "industry": ("industry", "sector"),
    "company_size": ("company_size", "employees", "employee_count", "headcount"),
    "location": ("location", "geo", "address"),
    "city": ("city",),
    "region": ("region", "state"),
    "country": ("country",),
    "email": ("email", "email_address"),
    "linkedin_url": ("linkedin_url", "linkedin", "profile_url"),
    "engagement_score": ("engagement_score", "engagement"),
    "quality_score": ("quality_score", "lead_quality", "quality"),
}
NUMERIC_FIELDS = ("company_size", "engagement_score", "quality_score")
TEXT_LIMIT = 500


class SourceError(Exception):
    """A source could not produce leads; the message says why, for the execution's page."""


@dataclass
class SourceResult:
    leads: list[dict[str, Any]]
    received: int = 0
    skipped: int = 0
    truncated: bool = False
    warnings: list[str] = field(default_factory=list)


def storable_json(value: Any) -> Any:
    """The same JSON-like value as PostgreSQL can store it: no NUL characters, NaN and +-inf as null."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {storable_json(str(k)): storable_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [storable_json(v) for v in value]
    return value


def _number(value: Any) -> float | int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip().replace(",", "")
        if not value:
            return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number):
        return None
    return int(number) if number.is_integer() else number


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    text = str(value).strip()
    return text[:TEXT_LIMIT] if text else None


def normalize_lead(raw: Mapping[str, Any]) -> dict[str, Any] | None:
    """One lead in canonical form, or ``None`` if it is not a lead object at all.

    Unknown keys are kept under ``extra``; numeric fields that do not parse become ``None`` (the
    filter then treats them as missing).
    """
    if not isinstance(raw, Mapping):
        return None
    raw = storable_json(raw)
    lowered = {str(k).strip().lower(): v for k, v in raw.items()}
    lead: dict[str, Any] = {}
    used: set[str] = set()
    for canonical, names in ALIASES.items():
        for alias in names:
            if alias in lowered and lowered[alias] not in (None, ""):
                value = lowered[alias]
                lead[canonical] = _number(value) if canonical in NUMERIC_FIELDS else _text(value)
                used.add(alias)
                break
        else:
            lead[canonical] = None
    if lead["name"] is None:
        first, last = _text(lowered.get("first_name")), _text(lowered.get("last_name"))
        lead["name"] = " ".join(part for part in (first, last) if part) or None
        used.update({"first_name", "last_name"})
    for score in ("engagement_score", "quality_score"):
        if lead[score] is not None and not 0 <= lead[score] <= 1:
            lead[score] = None
    used.update(alias for names in ALIASES.values() for alias in names if alias in lowered)
    extra = {k: v for k, v in lowered.items() if k not in used}
    lead["extra"] = json.loads(json.dumps(extra, default=str))  # JSON-safe, whatever came in
    return lead


def normalize_leads(items: Iterable[Any], max_leads: int) -> SourceResult:
    """Normalise a list of raw leads, skipping non-objects and keeping at most ``max_leads``."""
    items = list(items)
    result = SourceResult(leads=[], received=len(items))
    for item in items:
        if len(result.leads) >= max_leads:
            result.truncated = True
            break
        lead = normalize_lead(item) if isinstance(item, Mapping) else None
        if lead is None:
            result.skipped += 1
        else:
            result.leads.append(lead)
    if result.skipped:
        result.warnings.append(f"{result.skipped} item(s) were not lead objects and were skipped.")
    if result.truncated:
        result.warnings.append(
            f"The source returned {result.received} leads; only the first {max_leads} were processed "
            f"(limit LEADS_MAX_GENERATED_PER_EXECUTION)."
        )
    return result


def _lead_list(payload: Any) -> list[Any]:
    if isinstance(payload, list):
        return payload
    if isinstance(payload, Mapping):
        for key in ("leads", "results", "data"):
            if isinstance(payload.get(key), list):
                return payload[key]
    raise SourceError(
        "The agent's answer is JSON but not a list of leads (nor an object with a 'leads' list)."
    )


def fetch_from_http_agent(
    url: str,
    payload: Mapping[str, Any],
    *,
    timeout: float,
    max_leads: int,
    max_bytes: int,
    allow: agent_network.AllowList | None = None,
    resolver: agent_network.Resolver | None = None,
) -> SourceResult:
    """POST the recipe input to an external agent and read its JSON list of leads.

    Only public addresses (or those in ``LEADS_AGENT_ALLOWED_NETWORKS``) are called; ``timeout`` is
    the whole exchange's deadline. Failure texts never say how a connection failed, so they cannot
    be used to map which ports are open behind the worker.
    """
    if not url.startswith(("http://", "https://")):
        raise SourceError("The agent URL is not an http(s) URL.")
    body = json.dumps(payload, default=str).encode()
    try:
        raw = agent_network.post_json(
            url, body, timeout=timeout, max_bytes=max_bytes, allow=allow, resolver=resolver
        )
    except agent_network.AddressNotAllowed:
        raise SourceError(
            "The agent could not be reached: its address is not allowed (agents must be at a public "
            "address, or one listed in LEADS_AGENT_ALLOWED_NETWORKS)."
        ) from None
    except agent_network.AgentTimeout:
        raise SourceError(
            f"The agent could not be reached: no complete answer within {timeout:g} s (timeout)."
        ) from None
    except agent_network.AgentTooLarge:
        raise SourceError(
            f"The agent's answer is larger than {max_bytes} bytes (LEADS_AGENT_MAX_BYTES); nothing was processed."
        ) from None
    except agent_network.AgentHTTPError as error:
        raise SourceError(f"The agent answered HTTP {error.status} {error.phrase}".rstrip() + ".") from None
    except agent_network.AgentRequestError:
        raise SourceError("The agent could not be reached.") from None
    try:
        text = raw.decode("utf-8")
        check_json_depth(text)  # a JsonLimitError (a ValueError), not json's RecursionError
        parsed = json.loads(text)
    except (UnicodeDecodeError, ValueError) as error:
        raise SourceError(f"The agent's answer is not valid JSON ({error}).") from None
    return normalize_leads(_lead_list(parsed), max_leads)


def parse_leads_csv(content: bytes | str, *, max_leads: int) -> SourceResult:
    """Leads from a CSV file with a header row (column names as in ``ALIASES``)."""
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SourceError("The CSV file is not UTF-8 text.") from None
    content = content.replace("\x00", "")
    try:
        reader = csv.DictReader(io.StringIO(content))
        if not reader.fieldnames:
            raise SourceError("The CSV file is empty or has no header row.")
        rows = [{k: v for k, v in row.items() if k is not None} for row in reader]
    except csv.Error as error:
        raise SourceError(f"The CSV file could not be read: {error}.") from None
    return normalize_leads(rows, max_leads)


FIRST_NAMES = [
    "Sarah",
    "Tom",
    "Ana",
    "Raj",
    "Lena",
    "Kenji",
    "Amara",
    "Lucas",
    "Mei",
    "Omar",
    "Ines",
    "Noah",
]
LAST_NAMES = [
    "Chen",
    "Price",
    "Lopez",
    "Patel",
    "Vogel",
    "Sato",
    "Okafor",
    "Martin",
    "Wang",
    "Haddad",
]
TITLES = ["Founder", "Co-founder & CEO", "CEO", "VP Sales", "Head of Growth", "CTO", "Sales Director",
          "Marketing Manager", "Software Engineer", "Operations Lead"]  # fmt: skip
INDUSTRIES = [
    "SaaS",
    "AI",
    "B2B",
    "Fintech",
    "Retail",
    "Healthcare",
    "Marketplace",
    "Logistics",
]
LOCATIONS = ["San Francisco, CA", "New York, NY", "Austin, TX", "London, UK", "Berlin, Germany",
             "Toronto, Canada", "Paris, France", "Boston, MA"]  # fmt: skip
COMPANY_WORDS = [
    "Nimbus",
    "Vector",
    "Brightline",
    "Quanta",
    "Harbor",
    "Pioneer",
    "Atlas",
    "Lumen",
]


def generate_demo_leads(query: str, count: int, seed: int | None = None) -> list[dict[str, Any]]:
    """Plausible made-up leads for the demo agent (deterministic for a given seed)."""
    rng = random.Random(seed)
    leads = []
    for _ in range(max(0, count)):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        company = f"{rng.choice(COMPANY_WORDS)} {rng.choice(['Labs', 'AI', 'Systems', 'Cloud', 'Works'])}"
        leads.append(
            normalize_lead(
                {
                    "name": f"{first} {last}",
                    "title": rng.choice(TITLES),
                    "company": company,
                    "industry": rng.choice(INDUSTRIES),
                    "company_size": int(rng.lognormvariate(4, 1.2)) + 1,
                    "location": rng.choice(LOCATIONS),
                    "email": f"{first.lower()}.{last.lower()}@{company.split()[0].lower()}.example",
                    "engagement_score": round(rng.betavariate(4, 2), 2),
                    "quality_score": round(rng.betavariate(3, 2), 2),
                    "search_query": query,
                }
            )
        )
    return leads
