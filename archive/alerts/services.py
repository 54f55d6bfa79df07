"""Saved searches as their owners change them: one function per change, used by the pages
and the REST API alike. The search's parameters arrive already read by the search's own
rules (``search.alerts.saved_params``); nothing here knows how to search."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from archive.alerts.models import AlertMatch, SavedSearch, Webhook, new_token

MAX_SAVED_SEARCHES = 200  # per user: each one is matched against every import


def saved_search_list(*, user) -> QuerySet:
    """The user's saved searches, each with ``new``: the stories matched since their last
    visit (a copy folded into an earlier match is no new story)."""
    since_visit = Q(matches__folded_into=None) & (
        Q(last_visited_at=None) | Q(matches__matched_at__gt=F("last_visited_at"))
    )
    return (
        SavedSearch.objects.filter(user=user)
        .annotate(new=Count("matches", filter=since_visit))
        .prefetch_related("webhooks")
    )


def saved_search_create(*, user, name: str, params: dict) -> SavedSearch:
    """Save a search under a name, unique among the user's; raises ``ValidationError``."""
    name = name.strip()[:200]
    if not name:
        raise ValidationError({"name": "Give the search a name."})
    if SavedSearch.objects.filter(user=user).count() >= MAX_SAVED_SEARCHES:
        raise ValidationError(f"You have {MAX_SAVED_SEARCHES} saved searches; delete one first.")
    try:
        with transaction.atomic():
            return SavedSearch.objects.create(user=user, name=name, params=params)
    except IntegrityError:
        raise ValidationError({"name": f"You already have a search named “{name}”."}) from None


def saved_search_update(saved: SavedSearch, **fields) -> SavedSearch:
    """Change a saved search's name, parameters or channel settings; raises
    ``ValidationError`` for a name already used or an unknown time zone."""
    if "name" in fields:
        fields["name"] = fields["name"].strip()[:200]
        if not fields["name"]:
            raise ValidationError({"name": "Give the search a name."})
    if "timezone" in fields:
        timezone_check(fields["timezone"])
    for field, value in fields.items():
        setattr(saved, field, value)
    try:
        with transaction.atomic():
            saved.save()
    except IntegrityError:
        saved.refresh_from_db()
        raise ValidationError({"name": "You already have a search of that name."}) from None
    return saved


def timezone_check(name: str) -> None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            {"timezone": f"{name!r} is not a time zone (Europe/Paris)."}
        ) from None


def saved_search_visit(saved: SavedSearch) -> None:
    """Its results were opened: what was matched until now is no longer new."""
    saved.last_visited_at = timezone.now()
    saved.save(update_fields=["last_visited_at"])


def feed_token_renew(saved: SavedSearch, *, enabled: bool = True) -> SavedSearch:
    """A new feed address (the old one stops working at once), or the feed turned off."""
    saved.feed_token = new_token()
    saved.feed_enabled = enabled
    saved.save(update_fields=["feed_token", "feed_enabled", "updated_at"])
    return saved


def webhook_add(saved: SavedSearch, *, url: str) -> Webhook:
    """A new webhook with its own secret (shown to its owner once, when it is made)."""
    webhook = Webhook(saved_search=saved, url=url)
    webhook.full_clean(exclude=["saved_search"])
    webhook.save()
    return webhook


def feed_matches(saved: SavedSearch, *, limit: int = 50) -> list[AlertMatch]:
    """The newest stories a saved search matched, each with the copies folded into it."""
    return list(
        saved.matches.filter(folded_into=None)
        .select_related("article__outlet")
        .prefetch_related("folded__article__outlet")
        .order_by("-matched_at", "-id")[:limit]
    )
