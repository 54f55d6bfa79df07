"""Links reversed once per process (archive/paths.py) are those Django reverses."""

import pytest
from django.test import override_settings
from django.urls import reverse, set_script_prefix

from archive.paths import page_path
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_a_page_path_is_what_reverse_gives():
    assert page_path("web:tag", kind="topic", slug="crude") == reverse(
        "web:tag", kwargs={"kind": "topic", "slug": "crude"}
    )


def test_a_site_under_a_prefix_links_under_it():
    page_path("web:outlet", slug="reuters")  # remembered without a prefix
    set_script_prefix("/news/")
    try:
        assert page_path("web:outlet", slug="reuters") == "/news/outlets/reuters/"
    finally:
        set_script_prefix("/")
    assert page_path("web:outlet", slug="reuters") == "/outlets/reuters/"


def test_a_retitled_article_links_its_new_slug():
    article = make_article("Oil prices rise")
    first = article.get_absolute_url()
    article.title = "Oil prices fall"
    assert first.endswith("/oil-prices-rise/")
    assert article.get_absolute_url() == first.replace("rise", "fall")


def test_a_new_url_configuration_links_by_its_own_patterns():
    page_path("web:outlet", slug="reuters")  # remembered under the site's configuration
    with override_settings(ROOT_URLCONF="tests.archive.moved_urls"):
        assert page_path("web:outlet", slug="reuters") == "/archive/outlets/reuters/"
    assert page_path("web:outlet", slug="reuters") == "/outlets/reuters/"
