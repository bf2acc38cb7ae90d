"""Settings, read from the environment with safe defaults: with nothing set, SQLite and a filesystem
Celery broker (no external service); DATABASE_URL selects PostgreSQL, REDIS_URL Redis."""

import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_float(name, default):
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def env_list(name, default=()):
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# Under pytest every run gets its own folder (SQLite test database, broker, artifacts), so
# parallel runs never share state; a worker started by the tests is handed the same folder.
TESTING = env_bool("TESTING", False) or "pytest" in sys.modules

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG and not TESTING:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
    SECRET_KEY = "insecure-development-key-only-for-debug-and-tests-" + "x" * 20

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Where the app keeps its own files (SQLite database, embedded broker, model artifacts).
if env_str("VAR_DIR"):
    VAR_DIR = Path(env_str("VAR_DIR"))
elif TESTING:
    VAR_DIR = Path(tempfile.mkdtemp(prefix="feedbackloop-test-"))
else:
    VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials.apps.SimpleAppConfig",
    "ninja",
    "workspaces",
    "leads",
    "content",
    "matching",
    "feedback",
    "analytics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "workspaces.middleware.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.RefuseNulInQueryMiddleware",
    "workspaces.middleware.CurrentWorkspaceMiddleware",
    "workspaces.middleware.ContentSecurityPolicyMiddleware",
    "workspaces.middleware.DatabaseUnavailableMiddleware",
    # Innermost: a table download runs the page's own view, then turns its table into CSV.
    "core.csv_export.TableCsvMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "workspaces.context_processors.workspace",
            ],
            "builtins": ["template_partials.templatetags.partials", "workspaces.templatetags.table_csv"],
            "loaders": [
                (
                    "template_partials.loader.Loader",
                    [
                        (
                            "django.template.loaders.cached.Loader",
                            [
                                "django.template.loaders.filesystem.Loader",
                                "django.template.loaders.app_directories.Loader",
                            ],
                        )
                    ],
                )
            ],
        },
    }
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# --- database ---
# How long one statement may wait for a lock, and run. Requests bound their input before working
# and keep transactions short (a write holds its locks for well under a second), so waiting 5 s
# for a lock means something is stuck: the request answers 503 with Retry-After (the API's
# OperationalError handler) instead of piling up behind it. A web request's statement may run 30 s,
# half of gunicorn's 60 s timeout, so the database stops the work of a request gunicorn gave up on.
# Worker processes and management commands (migrations, imports, training, the rollup refresh)
# run long statements on purpose and get DB_LONG_STATEMENT_TIMEOUT_MS (30 min; 0 = no limit).
DB_LOCK_TIMEOUT_MS = env_int("DB_LOCK_TIMEOUT_MS", 5000)
_COMMAND = " ".join(sys.argv[:2])
_LONG_RUNNING = ("celery" in _COMMAND or "manage.py" in _COMMAND) and "runserver" not in sys.argv[1:2]
DB_STATEMENT_TIMEOUT_MS = (
    env_int("DB_LONG_STATEMENT_TIMEOUT_MS", 30 * 60 * 1000)
    if _LONG_RUNNING
    else env_int("DB_STATEMENT_TIMEOUT_MS", 30_000)
)
# SQLite has one writer for the whole file: a write waits here for the one before it. Writes are
# short, so 10 s covers a queue of them (a worker's 1,000-row import chunk included) and stays far
# under gunicorn's timeout; past it the request answers 503 rather than hanging (was 20 s, which
# let one slow write of a workspace make every other workspace's writes wait, then fail).
DB_BUSY_TIMEOUT_MS = env_int("DB_BUSY_TIMEOUT_MS", 10_000)
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c lock_timeout={DB_LOCK_TIMEOUT_MS} -c statement_timeout={DB_STATEMENT_TIMEOUT_MS}"
    )
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                # WAL lets the web process read while the worker writes; IMMEDIATE
                # transactions take the write lock up front instead of failing mid-way.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    f"PRAGMA busy_timeout={DB_BUSY_TIMEOUT_MS};"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": DB_BUSY_TIMEOUT_MS / 1000,
            },
        }
    }
