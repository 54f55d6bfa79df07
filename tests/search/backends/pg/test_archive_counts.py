"""Browsing the whole archive on PostgreSQL reads the counts kept by triggers
(``search.backends.pg.archive_counts``, migration ``search/0107_pg_archive_counts``):
what a user sees stays right through inserts, edits, deletes, rebuilds and writers
committing side by side."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from archive.models import Article, ArticleAuthor
from tests.factories import make_article, make_author, make_outlet, make_tag
from tests.search.conftest import raw_search

pytestmark = pytest.mark.django_db(transaction=True)
FACETS = ("outlet", "year", "month", "topic", "place", "author", "language")
DAY = dt.date(2024, 3, 5)


@pytest.fixture
def pg(settings):
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL backend needs a PostgreSQL database")
    settings.SEARCH_ANSWERS_KEPT = 0  # every browse counts
    from search.backends.pg.backend import PostgresBackend

    return PostgresBackend()


def browse(pg, **fields):
    with CaptureQueriesContext(connection) as queries:
        result = raw_search(pg, q="", facets=FACETS, **fields)
    assert any("search_pgcount" in q["sql"] for q in queries), "browsing scanned the rows"
    return result


def seen(result) -> dict:
    """What a browse shows: the total, each facet's counts and the days."""
    counts = {facet: values for facet, values in result.counts.items() if values}
    return {"total": result.total, "counts": counts, "days": result.days}


def kept_is_a_recount() -> bool:
    """Whether the kept counts are those of the facet rows counted afresh."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM ((SELECT facet, value, sum(n) FROM search_pgcount"
            " GROUP BY 1, 2 HAVING sum(n) <> 0) EXCEPT ALL (SELECT k.facet, k.value, count(*)"
            " FROM search_pgfacet d CROSS JOIN LATERAL search_pg_count_keys(d) k GROUP BY 1, 2))"
            " x UNION ALL SELECT count(*) FROM ((SELECT k.facet, k.value, count(*)"
            " FROM search_pgfacet d CROSS JOIN LATERAL search_pg_count_keys(d) k GROUP BY 1, 2)"
            " EXCEPT ALL (SELECT facet, value, sum(n) FROM search_pgcount GROUP BY 1, 2"
            " HAVING sum(n) <> 0)) y"
        )
        return [n for (n,) in cursor.fetchall()] == [0, 0]


def test_browsing_counts_what_was_inserted(pg):
    herald, times = make_outlet("Herald"), make_outlet("Times")
    oil, paris = make_tag("Oil", kind="topic"), make_tag("Paris", kind="place")
    first = make_article("Oil price", outlet=herald, published=DAY, language="en")
    first.tags.add(oil, paris)
    make_article("Oil glut", outlet=times, published=DAY.replace(year=2023), language="fr")
    make_article("Undated note", outlet=herald)

    assert seen(browse(pg)) == {
        "total": 3,
        "counts": {
            "outlet": {herald.pk: 2, times.pk: 1},
            "year": {2024: 1, 2023: 1},
            "month": {2024 * 12 + 2: 1, 2023 * 12 + 2: 1},
            "topic": {oil.pk: 1},
            "place": {paris.pk: 1},
            "language": {"en": 1, "fr": 1},
        },
        "days": {DAY.toordinal(): 1, DAY.replace(year=2023).toordinal(): 1},
    }
    assert kept_is_a_recount()


def test_edits_and_deletes_move_the_counts(pg):
    herald, times = make_outlet("Herald"), make_outlet("Times")
    oil, gold = make_tag("Oil", kind="topic"), make_tag("Gold", kind="topic")
    author = make_author("Ann Reporter")
    article = make_article("Oil price", outlet=herald, published=DAY)
    article.tags.add(oil)
    other = make_article("Gold rush", outlet=herald, published=DAY)

    article.outlet = times
    article.published = DAY.replace(year=2020)
    article.save()
    article.tags.remove(oil)
    article.tags.add(gold)
    ArticleAuthor.objects.create(article=article, author=author, position=0)
    other.body = "A new body, every vector computed again."
    other.save()
    result = browse(pg)
    assert result.total == 2
    assert result.counts["outlet"] == {herald.pk: 1, times.pk: 1}
    assert result.counts["year"] == {2024: 1, 2020: 1}
    assert result.counts["topic"] == {gold.pk: 1}
    assert result.counts["author"] == {author.pk: 1}
    assert result.days == {DAY.toordinal(): 1, DAY.replace(year=2020).toordinal(): 1}

    other.delete()
    result = browse(pg)
    assert (result.total, result.counts["outlet"], result.days) == (
        1,
        {times.pk: 1},
        {DAY.replace(year=2020).toordinal(): 1},
    )
    Article.objects.all().delete()
    assert seen(browse(pg)) == {"total": 0, "counts": {}, "days": {}}
    assert kept_is_a_recount()


def test_a_rolled_back_write_leaves_the_counts(pg):
    make_article("Oil price", published=DAY)
    with transaction.atomic():
        make_article("Oil glut", published=DAY)
        assert browse(pg).total == 2  # its own write, seen inside
        transaction.set_rollback(True)
    assert browse(pg).total == 1
    assert kept_is_a_recount()


def test_a_rebuild_and_a_truncate_keep_the_counts(pg):
    from search.documents import articles_for_index

    outlet = make_outlet("Herald")
    for n in range(5):
        make_article(f"Report {n}", outlet=outlet, published=DAY + dt.timedelta(days=n % 2))
    pg.rebuild(articles_for_index(Article.objects.all()))
    result = browse(pg)
    assert (result.total, result.counts["outlet"]) == (5, {outlet.pk: 5})
    assert result.days == {DAY.toordinal(): 3, DAY.toordinal() + 1: 2}
    assert kept_is_a_recount()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE archive_article CASCADE")
    assert browse(pg).total == 0
    assert kept_is_a_recount()


def test_writers_committing_side_by_side_are_all_counted(pg):
    outlet = make_outlet("Herald")
    tag = make_tag("Oil", kind="topic")
    start = threading.Barrier(3)
    errors = []

    def writer(n):
        try:
            start.wait(10)
            for i in range(10):
                with transaction.atomic():
                    article = make_article(f"Writer {n} report {i}", outlet=outlet, published=DAY)
                    article.tags.add(tag)
                    if i % 3 == 0:
                        article.delete()
        except Exception as error:  # reported below: a thread's failure fails the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    result = browse(pg)
    assert (result.total, result.counts["outlet"], result.counts["topic"]) == (
        18,
        {outlet.pk: 18},
        {tag.pk: 18},
    )
    assert kept_is_a_recount()


def test_browsing_folded_copies_counts_each_group_once(pg):
    outlet = make_outlet("Herald")
    original = make_article("Oil price", outlet=outlet, published=DAY)
    make_article("Oil price again", outlet=outlet, published=DAY, duplicate_of=original)
    make_article("Gold", outlet=outlet, published=DAY.replace(year=2020))

    folded = browse(pg)
    assert (folded.total, folded.counts["outlet"]) == (2, {outlet.pk: 2})
    assert folded.days == {DAY.toordinal(): 1, DAY.replace(year=2020).toordinal(): 1}
    unfolded = browse(pg, collapse="none")
    assert (unfolded.total, unfolded.counts["outlet"]) == (3, {outlet.pk: 3})
