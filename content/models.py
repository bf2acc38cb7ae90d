"""Models of the content loop: brands, experiments, posts, daily metrics, winner decisions, winners."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from content import winners as rule
from workspaces.models import WorkspaceScopedModel


def _rate(num, den):
    return num / den if den else 0.0


class CountRates:
    """CTR and conversion rate of a row that holds impressions, clicks and conversions."""

    @property
    def ctr(self):
        return _rate(self.clicks, self.impressions)

    @property
    def conversion_rate(self):
        return _rate(self.conversions, self.clicks)


class WinnerPolicy(WorkspaceScopedModel):
    """How a workspace decides winners: the metric it optimises and how sure it must be."""

    class Metric(models.TextChoices):
        CTR = "ctr", "CTR (clicks per impression)"
        CONVERSION_RATE = "conversion_rate", "Conversion rate (conversions per click)"
        REVENUE_PER_IMPRESSION = "revenue_per_impression", "Revenue per impression"
        COMPOSITE = "composite", "Weighted composite"

    metric = models.CharField(max_length=30, choices=Metric.choices, default=Metric.CTR)
    threshold = models.FloatField(
        default=rule.DEFAULT_THRESHOLD,
        validators=[MinValueValidator(0.5), MaxValueValidator(0.999)],
        help_text="Probability to be best a variant needs before it is declared the winner.",
    )
    min_impressions = models.PositiveIntegerField(
        default=rule.DEFAULT_MIN_IMPRESSIONS,
        validators=[MinValueValidator(1), MaxValueValidator(10**9)],
        help_text="Every variant needs at least this many impressions before any winner.",
    )
    practical_lift = models.FloatField(
        default=rule.DEFAULT_PRACTICAL_LIFT,
        validators=[MinValueValidator(0.001), MaxValueValidator(1.0)],
        help_text=(
            "A relative difference smaller than this does not matter to you (0.05 = +/-5%): when the "
            "data show the variants are that close, the experiment is settled as no meaningful difference."
        ),
    )
    split_floor = models.FloatField(
        default=rule.DEFAULT_SPLIT_FLOOR,
        validators=[MinValueValidator(0.0), MaxValueValidator(0.5)],
        help_text="The smallest share of traffic the recommended split gives any variant (0.10 = 10%).",
    )
    impression_budget = models.PositiveIntegerField(
        default=rule.DEFAULT_IMPRESSION_BUDGET,
        validators=[MinValueValidator(100), MaxValueValidator(10**9)],
        help_text=(
            "Impressions per variant you are willing to spend to find a real difference. The daily looks "
            "spread most of the error rate over it, so a look near the budget needs less evidence than "
            "the always-valid test alone; past it only the always-valid test can name a winner."
        ),
    )
    steers_traffic = models.BooleanField(
        default=False,
        help_text=(
            "Tick when your team shares traffic by the recommended split: the impressions are then not "
            "meant to split equally, so the sample-ratio check is skipped."
        ),
    )
    weight_ctr = models.FloatField(default=0.5, validators=[MinValueValidator(0)])
    weight_conversion_rate = models.FloatField(default=0.3, validators=[MinValueValidator(0)])
    weight_revenue = models.FloatField(default=0.2, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name_plural = "winner policies"
        constraints = [models.UniqueConstraint(fields=["workspace"], name="one_winner_policy")]

    def __str__(self):
        return f"{self.get_metric_display()} at {self.threshold:.0%}"

    @property
    def weights(self):
        return {
            "ctr": self.weight_ctr,
            "conversion_rate": self.weight_conversion_rate,
            "revenue_per_impression": self.weight_revenue,
        }


class Brand(WorkspaceScopedModel):
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="brand_name_per_workspace")]

    def __str__(self):
        return self.name


class Experiment(WorkspaceScopedModel):
    """A group of variants (posts) that compete with each other."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="experiments")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["brand__name", "name"]
        constraints = [models.UniqueConstraint(fields=["brand", "name"], name="experiment_name_per_brand")]

    def __str__(self):
        return f"{self.brand} / {self.name}"


class Post(WorkspaceScopedModel):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="posts")
    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="posts")
    external_id = models.CharField(
        "post id", max_length=200, help_text="The post's id on the platform (post_id)."
    )
    platform = models.CharField(max_length=50, blank=True)
    variant = models.CharField(max_length=50, help_text="primary, A, B, ...")
    text = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["experiment__name", "variant", "external_id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "external_id"], name="post_id_per_workspace")
        ]

    def __str__(self):
        return f"{self.external_id} ({self.variant})"


