import pytest
from django.db import IntegrityError, transaction

from archive.models import Tag
from tests.factories import make_article, make_author, make_outlet, make_tag

pytestmark = pytest.mark.django_db


def test_same_content_hash_cannot_be_stored_twice():
    make_article(body="One story.")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(body="One story.")


def test_same_url_cannot_be_stored_twice():
    make_article(url="https://example.com/a")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(url="https://example.com/a")


def test_many_articles_may_have_no_url():
    make_article(url=None)
    make_article(url=None)


def test_tag_slug_is_unique_within_a_kind():
    make_tag("Korea", kind="place")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_tag("Korea", kind="place")


def test_same_tag_name_may_exist_in_two_kinds():
    make_tag("Washington", kind="place")
    make_tag("Washington", kind="person")
    assert Tag.objects.filter(slug="washington").count() == 2


def test_outlet_name_is_unique():
    make_outlet("Reuters")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_outlet("Reuters")


def test_slugs_are_filled_in_from_names():
    assert make_outlet("The Korea Herald").slug == "the-korea-herald"
    assert make_author("Ock Hyun-ju").slug == "ock-hyun-ju"
    assert make_tag("Kim Jong Un", kind="person").slug == "kim-jong-un"


def test_names_in_other_scripts_still_get_a_slug():
    assert make_author("김정은").slug == "김정은"


def test_tag_spellings_are_name_and_aliases_without_repeats():
    tag = make_tag("Kim Jong Un", kind="person", aliases=["Kim Jong-un", "kim jong un"])
    assert tag.spellings == ["Kim Jong Un", "Kim Jong-un"]


def test_articles_are_listed_newest_first():
    import datetime as dt

    old = make_article(published=dt.date(2018, 5, 9))
    new = make_article(published=dt.date(2019, 6, 21))
    from archive.models import Article

    assert list(Article.objects.all()) == [new, old]


def test_article_url_points_at_its_page(client):
    article = make_article(title="Kim to Xi: No China passing if aid comes")
    url = article.get_absolute_url()
    assert url == f"/articles/{article.pk}/kim-to-xi-no-china-passing-if-aid-comes/"
    assert client.get(url).status_code == 200
