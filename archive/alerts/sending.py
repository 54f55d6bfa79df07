"""Sending due dispatches: claim one, send it outside any transaction, record the outcome.

A claim moves the dispatch's ``next_attempt_at`` ALERTS_CLAIM_SECONDS ahead in a short
transaction. On PostgreSQL the claim reads with ``select_for_update(skip_locked=True)``,
so two workers claiming at once take different dispatches; SQLite runs each write
transaction alone (IMMEDIATE), so the second worker reads after the first committed and no
longer sees the claimed dispatch as due. Nothing is locked while the message travels; a
worker killed after sending but before recording leaves the claim to run out, then another
worker sends the same dispatch again, same id and body: the receiver drops the repeat by
``X-Archive-Delivery`` (webhooks) or Message-ID (e-mail). At least once, never lost; once
after deduping by id.
"""

import datetime as dt
import logging
import smtplib
import time

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from archive.alerts import email, payloads, webhooks
from archive.alerts.dispatches import dispatch_deliveries, with_matches
from archive.alerts.models import Delivery, DeliveryAttempt, Dispatch, SavedSearch, Webhook
from archive.alerts.schedule import digest_due, retry_delay

logger = logging.getLogger(__name__)


def send_due(now: dt.datetime | None = None, *, limit: int = 100) -> int:
    """Make the digests that are due, then send up to ``limit`` due dispatches; returns
    how many were tried."""
    make_digests(now or timezone.now())
    tried = 0
    while tried < limit:
        dispatch = claim(timezone.now())
        if dispatch is None:
            break
        send(dispatch)
        tried += 1
    return tried


def due_now(now: dt.datetime | None = None) -> list:
    """Make the digests that are due; the ids of every dispatch due now (for tasks)."""
    now = now or timezone.now()
    make_digests(now)
    return list(_due(now).order_by("next_attempt_at").values_list("pk", flat=True))


def _waiting():
    # A disabled webhook's dispatches wait for it to be turned back on.
    return Dispatch.objects.filter(status=Dispatch.Status.PENDING).filter(
        Q(webhook__isnull=True) | Q(webhook__enabled=True)
    )


def _due(now: dt.datetime):
    return _waiting().filter(next_attempt_at__lte=now)


def claim(now: dt.datetime, *, pk=None) -> Dispatch | None:
    """Take the next due dispatch (or dispatch ``pk`` if due) for ALERTS_CLAIM_SECONDS."""
    with transaction.atomic():
        due = _due(now).filter(pk=pk) if pk is not None else _due(now)
        locked = due.select_for_update(skip_locked=True, of=("self",))
        dispatch = locked.order_by("next_attempt_at").first()
        if dispatch is None:
            return None
        dispatch.attempts += 1
        dispatch.next_attempt_at = now + dt.timedelta(seconds=settings.ALERTS_CLAIM_SECONDS)
        dispatch.save(update_fields=["attempts", "next_attempt_at"])
    return dispatch


def send(dispatch: Dispatch) -> bool:
    """Try the claimed dispatch once and record the try; True when it went."""
    started = timezone.now()
    clock = time.monotonic()
    answer = _post(dispatch) if dispatch.channel == Dispatch.Channel.WEBHOOK else _mail(dispatch)
    duration_ms = (time.monotonic() - clock) * 1000
    record(dispatch, answer, started=started, duration_ms=duration_ms)
    return answer.ok


def _post(dispatch: Dispatch) -> webhooks.Answer:
    hook = Webhook.objects.get(pk=dispatch.webhook_id)
    return webhooks.post(
        hook.url, secret=hook.secret, payload=dispatch.payload, delivery_id=str(dispatch.pk)
    )


def _mail(dispatch: Dispatch) -> webhooks.Answer:
    if not dispatch.payload.get("to"):
        return webhooks.Answer(ok=False, error="the owner has no e-mail address")
    try:
        email.send_email(dispatch)
    except (smtplib.SMTPException, OSError) as error:
        return webhooks.Answer(ok=False, error=f"{type(error).__name__}: {error}"[:500])
    return webhooks.Answer(ok=True)


def record(dispatch: Dispatch, answer: webhooks.Answer, *, started, duration_ms: float) -> None:
    """Log the try; on success the dispatch is sent and its webhook's failure run ends; on
    failure it waits ``retry_delay`` (an e-mail is given up after ALERTS_EMAIL_MAX_ATTEMPTS;
    a webhook is turned off after ALERTS_WEBHOOK_MAX_FAILURES failures in a row)."""
    now = timezone.now()
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            dispatch=dispatch,
            started_at=started,
            duration_ms=duration_ms,
            ok=answer.ok,
            status_code=answer.status_code,
            error=answer.error,
        )
        pending = Dispatch.objects.filter(pk=dispatch.pk, status=Dispatch.Status.PENDING)
        if answer.ok:
            pending.update(status=Dispatch.Status.SENT, sent_at=now, last_error="")
            if dispatch.webhook_id:
                Webhook.objects.filter(pk=dispatch.webhook_id).update(consecutive_failures=0)
            return
        given_up = (
            dispatch.channel == Dispatch.Channel.EMAIL
            and dispatch.attempts >= settings.ALERTS_EMAIL_MAX_ATTEMPTS
        )
        pending.update(
            status=Dispatch.Status.FAILED if given_up else Dispatch.Status.PENDING,
            next_attempt_at=now + retry_delay(dispatch.attempts),
            last_error=answer.error,
        )
        if dispatch.webhook_id:
            _count_failure(dispatch.webhook_id, answer.error, now)
    logger.warning("alert %s failed (try %s): %s", dispatch.pk, dispatch.attempts, answer.error)


