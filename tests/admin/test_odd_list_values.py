"""Values in a change list's URL that no row can match (an id past the database's
integers, a date drill-down past the year 9999): the list opens again unfiltered with
Django's "?e=1", never a 500."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_article

ARTICLES = "admin:archive_article_changelist"
DATED_LISTS = [
    "admin:archive_article_changelist",
    "admin:archive_story_changelist",
    "admin:archive_importbatch_changelist",
    "admin:archive_dispatch_changelist",
]
PAST_9999 = [
    {"year": "9999"},
    {"year": "9999", "month": "12"},
    {"year": "9999", "month": "12", "day": "31"},
]


@pytest.fixture
def boss_client(superuser):
    client = Client()
    client.force_login(superuser)
    return client


@pytest.mark.parametrize("name", ["tag", "author", "import_batch"])
@pytest.mark.parametrize("value", ["99999999999999999999", "-1", "0", "abc"])
def test_an_id_no_row_can_have_reopens_the_list_unfiltered(boss_client, name, value):
    make_article(title="Listed")

    response = boss_client.get(reverse(ARTICLES), {name: value})

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")
    assert "Listed" in boss_client.get(response["Location"]).text


@pytest.mark.parametrize("drill", PAST_9999)
@pytest.mark.parametrize("changelist", DATED_LISTS)
def test_a_date_drill_down_past_the_last_year_reopens_the_list(boss_client, changelist, drill):
    field = {
        "admin:archive_article_changelist": "published",
        "admin:archive_story_changelist": "first_published",
        "admin:archive_importbatch_changelist": "started_at",
        "admin:archive_dispatch_changelist": "created_at",
    }[changelist]

    response = boss_client.get(
        reverse(changelist), {f"{field}__{part}": value for part, value in drill.items()}
    )

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")
