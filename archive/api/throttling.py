"""Anonymous clients are throttled at API_ANON_RATE (per process, in the default cache)."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class AnonThrottle(AnonRateThrottle):
    """Reads the rate on every request, so a setting override applies at once."""

    def get_rate(self) -> str | None:
        return settings.API_ANON_RATE or None
