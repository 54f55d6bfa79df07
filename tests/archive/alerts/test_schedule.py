"""When digests and retries are due."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from archive.alerts.models import SavedSearch
from archive.alerts.schedule import last_digest_time, next_digest_at, retry_delay

BERLIN = ZoneInfo("Europe/Berlin")


def test_retries_wait_30_s_doubled_up_to_an_hour():
    waits = [retry_delay(n).total_seconds() for n in range(1, 10)]
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_the_digest_hour_stays_seven_across_the_end_of_summer_time():
    saved = SavedSearch(email_frequency="daily", timezone="Europe/Berlin")
    saved.created_at = saved.last_digest_at = dt.datetime(2026, 10, 24, 7, 0, tzinfo=BERLIN)
    now = dt.datetime(2026, 10, 24, 12, 0, tzinfo=BERLIN)
    following = next_digest_at(saved, now)
    assert following.astimezone(BERLIN).hour == 7
    elapsed = following.astimezone(dt.UTC) - saved.last_digest_at.astimezone(dt.UTC)
    assert elapsed == dt.timedelta(hours=25)  # the clocks went back an hour that night


def test_a_digest_missed_is_due_at_once():
    saved = SavedSearch(email_frequency="weekly", timezone="Europe/Berlin")
    saved.created_at = dt.datetime(2026, 11, 1, tzinfo=BERLIN)
    now = dt.datetime(2026, 12, 5, 12, 0, tzinfo=BERLIN)
    assert next_digest_at(saved, now) == now


@pytest.mark.parametrize("frequency", ["never", "instant"])
def test_no_digest_time_without_digests(frequency):
    assert last_digest_time(frequency, "UTC", dt.datetime.now(dt.UTC)) is None


def test_an_unknown_time_zone_is_read_as_utc():
    due = last_digest_time("daily", "Mars/Olympus_Mons", dt.datetime(2026, 12, 5, 8, tzinfo=dt.UTC))
    assert due == dt.datetime(2026, 12, 5, 7, tzinfo=dt.UTC)