def _count_failure(webhook_id: int, error: str, now: dt.datetime) -> None:
    Webhook.objects.filter(pk=webhook_id).update(consecutive_failures=F("consecutive_failures") + 1)
    limit = settings.ALERTS_WEBHOOK_MAX_FAILURES
    reason = f"{limit} failed deliveries in a row; the last: {error}"[:500]
    turned_off = Webhook.objects.filter(
        pk=webhook_id, enabled=True, consecutive_failures__gte=limit
    ).update(enabled=False, disabled_at=now, disabled_reason=reason)
    if turned_off:  # once: only the update that turned it off tells the owner
        _notify_disabled(Webhook.objects.select_related("saved_search__user").get(pk=webhook_id))


def _notify_disabled(hook: Webhook) -> None:
    saved_search = hook.saved_search
    Dispatch.objects.create(
        saved_search=saved_search,
        channel=Dispatch.Channel.EMAIL,
        payload=payloads.notice_payload(
            saved_search,
            subject=f'Your webhook for "{saved_search.name}" is turned off',
            template="alerts/webhook_disabled.txt",
            context={"webhook": hook, "reason": hook.disabled_reason},
        ),
    )


def make_digests(now: dt.datetime) -> list[Dispatch]:
    """Dispatch the e-mail deliveries waiting for a digest whose time has come (or for an
    "at once" search, those a change of frequency left waiting)."""
    made = []
    waiting = Delivery.objects.filter(channel=Dispatch.Channel.EMAIL, dispatch__isnull=True)
    ids = set(waiting.values_list("match__saved_search_id", flat=True).distinct())
    for saved_search in SavedSearch.objects.filter(pk__in=ids).exclude(
        email_frequency=SavedSearch.Frequency.NEVER
    ):
        if digest_due(saved_search, now):
            made.extend(_digest(saved_search.pk, now))
    return made


def _digest(saved_search_id: int, now: dt.datetime) -> list[Dispatch]:
    with transaction.atomic():
        saved_search = (
            SavedSearch.objects.select_for_update(skip_locked=True)
            .filter(pk=saved_search_id)
            .first()
        )
        if saved_search is None or not digest_due(saved_search, now):
            return []  # another worker has it, or made it just now
        waiting = Delivery.objects.filter(
            channel=Dispatch.Channel.EMAIL, dispatch__isnull=True, match__saved_search=saved_search
        )
        made = dispatch_deliveries(with_matches(waiting.select_for_update(of=("self",))))
        if saved_search.email_frequency != SavedSearch.Frequency.INSTANT:
            saved_search.last_digest_at = now
            saved_search.save(update_fields=["last_digest_at"])
    return made


def dispatches_retry(dispatch_ids: list) -> list:
    """The admin's "retry now": the dispatches not yet sent are due now with a fresh run of
    tries, and their webhooks are on again with no failures counted; returns their ids."""
    now = timezone.now()
    with transaction.atomic():
        retried = Dispatch.objects.filter(pk__in=dispatch_ids).exclude(status=Dispatch.Status.SENT)
        ids = list(retried.values_list("pk", flat=True))
        hooks = retried.filter(webhook__isnull=False).values("webhook")
        Webhook.objects.filter(pk__in=hooks).update(
            enabled=True, consecutive_failures=0, disabled_at=None, disabled_reason=""
        )
        Dispatch.objects.filter(pk__in=ids).update(
            status=Dispatch.Status.PENDING, next_attempt_at=now, attempts=0, last_error=""
        )
    return ids


def webhooks_enable(webhook_ids: list[int]) -> list:
    """Webhooks on again (failures forgotten) and the messages they missed due now."""
    waiting = Dispatch.objects.filter(webhook__in=webhook_ids).exclude(status=Dispatch.Status.SENT)
    with transaction.atomic():
        Webhook.objects.filter(pk__in=webhook_ids).update(
            enabled=True, consecutive_failures=0, disabled_at=None, disabled_reason=""
        )
        return dispatches_retry(list(waiting.values_list("pk", flat=True)))


def next_try(dispatch_id) -> dt.datetime | None:
    """When a dispatch that is still to be sent will be tried again; None if it went, was
    given up, or waits for its webhook to be turned back on."""
    waiting = _waiting().filter(pk=dispatch_id).values_list("next_attempt_at", flat=True)
    return waiting.first()
