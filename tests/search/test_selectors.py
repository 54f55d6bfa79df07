"""The database reads of a search: names by slug, labels by id, a page's tags and bylines."""

import copy

import pytest

from archive.models import Article, ArticleAuthor
from search import selectors
from tests.factories import make_article, make_author, make_outlet, make_tag

pytestmark = pytest.mark.django_db


def test_the_vocabulary_of_a_search_is_one_query(django_assert_num_queries):
    outlet = make_outlet("Bloomberg")
    author = make_author("Jihye Lee")
    person = make_tag("Kim Jong Un", kind="person", aliases=["Kim Jong-un", 3])
    place = make_tag("Kim", kind="place")
    with django_assert_num_queries(1):
        found = selectors.search_vocabulary(
            outlets=("bloomberg", "nobody"),
            authors=(author.slug,),
            tags=("person:kim-jong-un", "kim"),
            spellings=True,
        )
    assert found.outlets == {"bloomberg": outlet.pk}
    assert found.authors == {author.slug: author.pk}
    assert sorted(found.tags) == sorted(
        [(person.pk, "person", "kim-jong-un"), (place.pk, "place", "kim")]
    )
    assert found.spellings == [["Kim Jong Un", "Kim Jong-un"]]


def test_a_search_without_filters_reads_the_spellings_alone(django_assert_num_queries):
    make_tag("Kim Jong Un", kind="person", aliases=["Kim Jong-un", 3, "Kim Jong Eun"])
    make_tag("Kim", kind="place")
    with django_assert_num_queries(1):
        found = selectors.search_vocabulary(spellings=True)
    assert found == selectors.Vocabulary(spellings=[["Kim Jong Un", "Kim Jong-un", "Kim Jong Eun"]])


def test_nothing_asked_is_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.search_vocabulary(spellings=False) == selectors.Vocabulary()
        assert selectors.names_and_links() == selectors.Names()


def test_labels_and_a_page_s_tags_and_bylines_are_one_query(django_assert_num_queries):
    outlet = make_outlet("Bloomberg")
    first, second = make_author("Zed Writer"), make_author("Ann Writer")
    tags = [make_tag("Seoul", kind="place"), make_tag("Kim", kind="person")]
    tags.append(make_tag("Diplomacy", kind="topic"))
    article = make_article(outlet=outlet)
    article.tags.add(*tags)
    ArticleAuthor.objects.create(article=article, author=first, position=0)
    ArticleAuthor.objects.create(article=article, author=second, position=1)
    page = {article.pk: Article.objects.select_related("outlet").get(pk=article.pk)}
    with django_assert_num_queries(1):
        names = selectors.names_and_links(
            outlets={outlet.pk}, authors={second.pk}, tags={tags[0].pk}, articles=list(page)
        )
    assert names.outlets == {outlet.pk: ("bloomberg", "Bloomberg")}
    assert names.authors == {second.pk: (second.slug, "Ann Writer")}
    assert names.tags == {tags[0].pk: ("place", "seoul", "Seoul")}
    selectors.attach_links(page.values(), names)
    expected = [t.name for t in article.tags.all()]  # as the model orders them
    with django_assert_num_queries(0):
        shown = page[article.pk]
        assert [t.name for t in shown.tags.all()] == expected
        assert [(b.position, b.author.name) for b in shown.author_links.all()] == [
            (0, "Zed Writer"),
            (1, "Ann Writer"),
        ]
        assert [t.get_absolute_url() for t in shown.tags.all()]


def test_a_new_query_of_attached_tags_fails_rather_than_find_other_articles_tags():
    tag = make_tag("Seoul", kind="place")
    article, other = make_article(), make_article()
    article.tags.add(tag)
    other.tags.add(make_tag("Kim", kind="person"))
    page = {article.pk: Article.objects.get(pk=article.pk)}
    selectors.attach_links(page.values(), selectors.names_and_links(articles=list(page)))
    shown = page[article.pk]
    assert len(shown.tags.all()) == 1 and shown.tags.all()[:8] == [tag]
    with pytest.raises(TypeError):
        shown.tags.filter(kind="person")
    with pytest.raises(TypeError):
        shown.author_links.order_by("position")
    copied = copy.deepcopy(shown)  # a deep copy drops what was attached: it reads nothing
    assert list(copied.tags.all()) in ([tag], [])


def test_an_attached_tag_loads_what_it_was_not_given_on_use():
    tag = make_tag("Kim Jong Un", kind="person", aliases=["Kim Jong-un"])
    article = make_article()
    article.tags.add(tag)
    names = selectors.names_and_links(articles=[article.pk])
    assert names.article_tags[article.pk][0].aliases == ["Kim Jong-un"]


def test_an_article_s_duplicates_are_found_by_an_unordered_lookup():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    original = make_article("Coffee quota talks")
    copy = make_article("Coffee quota talks", duplicate_of=original)
    other = make_article("Coffee quota talks again", duplicate_of=original)
    make_article("Gold mine")

    with CaptureQueriesContext(connection) as captured:
        found = selectors.article_duplicate_ids(copy.pk)

    assert found == {original.pk, copy.pk, other.pk}
    # Ordered by date, SQLite walked every article's date at 10x (130 ms) instead of
    # looking the copies up in the duplicate_of index.
    lookup = [q["sql"] for q in captured.captured_queries if 'duplicate_of_id" IN' in q["sql"]]
    assert lookup and all("ORDER BY" not in sql for sql in lookup)
