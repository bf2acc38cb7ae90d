"""The app's settings with the benchmark's URL conf (its reference views); only overrides."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
