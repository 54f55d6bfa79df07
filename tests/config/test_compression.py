"""Pages go out gzipped, except those that carry a CSRF token (BREACH)."""

import gzip

import pytest
from django.test import Client


@pytest.mark.django_db
def test_the_search_page_is_sent_gzipped_and_much_smaller():
    response = Client().get("/", {"q": "kim"}, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    html = gzip.decompress(response.content)
    assert b"Search the archive" in html
    assert len(response.content) < len(html) / 2


@pytest.mark.django_db
def test_a_page_with_a_csrf_token_is_not_compressed():
    response = Client().get("/admin/login/", HTTP_ACCEPT_ENCODING="gzip")
    assert b"csrfmiddlewaretoken" in response.content
    assert not response.has_header("Content-Encoding")


@pytest.mark.django_db
def test_without_accept_encoding_the_page_is_plain():
    response = Client().get("/", {"q": "kim"})
    assert not response.has_header("Content-Encoding")
    assert b"Search the archive" in response.content
