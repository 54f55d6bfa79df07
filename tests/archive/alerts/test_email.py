"""E-mail alerts against a real SMTP server on loopback (aiosmtpd), and the unsubscribe page."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from archive.alerts.delivery import owe, send_due
from archive.alerts.models import Dispatch, SavedSearch
from tests.archive.alerts.conftest import matched

pytestmark = pytest.mark.django_db


def _owe(ids, capture):
    with capture(execute=True):
        return owe(ids)


def _unsubscribe_path(message) -> str:
    link = str(message["List-Unsubscribe"]).strip().strip("<>")
    return re.sub(r"^https?://[^/]+", "", link)


def test_at_once_sends_text_and_html_with_unsubscribe_headers(
    follow, mailbox, django_capture_on_commit_callbacks
):
    saved = follow(email_frequency="instant", name="Korea talks")
    [dispatch] = _owe(
        matched(saved, "Kim meets Moon", "Talks resume"), django_capture_on_commit_callbacks
    )

    [message] = mailbox.messages
    assert message["To"] == saved.user.email
    assert message["Subject"] == '2 new articles for "Korea talks"'
    assert message["Message-ID"] == f"<{dispatch.pk}@localhost>"
    assert message["X-Archive-Delivery"] == str(dispatch.pk)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Kim meets Moon (Yonhap" in text and "Talks resume" in text
    assert '<a href="http://127.0.0.1:8000/articles/' in html and "Kim meets Moon</a>" in html
    assert _unsubscribe_path(message) in text


def test_html_part_escapes_titles(follow, mailbox, django_capture_on_commit_callbacks):
    saved = follow(email_frequency="instant")
    _owe(matched(saved, "<script>alert(1)</script> & co"), django_capture_on_commit_callbacks)
    html = mailbox.messages[0].get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_unsubscribe_link_asks_then_stops_the_mail_without_login(
    follow, mailbox, django_capture_on_commit_callbacks
):
    saved = follow(email_frequency="instant", name="Korea talks")
    _owe(matched(saved, "Kim meets Moon"), django_capture_on_commit_callbacks)
    path = _unsubscribe_path(mailbox.messages[0])
    client = Client(enforce_csrf_checks=True)  # a mail client's POST carries no CSRF token

    asked = client.get(path)
    assert asked.status_code == 200
    assert "Stop e-mail alerts for “Korea talks”?" in asked.content.decode()
    saved.refresh_from_db()
    assert saved.email_frequency == "instant"  # a GET (a link scanner) changes nothing

    done = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert "No more e-mail for “Korea talks”" in done.content.decode()
    saved.refresh_from_db()
    assert saved.email_frequency == "never"
    assert _owe(matched(saved, "Later news"), django_capture_on_commit_callbacks) == []
    assert len(mailbox.messages) == 1


@pytest.mark.parametrize("token", ["nonsense", "eyJzIjoxfQ:1vZ2:forged", "a" * 300])
def test_a_bad_unsubscribe_token_is_a_404_page(client, token):
    response = client.get(f"/alerts/unsubscribe/{token}/")
    assert response.status_code == 404
    assert "Unknown unsubscribe link" in response.content.decode()
    assert client.post(f"/alerts/unsubscribe/{token}/").status_code == 404


def test_an_unsubscribe_link_of_a_deleted_search_is_a_404(
    follow, mailbox, client, django_capture_on_commit_callbacks
):
    saved = follow(email_frequency="instant")
    _owe(matched(saved, "Kim"), django_capture_on_commit_callbacks)
    saved.delete()
    assert client.get(_unsubscribe_path(mailbox.messages[0])).status_code == 404


def _no_smtp_server(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens


def test_an_smtp_server_that_is_down_is_retried(
    follow, settings, django_capture_on_commit_callbacks
):
    _no_smtp_server(settings)
    saved = follow(email_frequency="instant")
    [dispatch] = _owe(matched(saved, "Kim"), django_capture_on_commit_callbacks)
    dispatch.refresh_from_db()
    assert dispatch.status == "pending" and "ConnectionRefusedError" in dispatch.last_error


def test_email_is_given_up_after_its_tries(follow, settings, django_capture_on_commit_callbacks):
    _no_smtp_server(settings)
    settings.ALERTS_EMAIL_MAX_ATTEMPTS = 2
    saved = follow(email_frequency="instant")
    [dispatch] = _owe(matched(saved, "Kim"), django_capture_on_commit_callbacks)
    Dispatch.objects.update(next_attempt_at=dispatch.created_at)
    send_due()
    dispatch.refresh_from_db()
    assert dispatch.status == "failed" and dispatch.tries.count() == 2


SEOUL = ZoneInfo("Asia/Seoul")


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of December 2026 in Seoul (7 December is a Monday)."""
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=SEOUL)


def _daily(follow, frequency="daily"):
    saved = follow(email_frequency=frequency, timezone="Asia/Seoul", name="Korea talks")
    SavedSearch.objects.filter(pk=saved.pk).update(created_at=_at(1, 12))
    return saved


def test_a_daily_digest_goes_at_seven_in_the_searchs_time_zone(
    follow, mailbox, django_capture_on_commit_callbacks
):
    saved = _daily(follow)
    assert _owe(matched(saved, "Kim", "Moon"), django_capture_on_commit_callbacks) == []
    send_due(now=_at(2, 6, 59))
    assert mailbox.messages == []  # 6:59 in Seoul: not yet
    send_due(now=_at(2, 7, 1))
    [digest] = mailbox.messages
    assert digest["Subject"] == 'Daily digest: 2 new articles for "Korea talks"'
    send_due(now=_at(2, 20))
    assert len(mailbox.messages) == 1  # one digest a day

    _owe(matched(saved, "Later"), django_capture_on_commit_callbacks)
    send_due(now=_at(3, 6))
    assert len(mailbox.messages) == 1
    send_due(now=_at(3, 7))
    assert mailbox.messages[1]["Subject"] == 'Daily digest: 1 new article for "Korea talks"'


def test_a_weekly_digest_waits_for_monday(follow, mailbox, django_capture_on_commit_callbacks):
    saved = _daily(follow, "weekly")
    _owe(matched(saved, "Kim"), django_capture_on_commit_callbacks)
    send_due(now=_at(6, 23))  # Sunday night
    assert mailbox.messages == []
    send_due(now=_at(7, 7, 5))  # Monday 7:05 in Seoul (Sunday 22:05 UTC)
    assert mailbox.messages[0]["Subject"] == 'Weekly digest: 1 new article for "Korea talks"'


def test_no_email_for_never_or_for_a_user_without_an_address(
    follow, mailbox, django_capture_on_commit_callbacks
):
    quiet = follow(email_frequency="never")
    nameless = follow(email_frequency="instant")
    nameless.user.email = ""
    nameless.user.save()
    assert (
        _owe(matched(quiet, "A") + matched(nameless, "B"), django_capture_on_commit_callbacks) == []
    )
    send_due()
    assert mailbox.messages == []
