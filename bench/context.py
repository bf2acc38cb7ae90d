"""What every scenario gets: sizes for this run, repeat counts, workspaces, users and tokens."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore

from bench.environment import Environment
from workspaces.models import ApiToken, Membership, Role, Workspace

# Size presets: full is the issue's; quick is for development; tiny is for the smoke test.
SCALES = {"full": 1.0, "medium": 0.1, "quick": 0.02, "tiny": 0.002}


@dataclass
class Context:
    preset: str
    environment: Environment
    log_dir: Path
    shared: dict = field(default_factory=dict)  # data one scenario leaves for another
    share: float = 120.0  # seconds this scenario may take (its share of the time budget left)

    @property
    def scale(self) -> float:
        return SCALES[self.preset]

    @property
    def full(self) -> bool:
        return self.preset == "full"

    def size(self, full_size: int, minimum: int = 50) -> int:
        return max(minimum, int(full_size * self.scale))

    def runs(self, full_runs: int) -> int:
        """Timed runs: as asked at full size, fewer at the small development sizes."""
        if self.preset == "tiny":
            return 1
        return full_runs if self.full else max(1, min(full_runs, 2))

    def seconds(self, full_seconds: float, share_fraction: float = 1.0) -> float:
        """A time budget for a load run: as asked at full size (but at most the given fraction of the
        scenario's share), short at the small sizes."""
        if self.full:
            return min(full_seconds, self.share * share_fraction)
        return {"medium": full_seconds / 3, "quick": 4.0, "tiny": 1.5}[self.preset]

    def fit(self, size: int, probe_rate: float, budget_seconds: float, minimum: int = 200) -> tuple[int, str]:
        """The size to run: ``size`` (the preset's), reduced when the rate a small probe measured
        says it would not finish within the time this step may use; and a note saying so."""
        if not self.full or probe_rate * budget_seconds >= size:
            return size, ""
        reduced = max(minimum, int(probe_rate * budget_seconds) // 1000 * 1000)
        return reduced, (
            f"REDUCED from {size:,} to {reduced:,}: a probe ran at {probe_rate:,.0f}/s, so {size:,} would "
            f"take about {size / probe_rate:,.0f} s, beyond the {budget_seconds:.0f} s this step may use within "
            "the 15-minute budget"
        )

    def workspace(self, slug: str):
        return Workspace.objects.create(slug=slug, name=slug.replace("-", " ").title())

    def owner(self, workspace, username: str):

        user = get_user_model().objects.create_user(username=username, password="bench-password-1")
        Membership.objects.create(workspace=workspace, user=user, role=Role.OWNER)
        return user

    def token(self, workspace) -> str:
        _token, raw = ApiToken.issue(workspace, "benchmark")
        return raw

    def session_cookie(self, user) -> str:
        """A logged-in session for ``user``, as the Cookie header a browser would send."""

        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
