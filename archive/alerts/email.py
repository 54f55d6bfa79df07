"""E-mail alerts: the unsubscribe token and sending one dispatch by Django's SMTP backend.

The token is the saved search's id signed with SECRET_KEY (``django.core.signing``), so the
unsubscribe page needs no login and no table; changing SECRET_KEY voids old links.
"""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from archive.alerts.models import Dispatch, SavedSearch
from archive.alerts.payloads import site_url

UNSUBSCRIBE_SALT = "archive.alerts.unsubscribe"


def unsubscribe_token(saved_search: SavedSearch) -> str:
    return signing.dumps({"s": saved_search.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(saved_search: SavedSearch) -> str:
    path = reverse("web:alerts-unsubscribe", args=[unsubscribe_token(saved_search)])
    return site_url(path)


def saved_search_of_token(token: str) -> SavedSearch | None:
    """The saved search a token names, or None for a forged, mangled or stale token."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)["s"]
    except (signing.BadSignature, KeyError, TypeError):
        return None
    return SavedSearch.objects.filter(pk=pk).first()


def unsubscribe(saved_search: SavedSearch) -> None:
    """No more e-mail for this search; e-mail already waiting for a digest is dropped."""
    saved_search.email_frequency = SavedSearch.Frequency.NEVER
    saved_search.save(update_fields=["email_frequency", "updated_at"])


def message_id(dispatch: Dispatch) -> str:
    """The Message-ID: the dispatch's id, the same on every try, so a mailbox can dedupe."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "localhost"
    return f"<{dispatch.pk}@{domain}>"


def send_email(dispatch: Dispatch) -> None:
    """Send the dispatch's e-mail; raises (SMTPException, OSError) when it does not go."""
    payload = dispatch.payload
    headers = {"Message-ID": message_id(dispatch), "X-Archive-Delivery": str(dispatch.pk)}
    if payload.get("unsubscribe_url"):
        # RFC 8058: mail clients may offer a one-click button that POSTs to this address.
        headers["List-Unsubscribe"] = f"<{payload['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["text"],
        to=[payload["to"]],
        headers=headers,
    )
    if payload.get("html"):
        message.attach_alternative(payload["html"], "text/html")
    message.send(fail_silently=False)
