"""Making dispatches: the deliveries of one saved search and channel, put in messages of
at most ALERTS_BATCH articles, each with its body fixed now.

Called inside a transaction that holds the deliveries (``select_for_update``), so that two
workers never put one delivery in two messages.
"""

from collections import defaultdict

from django.conf import settings

from archive.alerts import email, payloads
from archive.alerts.models import AlertMatch, Delivery, Dispatch

Key = tuple[int, str, int | None]  # saved search, channel, webhook


def dispatch_deliveries(deliveries: list[Delivery]) -> list[Dispatch]:
    """Group waiting deliveries by saved search and channel, make their dispatches and
    attach each delivery to its own; returns the dispatches made (due now)."""
    groups: dict[Key, list[Delivery]] = defaultdict(list)
    for delivery in deliveries:
        groups[(delivery.match.saved_search_id, delivery.channel, delivery.webhook_id)].append(
            delivery
        )
    made = []
    for group in groups.values():
        size = settings.ALERTS_BATCH
        made.extend(_dispatch(group[i : i + size]) for i in range(0, len(group), size))
    return made


def _dispatch(deliveries: list[Delivery]) -> Dispatch:
    first = deliveries[0]
    saved_search = first.match.saved_search
    dispatch = Dispatch.objects.create(
        saved_search=saved_search, channel=first.channel, webhook_id=first.webhook_id
    )
    entries = payloads.article_entries([d.match for d in deliveries])
    if dispatch.channel == Dispatch.Channel.WEBHOOK:
        dispatch.payload = payloads.webhook_payload(dispatch, entries)
    else:
        link = email.unsubscribe_url(saved_search)
        dispatch.payload = payloads.email_payload(dispatch, entries, unsubscribe_url=link)
    dispatch.save(update_fields=["payload"])
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(dispatch=dispatch)
    return dispatch


def with_matches(deliveries) -> list[Delivery]:
    """Deliveries with their match, article, outlet and saved search loaded (two queries
    more, whatever their number); kept apart from the locking query, which PostgreSQL
    refuses to join to the nullable side of an outer join."""
    deliveries = list(deliveries)
    matches = AlertMatch.objects.select_related("article__outlet", "saved_search__user").in_bulk(
        [d.match_id for d in deliveries]
    )
    for delivery in deliveries:
        delivery.match = matches[delivery.match_id]
    return deliveries
