"""WSGI entry point (gunicorn config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

from config.chunked import ChunkedBody

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = ChunkedBody(get_wsgi_application())

# Apply queued search index changes in the background (SEARCH_OUTBOX_INTERVAL).
from search.ticker import outbox_ticker_start  # noqa: E402

outbox_ticker_start()
