"""Webhooks against a real HTTP server on loopback that checks the signature."""

import datetime as dt
import ipaddress
import json
import socket

import pytest
from django.utils import timezone

from archive.alerts.delivery import owe, send_due
from archive.alerts.models import AlertMatch, Dispatch, Webhook
from archive.alerts.webhooks import resolved_problem, webhook_url_problem
from tests.archive.alerts.conftest import matched

pytestmark = pytest.mark.django_db


def _owe(ids, capture):
    with capture(execute=True):  # the commit runs the enqueued send (immediate backend)
        return owe(ids)


def test_a_match_reaches_the_receiver_signed_with_the_documented_body(
    follow, receiver, django_capture_on_commit_callbacks
):
    saved = follow(webhook=receiver, name="Korea talks")
    ids = matched(saved, "Kim meets Moon")
    [dispatch] = _owe(ids, django_capture_on_commit_callbacks)

    [got] = receiver.seen
    assert got.signed
    assert got.headers["X-Archive-Delivery"] == str(dispatch.pk)
    assert got.headers["Content-Type"].startswith("application/json")
    body = json.loads(got.body)
    assert body["dispatch"] == str(dispatch.pk)
    assert body["saved_search"]["name"] == "Korea talks"
    assert body["saved_search"]["url"].endswith("/?q=korea")
    [article] = body["articles"]
    assert article["title"] == "Kim meets Moon"
    assert article["outlet"] == "Yonhap"
    assert article["web_url"].startswith("http://127.0.0.1:8000/articles/")
    assert article["also_in"] == []
    dispatch.refresh_from_db()
    assert dispatch.status == "sent"
    assert dispatch.tries.get().status_code == 200


def test_a_wrong_secret_fails_the_receivers_check(
    follow, receiver, django_capture_on_commit_callbacks
):
    saved = follow(webhook=receiver)
    receiver.secret = "not-the-secret"
    _owe(matched(saved, "Kim meets Moon"), django_capture_on_commit_callbacks)
    assert [r.signed for r in receiver.seen] == [False]


def test_owing_twice_sends_once(follow, receiver, django_capture_on_commit_callbacks):
    saved = follow(webhook=receiver)
    ids = matched(saved, "One", "Two")
    _owe(ids, django_capture_on_commit_callbacks)
    assert _owe(ids, django_capture_on_commit_callbacks) == []
    send_due()
    assert len(receiver.seen) == 1
    assert [a["title"] for a in json.loads(receiver.seen[0].body)["articles"]] == ["One", "Two"]


def test_a_copy_folded_into_a_match_is_named_not_sent(
    follow, receiver, django_capture_on_commit_callbacks
):
    saved = follow(webhook=receiver)
    [first] = matched(saved, "Summit in Seoul", outlet="Yonhap")
    [copy_id] = matched(saved, "Summit in Seoul (copy)", outlet="Korea JoongAng Daily")
    AlertMatch.objects.filter(pk=copy_id).update(folded_into=first)
    _owe([first, copy_id], django_capture_on_commit_callbacks)
    [article] = json.loads(receiver.seen[0].body)["articles"]
    assert article["title"] == "Summit in Seoul"
    assert article["also_in"] == ["Korea JoongAng Daily"]


def test_a_failing_receiver_is_retried_with_backoff_then_gets_it(
    follow, receiver, settings, django_capture_on_commit_callbacks
):
    receiver.statuses = [500, 503]
    saved = follow(webhook=receiver)
    [dispatch] = _owe(matched(saved, "Kim meets Moon"), django_capture_on_commit_callbacks)
    dispatch.refresh_from_db()
    assert dispatch.status == "pending" and dispatch.last_error == "answered 500"
    first_wait = dispatch.next_attempt_at - dispatch.tries.get().started_at
    assert dt.timedelta(seconds=29) < first_wait < dt.timedelta(seconds=31)

    assert send_due() == 0  # not due yet: nothing sent before the wait is over
    later = timezone.now() + dt.timedelta(seconds=31)
    Dispatch.objects.filter(pk=dispatch.pk).update(next_attempt_at=later - dt.timedelta(seconds=31))
    assert send_due() == 1
    dispatch.refresh_from_db()
    second_wait = dispatch.next_attempt_at - dispatch.tries.first().started_at
    assert dt.timedelta(seconds=59) < second_wait < dt.timedelta(seconds=61)  # doubled

    Dispatch.objects.filter(pk=dispatch.pk).update(next_attempt_at=timezone.now())
    assert send_due() == 1
    dispatch.refresh_from_db()
    assert dispatch.status == "sent" and dispatch.attempts == 3
    assert [t.status_code for t in dispatch.tries.order_by("started_at")] == [500, 503, 200]
    assert len(set(receiver.ids())) == 1  # the same dispatch id on every try
    assert Webhook.objects.get().consecutive_failures == 0


def test_a_hook_failing_in_a_row_is_turned_off_and_its_owner_told_once(
    follow, receiver, mailbox, settings, django_capture_on_commit_callbacks
):
    settings.ALERTS_WEBHOOK_MAX_FAILURES = 3
    receiver.statuses = [500] * 10
    saved = follow(webhook=receiver, name="Korea talks")
    _owe(matched(saved, "Kim meets Moon"), django_capture_on_commit_callbacks)
    for _ in range(4):
        Dispatch.objects.update(next_attempt_at=timezone.now())
        send_due()

    hook = Webhook.objects.get()
    assert not hook.enabled and hook.consecutive_failures == 3
    assert "3 failed deliveries in a row" in hook.disabled_reason
    assert len(receiver.seen) == 3  # nothing more once it is off
    [notice] = mailbox.messages
    assert notice["To"] == saved.user.email
    assert notice["Subject"] == 'Your webhook for "Korea talks" is turned off'
    assert receiver.url in notice.get_content()
    # A new match is not owed to a hook that is off.
    assert _owe(matched(saved, "Another"), django_capture_on_commit_callbacks) == []


