"""Anonymous API clients are throttled at API_ANON_RATE, exports also at EXPORT_ANON_RATE,
by the same rule as the pages (``archive.throttle``)."""

from rest_framework.throttling import BaseThrottle

from archive.throttle import anonymous_wait


class AnonThrottle(BaseThrottle):
    """Reads the rate on every request, so a setting override applies at once."""

    scope, setting = "api", "API_ANON_RATE"

    def allow_request(self, request, view) -> bool:
        self._wait = anonymous_wait(request, self.scope, self.setting)
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait


class ExportThrottle(AnonThrottle):
    """An export of the whole archive reads every article: far fewer of them."""

    scope, setting = "export", "EXPORT_ANON_RATE"
