"""WSGI entry point (gunicorn config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()
# Import every view now, while the worker starts, not during the first request it answers: the apps
# import their libraries (scikit-learn, SciPy, pandas) at module level, about a second in all.
URL_PATTERNS = get_resolver().url_patterns