def test_a_redirect_is_a_failure_not_followed(follow, receiver, django_capture_on_commit_callbacks):
    receiver.statuses = [302]
    saved = follow(webhook=receiver)
    [dispatch] = _owe(matched(saved, "Kim"), django_capture_on_commit_callbacks)
    dispatch.refresh_from_db()
    assert dispatch.status == "pending" and dispatch.last_error == "answered 302"
    assert len(receiver.seen) == 1  # the /moved address was never posted to


def test_a_dead_address_is_a_logged_failure(follow, receiver, django_capture_on_commit_callbacks):
    saved = follow(webhook=receiver)
    Webhook.objects.update(url="http://127.0.0.1:9/hook")  # discard port: nothing listens
    [dispatch] = _owe(matched(saved, "Kim"), django_capture_on_commit_callbacks)
    attempt = dispatch.tries.get()
    assert not attempt.ok and attempt.status_code is None and attempt.error


@pytest.mark.parametrize(
    ("url", "allow_http", "problem"),
    [
        ("https://hooks.example.org/in", False, ""),
        ("http://hooks.example.org/in", False, "webhooks must use https"),
        ("http://127.0.0.1:8000/in", False, "webhooks must use https"),
        ("http://127.0.0.1:8000/in", True, ""),
        ("http://[::1]:8000/in", True, ""),
        ("http://localhost/in", True, ""),
        ("http://hooks.example.org/in", True, "plain http is allowed for loopback addresses only"),
        ("ftp://hooks.example.org/in", True, "not an http(s) address"),
        ("javascript:alert(1)", True, "not an http(s) address"),
    ],
)
def test_only_https_or_loopback_http_may_receive(settings, url, allow_http, problem):
    settings.ALERTS_ALLOW_HTTP_WEBHOOKS = allow_http
    assert webhook_url_problem(url).startswith(problem) and bool(problem) == bool(
        webhook_url_problem(url)
    )


def test_an_address_refused_at_send_time_is_logged(
    follow, receiver, settings, django_capture_on_commit_callbacks
):
    saved = follow(webhook=receiver)
    settings.ALERTS_ALLOW_HTTP_WEBHOOKS = False
    [dispatch] = _owe(matched(saved, "Kim"), django_capture_on_commit_callbacks)
    assert receiver.seen == []
    assert dispatch.tries.get().error == "address refused: webhooks must use https"


@pytest.mark.parametrize(
    ("url", "allow_http", "private", "problem"),
    [
        ("https://10.0.0.1/in", False, False, "10.0.0.1 is a private, loopback or reserved"),
        ("https://169.254.169.254/latest", False, False, "169.254.169.254 is a private"),
        ("https://[::ffff:127.0.0.1]/in", False, False, "::ffff:127.0.0.1 is a private"),
        ("https://127.0.0.1:8443/in", False, False, "127.0.0.1 is a private"),
        ("https://localhost/in", False, False, "localhost resolves to 127.0.0.1, which is a"),
        ("https://127.0.0.1:8443/in", True, False, ""),  # development: receivers on this machine
        ("https://10.0.0.1/in", False, True, ""),  # ALERTS_WEBHOOK_PRIVATE_ADDRESSES
        ("https://93.184.216.34/in", False, False, ""),
        # IPv4 inside IPv6 is judged by its IPv4 address: NAT64, 6to4, IPv4-compatible.
        ("https://[64:ff9b::a00:1]/in", False, False, "64:ff9b::a00:1 is a private"),
        ("https://[2002:a9fe:a9fe::1]/in", False, False, "2002:a9fe:a9fe::1 is a private"),
        ("https://[::a9fe:a9fe]/in", False, False, "::a9fe:a9fe is a private"),
        ("https://[64:ff9b::5db8:d822]/in", False, False, ""),  # 93.184.216.34
        ("http://[::ffff:127.0.0.1]:8000/in", True, False, ""),  # loopback, mapped
        ("https://[::1]:8443/in", True, False, ""),
    ],
)
def test_private_and_reserved_addresses_may_not_receive(
    settings, url, allow_http, private, problem
):
    """A reader's webhook must not make the worker post into the network it runs in."""
    settings.ALERTS_ALLOW_HTTP_WEBHOOKS = allow_http
    settings.ALERTS_WEBHOOK_PRIVATE_ADDRESSES = private

    assert webhook_url_problem(url).startswith(problem)
    assert bool(webhook_url_problem(url)) == bool(problem)


def test_a_name_that_resolves_to_a_private_address_is_refused_when_sent(settings):
    """Checked where the name leads when a message is sent (it may change after the
    webhook is added): this machine's own name, which resolves to a private address."""
    name = socket.gethostname()
    try:
        found = {info[4][0] for info in socket.getaddrinfo(name, 443)}
    except OSError:
        pytest.skip(f"{name} does not resolve here")
    if any(ipaddress.ip_address(a).is_global for a in found):
        pytest.skip(f"{name} resolves to a public address here")
    settings.ALERTS_ALLOW_HTTP_WEBHOOKS = False

    problem = resolved_problem(f"https://{name}/hook")

    assert problem.startswith(f"{name} resolves to ") and "private" in problem
    settings.ALERTS_WEBHOOK_PRIVATE_ADDRESSES = True
    assert resolved_problem(f"https://{name}/hook") == ""