if env_str("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME")}
elif TESTING and not DATABASE_URL:
    # A file, not :memory:, so that a real worker process can open the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache and Celery ---
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and "pytest" in sys.modules and os.environ.get("PYTEST_XDIST_WORKER", "").startswith("gw"):
    # Parallel test processes each get a Redis database of their own, so a worker started by one
    # never takes the tasks another queued (they run on different test databases). Only the test
    # process itself: the processes it starts inherit the variable but are handed their REDIS_URL.
    _parts = urlsplit(REDIS_URL)
    REDIS_URL = urlunsplit(_parts._replace(path=f"/{1 + int(os.environ['PYTEST_XDIST_WORKER'][2:])}"))
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Longer than the longest training run, or Redis hands the task to a second worker.
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 2 * 3600),
        # How often a worker looks for unacknowledged tasks of dead workers (kombu's defaults:
        # every 10 x 10 s); the fault tests shorten it along with the visibility timeout.
        "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
        "unacked_restore_throttle": env_int("CELERY_UNACKED_RESTORE_THROTTLE", 10),
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    BROKER_DIR = Path(env_str("CELERY_BROKER_DIR", str(VAR_DIR / "broker")))
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
    }
    for _folder in ("queue", "control", "processed"):
        (BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
# What every process must see alike (login attempt counters): Redis when there is one, otherwise
# the database (its table is created by the workspaces migrations; incr is atomic there too).
CACHES["shared"] = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "shared"}
    if REDIS_URL
    else {
        "BACKEND": "workspaces.shared_cache.AtomicDatabaseCache",
        "LOCATION": "workspaces_shared_cache",
        # Culling at the default 300 entries would let a flood of names erase live counters.
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    }
)

CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 3600)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 3300)
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Slow learning work goes to its own queue so it never delays interactive jobs.
CELERY_TASK_ROUTES = {
    "leads.tasks.scoring.retrain_workspace": {"queue": "ml"},
    "matching.tasks.learn_weights": {"queue": "ml"},
    "content.tasks.reembed_winners": {"queue": "ml"},
}
# Running jobs (imports, recipe runs, retrainings) hold a lease this long and renew it every third
# of it; a job whose worker died is found by the reaper, which runs every JOB_REAP_SECONDS.
JOB_LEASE_SECONDS = env_int("JOB_LEASE_SECONDS", 90)
JOB_REAP_SECONDS = env_int("JOB_REAP_SECONDS", 60)

# --- auth, sessions, security ---
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Hashing test users' passwords with the production hasher would dominate the suite's time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "analytics:dashboard"
LOGOUT_REDIRECT_URL = "login"
LOGIN_RATE_LIMIT = env_int("LOGIN_RATE_LIMIT", 10)  # failed attempts per user+IP per window
LOGIN_RATE_WINDOW = env_int("LOGIN_RATE_WINDOW", 300)
# Failed attempts from one address across all names (password spraying) per window.
LOGIN_RATE_LIMIT_PER_IP = env_int("LOGIN_RATE_LIMIT_PER_IP", 50)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    # Tests talk plain HTTP to the test client and live server; production gets HTTPS only.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not TESTING)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not TESTING)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not TESTING)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Requests larger than this are refused before any view reads them.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
MAX_UPLOAD_SIZE = env_int("MAX_UPLOAD_SIZE", 50 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10000

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "uploads")},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            # Off for a server that runs without collectstatic (the benchmark's gunicorn).
            if env_bool("STATIC_MANIFEST", not DEBUG and not TESTING)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
