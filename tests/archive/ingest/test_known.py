"""The articles a run knows: by url, then (outlet, external id), then content hash."""

import pytest

from archive.ingest.known import KnownArticles
from tests.factories import make_article, make_outlet

pytestmark = pytest.mark.django_db


def test_an_article_is_matched_by_url_then_external_id_then_text():
    wire = make_outlet("Wire")
    by_url = make_article(url="https://x.example/a")
    by_id = make_article(outlet=wire, external_id="7")
    by_text = make_article(body="Only the text is the same.")
    known = KnownArticles()

    def match(url="", external=None, digest=""):
        return known.match(url=url, external=external, digest=digest)

    assert match(url="https://x.example/a", external=(wire.pk, "7")) == by_url.pk
    assert match(external=(wire.pk, "7"), digest=by_text.content_hash) == by_id.pk
    assert match(external=(None, "7"), digest=by_text.content_hash) == by_text.pk
    assert match(digest="unknown") is None


def test_a_planned_article_is_known_by_its_key_until_it_is_settled():
    article = make_article(url="https://x.example/b")
    known = KnownArticles()
    known.tables.by_url.clear()
    known.add(article, key=-5)
    assert known.match(url="https://x.example/b", external=None, digest="") == -5
    known.forget(article, key=-5)
    assert known.match(url="https://x.example/b", external=None, digest="") is None
