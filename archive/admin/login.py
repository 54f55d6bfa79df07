"""The admin's sign-in form, with a limit on wrong passwords (per user and address).

Counts live in Django's default cache: per process with the default local-memory cache
(each gunicorn worker counts on its own), shared once CACHES names a shared cache.
"""

import hashlib

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError

from archive.throttle import client_address

LOGIN_FAILURES = 5  # wrong passwords allowed in a window...
LOGIN_WINDOW = 5 * 60  # ...of this many seconds, counted from the first


class LimitedLoginForm(AdminAuthenticationForm):
    """Refuses a user from an address that gave LOGIN_FAILURES wrong passwords for it in
    the last LOGIN_WINDOW seconds, before checking the password (so guessing stops)."""

    def clean(self):
        key = _key(self.request, self.cleaned_data.get("username") or "")
        if cache.get(key, 0) >= LOGIN_FAILURES:
            raise ValidationError(
                "Too many failed sign-ins for this user from your address; "
                f"try again in {LOGIN_WINDOW // 60} minutes.",
                code="too_many_attempts",
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            _count_failure(key)
            raise
        cache.delete(key)
        return cleaned


class SiteLoginForm(LimitedLoginForm):
    """The site's sign-in (/accounts/login/, for readers' saved searches): the same limit,
    for any active user, staff or not."""

    confirm_login_allowed = AuthenticationForm.confirm_login_allowed


def _key(request, username: str) -> str:
    # The client as the throttles see it: behind a proxy (NUM_PROXIES) REMOTE_ADDR is the
    # proxy's, and anyone's five wrong passwords would lock the user out for everyone.
    address = client_address(request.META) if request else ""
    who = f"{address}\n{username.strip().casefold()}".encode()
    return "admin-login-failures:" + hashlib.sha256(who).hexdigest()


def _count_failure(key: str) -> None:
    # add() starts the window only once; incr() keeps its expiry.
    if not cache.add(key, 1, LOGIN_WINDOW):
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.add(key, 1, LOGIN_WINDOW)