if WHITENOISE_USE_FINDERS:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Model artifacts live outside git and outside anything served over HTTP.
MODEL_ARTIFACTS_DIR = Path(env_str("MODEL_ARTIFACTS_DIR", str(VAR_DIR / "models")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- leads ---
# Loop 1: how long the worker waits for an external agent, and how much it accepts from one.
# The timeout is a deadline for the whole exchange (DNS, connect, redirects, reading the answer).
LEADS_AGENT_TIMEOUT = env_float("LEADS_AGENT_TIMEOUT", 10.0)
LEADS_AGENT_MAX_BYTES = env_int("LEADS_AGENT_MAX_BYTES", 8 * 1024 * 1024)
# Agents are called at public addresses only; on-premises agents need their hosts or networks
# listed here (comma-separated host names or CIDR networks, e.g. "agents.internal,10.20.0.0/16").
LEADS_AGENT_ALLOWED_NETWORKS = env_list("LEADS_AGENT_ALLOWED_NETWORKS", [])
LEADS_MAX_GENERATED_PER_EXECUTION = env_int("LEADS_MAX_GENERATED_PER_EXECUTION", 5000)
LEADS_EXECUTION_TIME_LIMIT = env_int("LEADS_EXECUTION_TIME_LIMIT", 300)
# A queued execution older than this is queued again (its task was lost with a broker restart).
LEADS_EXECUTION_STALL_SECONDS = env_int("LEADS_EXECUTION_STALL_SECONDS", 900)
# Loop 2: new outcomes that start a retraining, the retraining lock, batch and import limits.
LEADS_RETRAIN_THRESHOLD = env_int("LEADS_RETRAIN_THRESHOLD", 50)
# The retraining lock's lease, renewed while it runs.
LEADS_RETRAIN_LEASE_SECONDS = env_int("LEADS_RETRAIN_LEASE_SECONDS", JOB_LEASE_SECONDS)
# A pending retraining not started after this long is sent again (its task may have been lost).
LEADS_RETRAIN_RESEND_SECONDS = env_int("LEADS_RETRAIN_RESEND_SECONDS", 300)
# Every CRM event id is remembered this long (30 days at least), so a redelivery within it is a no-op.
LEADS_WEBHOOK_EVENT_RETENTION_DAYS = env_int("LEADS_WEBHOOK_EVENT_RETENTION_DAYS", 90)
LEADS_SCORE_BATCH_MAX = env_int("LEADS_SCORE_BATCH_MAX", 1000)
LEADS_IMPORT_MAX_ROWS = env_int("LEADS_IMPORT_MAX_ROWS", 1_000_000)

# --- content ---
# "lexical" (scikit-learn, no extra dependency) or "semantic" (requirements-semantic.txt);
# switching re-embeds the stored winners in a Celery job.
CONTENT_EMBEDDING_BACKEND = env_str("CONTENT_EMBEDDING_BACKEND", "lexical")
# Threads the semantic model may use per process. One query is too small to gain from more, and
# several gunicorn workers each spinning two threads on two cores made it ten times slower.
CONTENT_EMBEDDING_THREADS = env_int("CONTENT_EMBEDDING_THREADS", 1)
CONTENT_NIGHTLY_HOUR = env_int("CONTENT_NIGHTLY_HOUR", 2)  # local hour of the nightly winner job
CONTENT_MAX_CSV_BYTES = env_int("CONTENT_MAX_CSV_BYTES", 20 * 1024 * 1024)

# --- matching ---
# A segment (and the all-segments fit) ranks with learned weights only from this many sessions.
MATCHING_MIN_SEGMENT_SESSIONS = env_int("MATCHING_MIN_SEGMENT_SESSIONS", 30)
MATCHING_L2 = env_float("MATCHING_L2", 1.0)  # penalty on the all-segments weights
MATCHING_SEGMENT_SHRINKAGE = env_float("MATCHING_SEGMENT_SHRINKAGE", 10.0)  # pull to global
MATCHING_LEARN_DEBOUNCE_SECONDS = env_int("MATCHING_LEARN_DEBOUNCE_SECONDS", 60)
MATCHING_MAX_RECOMMENDATIONS = env_int("MATCHING_MAX_RECOMMENDATIONS", 10)
MATCHING_ALERT_MIN_CONVERSION = env_float("MATCHING_ALERT_MIN_CONVERSION", 0.60)
MATCHING_ALERT_MAX_MEAN_RANK = env_float("MATCHING_ALERT_MAX_MEAN_RANK", 2.0)
MATCHING_ALERT_MIN_CONFIDENCE = env_float("MATCHING_ALERT_MIN_CONFIDENCE", 0.5)
MATCHING_ALERT_CONFIDENCE_DAYS = env_int("MATCHING_ALERT_CONFIDENCE_DAYS", 7)
MATCHING_ALERT_MIN_SATISFACTION = env_float("MATCHING_ALERT_MIN_SATISFACTION", 3.5)

# --- feedback ---
# Success rule: a rating of at least FEEDBACK_SUCCESS_MIN_RATING, or (if enabled) a thumbs up.
FEEDBACK_SUCCESS_MIN_RATING = env_int("FEEDBACK_SUCCESS_MIN_RATING", 4)
FEEDBACK_THUMBS_UP_COUNTS = env_bool("FEEDBACK_THUMBS_UP_COUNTS", True)
FEEDBACK_MIN_SAMPLES = env_int("FEEDBACK_MIN_SAMPLES", 5)
FEEDBACK_ALERT_DROP_POINTS = env_float("FEEDBACK_ALERT_DROP_POINTS", 10.0)
FEEDBACK_ROUTER_POOL_STRENGTH = env_float("FEEDBACK_ROUTER_POOL_STRENGTH", 10.0)
FEEDBACK_ANTHROPIC_API_KEY = env_str("ANTHROPIC_API_KEY")
FEEDBACK_ANTHROPIC_BASE_URL = env_str("ANTHROPIC_BASE_URL")
FEEDBACK_ANTHROPIC_MODEL = env_str("FEEDBACK_ANTHROPIC_MODEL", "claude-sonnet-5")
FEEDBACK_ANTHROPIC_TIMEOUT = env_float("FEEDBACK_ANTHROPIC_TIMEOUT", 20.0)

# --- analytics ---
# The dashboard's daily rollups (analytics/rollups.py): refreshed this often; touched days and today
# are counted from the raw rows meanwhile, so this only trades speed, never correctness.
ANALYTICS_ROLLUP_SECONDS = env_int("ANALYTICS_ROLLUP_SECONDS", 300)
ANALYTICS_ROLLUP_LEASE_SECONDS = env_int("ANALYTICS_ROLLUP_LEASE_SECONDS", 1800)

# --- periodic jobs (celery beat) ---
CELERY_BEAT_SCHEDULE = {
    # Runs hourly; each workspace's winners are decided at CONTENT_NIGHTLY_HOUR in its time zone.
    "content-nightly-winners": {
        "task": "content.tasks.run_nightly_winners",
        "schedule": crontab(minute=0),
    },
    "feedback-weekly-reports": {
        "task": "feedback.tasks.write_weekly_reports",
        "schedule": crontab(minute=0, hour=9, day_of_week="mon"),
    },
    # Fails the jobs whose worker died (their lease ran out).
    "workspaces-fail-interrupted-jobs": {
        "task": "workspaces.tasks.fail_interrupted_jobs",
        "schedule": float(JOB_REAP_SECONDS),
    },
    # Queues again the executions stalled past LEADS_EXECUTION_STALL_SECONDS.
    "leads-requeue-stalled-executions": {
        "task": "leads.tasks.executions.requeue_stalled_executions",
        "schedule": 300.0,
    },
    # Sends again the retrainings pending past LEADS_RETRAIN_RESEND_SECONDS.
    "leads-resend-pending-retrainings": {
        "task": "leads.tasks.scoring.resend_pending_retrainings",
        "schedule": 60.0,
    },
    # Rescores every open lead nightly: recency grows, so quiet leads decay in their score history.
    "leads-rescore-open-leads": {
        "task": "leads.tasks.call_list.rescore_open_leads_nightly",
        "schedule": crontab(minute=15, hour=1),
    },
    # Forgets CRM event ids older than LEADS_WEBHOOK_EVENT_RETENTION_DAYS.
    "leads-delete-old-webhook-events": {
        "task": "leads.tasks.webhooks.delete_old_webhook_events",
        "schedule": crontab(minute=30, hour=3),
    },
    "analytics-refresh-rollups": {
        "task": "analytics.tasks.refresh_all_rollups",
        "schedule": float(ANALYTICS_ROLLUP_SECONDS),
    },
}
