"""Fixtures of the alert tests: receivers on loopback and saved searches with matches."""

import itertools

import pytest

from archive.alerts.models import AlertMatch, SavedSearch, Webhook
from archive.models import Outlet
from tests.archive.alerts.receivers import Receiver, http_server, smtp_server
from tests.factories import make_article, make_outlet

_names = itertools.count(1)


@pytest.fixture
def mailbox(settings):
    """A real SMTP server on loopback that Django's SMTP backend sends to."""
    controller, box = smtp_server()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield box
    controller.stop()


@pytest.fixture
def receiver(settings):
    """A webhook receiver on loopback (plain http is allowed for loopback in tests)."""
    settings.ALERTS_ALLOW_HTTP_WEBHOOKS = True
    found = Receiver()
    server = http_server(found)
    yield found
    server.shutdown()
    server.server_close()


@pytest.fixture
def follow(django_user_model):
    """A saved search of a new user: ``follow(email_frequency=..., webhook=url)``."""

    def make(*, email_frequency="never", webhook: Receiver | None = None, **fields):
        n = next(_names)
        user = django_user_model.objects.create_user(f"follower{n}", f"follower{n}@example.org")
        saved = SavedSearch.objects.create(
            user=user, name=fields.pop("name", f"Korea {n}"), email_frequency=email_frequency,
            params=fields.pop("params", {"q": ["korea"]}), **fields,
        )  # fmt: skip
        if webhook is not None:
            hook = Webhook.objects.create(saved_search=saved, url=webhook.url)
            webhook.secret = hook.secret
        return saved

    return make


def matched(saved_search: SavedSearch, *titles: str, outlet: str = "Yonhap") -> list[int]:
    """New articles matched to ``saved_search``: the ids of the AlertMatch rows."""
    source = Outlet.objects.filter(name=outlet).first() or make_outlet(outlet)
    return [
        AlertMatch.objects.create(
            saved_search=saved_search, article=make_article(title, outlet=source)
        ).pk
        for title in titles
    ]