class DailyMetric(CountRates, WorkspaceScopedModel):
    """One post's counts for one day; ingesting the same post and day again replaces it."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="metrics")
    date = models.DateField()
    impressions = models.PositiveBigIntegerField()
    clicks = models.PositiveBigIntegerField()
    conversions = models.PositiveBigIntegerField(default=0)
    revenue = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["post", "date"], name="one_metric_row_per_post_day"),
            models.CheckConstraint(
                condition=Q(clicks__lte=F("impressions")), name="clicks_within_impressions"
            ),
            models.CheckConstraint(
                condition=Q(conversions__lte=F("clicks")), name="conversions_within_clicks"
            ),
            models.CheckConstraint(condition=Q(revenue__gte=0), name="revenue_not_negative"),
        ]

    def __str__(self):
        return f"{self.post} on {self.date}"


class MetricImport(WorkspaceScopedModel):
    """A CSV of metrics uploaded in the browser, processed by a worker with progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    csv_text = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    ingested_rows = models.PositiveIntegerField(default=0)
    row_errors = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Chosen on the preview: one bad row refuses the whole file (nothing is stored).
    all_or_nothing = models.BooleanField(default=False)
    ignored_columns = models.JSONField(default=list, blank=True)
    replaced_rows = models.PositiveIntegerField(default=0)  # of ingested_rows: post-days already stored

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} ({self.status})"

    @property
    def refused(self):
        return self.all_or_nothing and self.status == self.Status.DONE and bool(self.row_errors)

    @property
    def percent(self):
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)


class WinnerRun(WorkspaceScopedModel):
    """One run of the winner job for a workspace, with its stats."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", "Nightly schedule"
        MANUAL = "manual", "Run now"
        COMMAND = "command", "Command"
        API = "api", "API"

    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    run_date = models.DateField(help_text="The workspace's local date the run decided for.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    metric = models.CharField(max_length=30, blank=True)
    brands_processed = models.PositiveIntegerField(default=0)
    experiments_processed = models.PositiveIntegerField(default=0)
    winners_identified = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    error_messages = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_trigger_display()} run for {self.run_date} ({self.status})"

    @property
    def stats(self):
        return {
            "brands_processed": self.brands_processed,
            "experiments_processed": self.experiments_processed,
            "winners_identified": self.winners_identified,
            "errors": self.errors,
        }

    @property
    def no_meaningful_difference(self) -> int:
        """Experiments settled without a winner: the variants differ by less than the practical threshold."""
        return self.decisions.filter(status="no_meaningful_difference").count()


class WinnerDecision(WorkspaceScopedModel):
    """An experiment's decision for one date, with the figures behind it."""

    run = models.ForeignKey(WinnerRun, on_delete=models.SET_NULL, null=True, related_name="decisions")
    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="decisions")
    decided_for = models.DateField()
    status = models.CharField(max_length=30)
    winner_variant = models.CharField(max_length=50, blank=True)
    winner_post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    metric = models.CharField(max_length=30)
    threshold = models.FloatField()
    min_impressions = models.PositiveIntegerField()
    reason = models.TextField()
    figures = models.JSONField(default=list, help_text="Per variant: counts, prob. best, loss.")
    srm_p_value = models.FloatField(null=True, blank=True)
    srm_flagged = models.BooleanField(default=False)
    needs_more_impressions = models.PositiveBigIntegerField(null=True, blank=True)
    # the look's place in the error budget: the fewest impressions of a variant at this look, and
    # the budgeted error the experiment's looks had spent before it and after it (null before #18)
    look_impressions = models.PositiveBigIntegerField(null=True, blank=True)
    error_spent_before = models.FloatField(null=True, blank=True)
    error_spent = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-decided_for", "experiment__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["experiment", "decided_for"], name="one_decision_per_experiment_day"
            )
        ]

    def __str__(self):
        return f"{self.experiment}: {self.winner_variant or 'no winner'} ({self.decided_for})"

    @property
    def prob_best(self):
        return {f["label"]: f["prob_best"] for f in self.figures}


class WinningCopy(CountRates, WorkspaceScopedModel):
    """A winning post's copy with its metrics and embedding, for similarity search."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="winners")
    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="winners")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="wins")
    variant = models.CharField(max_length=50)
    text = models.TextField()
    metric = models.CharField(max_length=30)
    prob_best = models.FloatField()
    impressions = models.PositiveBigIntegerField()
    clicks = models.PositiveBigIntegerField()
    conversions = models.PositiveBigIntegerField()
    revenue = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0))
    ctr_low = models.FloatField(help_text="Lower end of the winning CTR interval (95%).")
    ctr_high = models.FloatField()
    decided_on = models.DateField()
    is_current = models.BooleanField(default=True, help_text="False once another variant won the experiment.")
    embedding = models.BinaryField()
    embedding_backend = models.CharField(max_length=30)
    embedding_dimension = models.PositiveIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "winning copies"
        ordering = ["-decided_on", "-prob_best"]
        constraints = [models.UniqueConstraint(fields=["experiment", "post"], name="one_winner_row_per_post")]
        indexes = [
            models.Index(fields=["workspace", "embedding_backend", "is_current"]),
            # the search index's freshness check reads the latest change through this
            models.Index(fields=["workspace", "-updated_at"], name="winner_latest_change"),
        ]

    def __str__(self):
        return f"{self.brand}: {self.variant} ({self.decided_on})"
