"""The alerts in the admin: what was sent, why a webhook is off, and "retry now"."""

import pytest

from archive.alerts.delivery import owe
from archive.alerts.models import AlertMatch, Dispatch, SavedSearch, Webhook
from tests.admin.helpers import post_action
from tests.archive.alerts.receivers import Receiver, http_server
from tests.factories import make_article

DISPATCHES = "/admin/archive/dispatch/"


@pytest.fixture
def receiver(settings):
    settings.ALERTS_ALLOW_HTTP_WEBHOOKS = True
    found = Receiver()
    server = http_server(found)
    yield found
    server.shutdown()
    server.server_close()


@pytest.fixture
def failed(db, receiver, settings, django_user_model, django_capture_on_commit_callbacks):
    """A dispatch whose one try got a 500, which turned its webhook off (limit 1)."""
    settings.ALERTS_WEBHOOK_MAX_FAILURES = 1
    receiver.statuses = [500]
    user = django_user_model.objects.create_user("owner", "owner@example.org")
    saved = SavedSearch.objects.create(user=user, name="Korea talks")
    hook = Webhook.objects.create(saved_search=saved, url=receiver.url)
    receiver.secret = hook.secret
    match = AlertMatch.objects.create(saved_search=saved, article=make_article("Kim meets Moon"))
    with django_capture_on_commit_callbacks(execute=True):
        [dispatch] = owe([match.pk])
    return dispatch


def test_the_dispatch_page_shows_its_tries_and_body(super_client, failed):
    page = super_client.get(f"{DISPATCHES}{failed.pk}/change/").content.decode()
    assert "answered 500" in page
    assert "Kim meets Moon" in page  # the body, and the delivery's article
    hook = super_client.get(f"/admin/archive/webhook/{failed.webhook_id}/change/")
    assert "1 failed deliveries in a row" in hook.content.decode()
    assert failed.webhook.secret not in hook.content.decode()


def test_retry_now_turns_the_hook_back_on_and_sends(super_client, failed, receiver):
    assert not Webhook.objects.get().enabled
    response = post_action(super_client, DISPATCHES, "retry_now", [failed])
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == "sent"
    hook = Webhook.objects.get()
    assert hook.enabled and hook.consecutive_failures == 0 and hook.disabled_reason == ""
    assert receiver.ids() == [str(failed.pk)] * 2 and all(r.signed for r in receiver.seen)
    page = super_client.get(DISPATCHES, follow=True).content.decode()
    assert "1 messages to be sent now" in page


def test_a_sent_dispatch_is_not_retried(super_client, failed, receiver):
    Dispatch.objects.update(status="sent")
    post_action(super_client, DISPATCHES, "retry_now", [failed])
    assert len(receiver.seen) == 1
    assert "1 already sent were left alone" in super_client.get(DISPATCHES).content.decode()


def test_the_webhook_admin_refuses_a_plain_http_address(super_client, failed, settings):
    settings.ALERTS_ALLOW_HTTP_WEBHOOKS = False
    url = f"/admin/archive/webhook/{failed.webhook_id}/change/"
    response = super_client.post(url, {"url": "http://hooks.example.org/in", "enabled": "on"})
    assert response.status_code == 200
    assert "This address cannot receive webhooks: webhooks must use https." in (
        response.content.decode()
    )


@pytest.mark.parametrize("path", ["savedsearch", "webhook", "dispatch"])
def test_editors_and_readers_never_see_users_alerts(editor_client, reader_client, path):
    assert editor_client.get(f"/admin/archive/{path}/").status_code == 403
    assert reader_client.get(f"/admin/archive/{path}/").status_code == 403
