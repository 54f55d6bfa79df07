"""From matches to messages: the two calls the rest of the project makes.

``owe(match_ids)`` runs after matching: each match is owed to each channel of its saved
search (a ``Delivery``, unique per match and channel, so calling it twice owes nothing
new); webhook deliveries and "at once" e-mail are put in dispatches at once and their
sending is enqueued when the transaction commits; daily and weekly e-mail waits for its
digest. ``send_due()`` is the worker's periodic scan: digests whose hour has come, retries
whose wait is over, and anything an enqueued task did not send.
"""

import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from archive.alerts import tasks
from archive.alerts.dispatches import dispatch_deliveries, with_matches
from archive.alerts.models import AlertMatch, Delivery, Dispatch, SavedSearch, Webhook
from archive.alerts.schedule import next_digest_at
from archive.alerts.sending import send_due

__all__ = ["owe", "send_due"]
logger = logging.getLogger(__name__)


def owe(match_ids: Iterable[int]) -> list[Dispatch]:
    """Owe each match (not a copy folded into another) to its saved search's channels;
    returns the dispatches made for sending at once."""
    ids = list(match_ids)
    if not ids:
        return []
    with transaction.atomic():
        had_digest = set(_awaiting_digest().values_list("match__saved_search", flat=True))
        Delivery.objects.bulk_create(_owed(ids), ignore_conflicts=True)
        waiting = Delivery.objects.filter(match_id__in=ids, dispatch__isnull=True).filter(
            _sent_at_once()
        )
        # A delivery locked by another owe() of the same matches is that one's to dispatch.
        locked = waiting.select_for_update(skip_locked=True, of=("self",))
        made = dispatch_deliveries(with_matches(locked))
        dispatch_ids = [str(d.pk) for d in made]
        digests = _awaiting_digest().exclude(match__saved_search__in=had_digest)
        first_waiting = SavedSearch.objects.filter(pk__in=digests.values("match__saved_search"))
        transaction.on_commit(lambda: _enqueue(dispatch_ids, list(first_waiting)))
    return made


def _owed(match_ids: list[int]) -> list[Delivery]:
    """The deliveries these matches owe: read as ids (a bulk import makes tens of
    thousands of matches, and a model instance each was most of the cost)."""
    matches = AlertMatch.objects.filter(pk__in=match_ids, folded_into__isnull=True)
    pairs = list(matches.values_list("pk", "saved_search_id"))
    searches = SavedSearch.objects.filter(pk__in={search_id for _, search_id in pairs})
    emailed = {
        pk
        for pk, frequency, email in searches.values_list("pk", "email_frequency", "user__email")
        if frequency != SavedSearch.Frequency.NEVER and email
    }
    hooks: dict[int, list[Webhook]] = {}
    for hook in Webhook.objects.filter(enabled=True, saved_search__in=searches):
        hooks.setdefault(hook.saved_search_id, []).append(hook)
    owed = []
    for match_id, search_id in pairs:
        if search_id in emailed:
            owed.append(Delivery(match_id=match_id, channel=Dispatch.Channel.EMAIL))
        for hook in hooks.get(search_id, []):
            owed.append(Delivery(match_id=match_id, channel=Dispatch.Channel.WEBHOOK, webhook=hook))
    return owed


def _sent_at_once() -> Q:
    return Q(channel=Dispatch.Channel.WEBHOOK) | Q(
        match__saved_search__email_frequency=SavedSearch.Frequency.INSTANT
    )


def _awaiting_digest():
    return Delivery.objects.filter(channel=Dispatch.Channel.EMAIL, dispatch__isnull=True).exclude(
        match__saved_search__email_frequency__in=[
            SavedSearch.Frequency.NEVER,
            SavedSearch.Frequency.INSTANT,
        ]
    )


def _enqueue(dispatch_ids: list[str], digest_searches: list[SavedSearch]) -> None:
    """Send the new dispatches now, and come back for the digests that now have e-mail
    waiting (the first delivery since the last digest: one task per digest, not per match)."""
    try:
        for dispatch_id in dispatch_ids:
            tasks.send_dispatch.enqueue(dispatch_id)
        now = timezone.now()
        for saved_search in digest_searches:
            tasks.later(tasks.send_due_alerts, next_digest_at(saved_search, now))
    except Exception:  # the queue is down: the periodic scan (send_due) sends them
        logger.exception("alerts not enqueued; the periodic scan sends them")
