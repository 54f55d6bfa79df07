"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()

# Apply queued search index changes in the background (SEARCH_OUTBOX_INTERVAL).
from search.ticker import outbox_ticker_start  # noqa: E402

outbox_ticker_start()
