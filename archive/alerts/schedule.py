"""When things are due: digests at a fixed local hour, retries after a growing wait."""

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings

from archive.alerts.models import SavedSearch


def zone(name: str) -> ZoneInfo:
    """The saved search's time zone; an unknown name (a zone removed from tzdata) is UTC
    rather than a digest never sent."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def last_digest_time(frequency: str, tz_name: str, now: dt.datetime) -> dt.datetime | None:
    """The latest moment at or before ``now`` a digest of this frequency was due: each day
    (daily) or each ALERTS_DIGEST_WEEKDAY (weekly) at ALERTS_DIGEST_HOUR, local time.
    None for the frequencies that have no digest."""
    if frequency not in (SavedSearch.Frequency.DAILY, SavedSearch.Frequency.WEEKLY):
        return None
    tz = zone(tz_name)
    local = now.astimezone(tz)
    day = local.date()
    if local.hour < settings.ALERTS_DIGEST_HOUR:
        day -= dt.timedelta(days=1)
    if frequency == SavedSearch.Frequency.WEEKLY:
        day -= dt.timedelta(days=(day.weekday() - settings.ALERTS_DIGEST_WEEKDAY) % 7)
    return dt.datetime.combine(day, dt.time(settings.ALERTS_DIGEST_HOUR), tzinfo=tz)


def digest_due(saved_search: SavedSearch, now: dt.datetime) -> bool:
    """Whether the e-mail waiting for this search goes now: at once for "instant", once a
    digest time has passed since the last digest for "daily" and "weekly"."""
    if saved_search.email_frequency == SavedSearch.Frequency.INSTANT:
        return True
    due = last_digest_time(saved_search.email_frequency, saved_search.timezone, now)
    if due is None:
        return False
    # The first digest counts from the search's creation: not at once on the first match.
    return (saved_search.last_digest_at or saved_search.created_at) < due


def next_digest_at(saved_search: SavedSearch, now: dt.datetime) -> dt.datetime | None:
    """When e-mail waiting now for this search's digest goes: now if a digest is due, else
    at the next digest time; None for searches without digests."""
    last = last_digest_time(saved_search.email_frequency, saved_search.timezone, now)
    if last is None:
        return None
    if digest_due(saved_search, now):
        return now
    days = 7 if saved_search.email_frequency == SavedSearch.Frequency.WEEKLY else 1
    # On the calendar, not +24 h: the hour stays 7:00 across a change of summer time.
    day = last.date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(settings.ALERTS_DIGEST_HOUR), tzinfo=last.tzinfo)


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed try: ALERTS_RETRY_SECONDS, doubled each
    time, at most ALERTS_RETRY_MAX_SECONDS (30 s, 1 min, 2 min, ... 1 h by default)."""
    exponent = min(max(attempts - 1, 0), 30)
    seconds = settings.ALERTS_RETRY_SECONDS * 2**exponent
    return dt.timedelta(seconds=min(seconds, settings.ALERTS_RETRY_MAX_SECONDS))
