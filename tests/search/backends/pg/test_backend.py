"""What the PostgreSQL backend promises beyond the shared contract (PostgreSQL only)."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from archive.models import ArticleAuthor
from search.shaping import month_number
from tests.factories import make_article, make_author, make_outlet, make_tag
from tests.search.conftest import raw_search

pytestmark = pytest.mark.django_db


@pytest.fixture
def pg():
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL backend needs a PostgreSQL database")
    from search.backends.pg.backend import PostgresBackend

    return PostgresBackend()


def ids(result):
    return [h.id for h in result.hits]


def find(pg, q, **filters):
    return raw_search(pg, q=q, **filters)


def test_choosing_postgres_without_postgresql_is_a_clear_error():
    if connection.vendor == "postgresql":
        pytest.skip("runs where the database is not PostgreSQL")
    from search.backends.pg.backend import PostgresBackend

    with pytest.raises(ImproperlyConfigured, match="needs PostgreSQL"):
        PostgresBackend()


def test_a_saved_article_is_searchable_in_the_same_transaction_without_indexing(pg):
    article = make_article("Summit in Singapore", body="Leaders met for a summit.")
    assert ids(find(pg, "summit")) == [article.pk]
    article.title = "Talks in Hanoi"
    article.body = "The talks collapsed."
    article.save()
    assert ids(find(pg, "summit")) == []
    assert ids(find(pg, "hanoi")) == [article.pk]


def test_tagging_renaming_and_deleting_reach_the_index_at_once(pg):
    article = make_article("Trade talks", body="Tariffs were discussed.")
    tag = make_tag("Sanctions")
    article.tags.add(tag)
    assert ids(find(pg, "tag:sanctions")) == [article.pk]
    tag.name = "Embargo"
    tag.save()
    assert ids(find(pg, "tag:embargo")) == [article.pk]
    article.tags.remove(tag)
    assert ids(find(pg, "tag:embargo")) == []
    author = make_author("Jane Doe")
    ArticleAuthor.objects.create(article=article, author=author)
    assert ids(find(pg, 'author:"jane doe"')) == [article.pk]
    article.delete()
    assert find(pg, "trade").total == 0


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("denuclearization", "The denuclearisation of the peninsula."),
        ("denuclearisation", "The denuclearization of the peninsula."),
        ("normalise", "Both sides want to normalize relations."),
        ("defense", "The defence ministry said nothing."),
        ("colour", "The color of the flags."),
    ],
)
def test_british_and_american_spellings_meet(pg, query, text):
    article = make_article("Report", body=text)
    assert ids(find(pg, query)) == [article.pk]


@pytest.mark.parametrize("query", ['"Kim Jong Un"', '"Kim Jong-un"', "Jong-un", "kim jong un"])
def test_hyphenated_names_meet_as_words_and_phrases(pg, query):
    hyphen = make_article("Summit", body="Kim Jong-un arrived in Singapore.")
    spaced = make_article("Summit two", body="Kim Jong Un arrived in Hanoi.")
    assert set(ids(find(pg, query))) == {hyphen.pk, spaced.pk}


def test_dotted_acronyms_equal_plain_ones_and_us_is_no_stop_word(pg):
    dotted = make_article("Talks", body="The U.S. delegation left early.")
    plain = make_article("Talks two", body="The US delegation stayed.")
    for query in ("US", "U.S.", "us"):
        assert set(ids(find(pg, query))) == {dotted.pk, plain.pk}, query


def test_accents_possessives_and_stems_fold(pg):
    article = make_article("Visit", body="Nguyễn Phú Trọng met Pyongyang's envoy at two summits.")
    assert ids(find(pg, '"Nguyen Phu Trong"')) == [article.pk]
    assert ids(find(pg, "pyongyang")) == [article.pk]
    assert ids(find(pg, "Pyongyang's")) == [article.pk]
    assert ids(find(pg, "summit")) == [article.pk]


def test_capitalised_names_match_unstemmed(pg):
    name = make_article("Profile", body="Gates spoke at the forum.")
    make_article("Border", body="The gate was closed.")
    assert ids(find(pg, "Gates")) == [name.pk]
    assert len(find(pg, "gates").hits) == 2


def test_field_queries_prefixes_and_date_ranges(pg):
    outlet = make_outlet("Al Jazeera")
    early = make_article(
        "Summer summit", body="Talks.", outlet=outlet, published=dt.date(2018, 6, 12)
    )
    late = make_article("Winter", body="A summary.", published=dt.date(2019, 2, 27))
    assert ids(find(pg, "title:summit")) == [early.pk]
    assert ids(find(pg, 'outlet:"al jazeera"')) == [early.pk]
    assert set(ids(find(pg, "summ*"))) == {early.pk, late.pk}
    assert ids(find(pg, "published:[2019-01-01 TO 2019-12-31]")) == [late.pk]
    assert ids(find(pg, "summ* -title:winter")) == [early.pk]


def test_a_syntax_error_searches_the_words_literally_and_says_why(pg):
    article = make_article("Summit", body="The summit opened.")
    result = find(pg, '"summit')
    assert ids(result) == [article.pk]
    assert "quote" in result.query_error


def test_highlights_escape_the_text_and_mark_only_matches(pg):
    make_article(
        "Summit <b>live</b>",
        body="Before <script>alert('x')</script> the summit & the talks began.",
    )
    hit = find(pg, "summit").hits[0]
    assert hit.highlights.title == "<mark>Summit</mark> &lt;b&gt;live&lt;/b&gt;"
    fragment = hit.highlights.body[0]
    assert "&lt;script&gt;" in fragment and "<script>" not in fragment
    assert "<mark>summit</mark>" in fragment
    assert fragment.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_facets_count_the_other_outlets_when_one_is_ticked(pg):
    bloomberg, reuters = make_outlet("Bloomberg"), make_outlet("Reuters")
    make_article("Summit one", body="summit 1", outlet=bloomberg, published=dt.date(2018, 5, 1))
    make_article("Summit two", body="summit 2", outlet=reuters, published=dt.date(2018, 6, 1))
    make_article("Summit three", body="summit 3", outlet=reuters, published=dt.date(2018, 6, 2))
    result = find(pg, "summit", outlets=("bloomberg",))
    assert result.total == 1
    assert result.counts["outlet"] == {reuters.pk: 2, bloomberg.pk: 1}
    assert result.counts["month"] == {month_number(2018, 5): 1}
    assert result.days == {dt.date(2018, 5, 1).toordinal(): 1}


def test_a_long_question_with_one_absent_word_still_finds_the_article(pg):
    article = make_article("Summit", body="Leaders met in Singapore for a nuclear summit.")
    result = find(pg, "why did leaders meet in singapore for the nuclear summit zebra")
    assert ids(result) == [article.pk]
    assert result.parsed.startswith("AT LEAST")


def _archive(pg, *texts):
    """Articles titled by number with these bodies, their word counts topped up."""
    articles = [make_article(f"Report {i}", body=text) for i, text in enumerate(texts)]
    pg.index(articles)
    return articles


def test_a_question_sharing_few_words_with_its_article_finds_it(pg):
    answer, _other = _archive(
        pg,
        "Librarians compare indexing vocabularies for retrieval.",
        "The harbour reopened after the storm.",
    )
    result = find(pg, "which controlled indexing vocabularies do librarians prefer and why")
    assert ids(result) == [answer.pk]
    assert result.parsed.startswith("AT LEAST 2 OF (")


def test_a_question_ranks_articles_with_more_and_rarer_words_first(pg):
    *_, common, rare, both = _archive(
        pg,
        *[f"The harbour opened on day {day}." for day in range(4)],
        *[f"Markets opened calmly on day {day}." for day in range(2)],
        "Markets and steel.",
        "Tariffs and steel.",
        "Markets, tariffs and steel.",
    )
    result = find(pg, "why did markets and steel tariffs hurt exports")
    assert ids(result)[:3] == [both.pk, rare.pk, common.pk]
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("markets steel tariffs +exports", {3}),
        ('markets steel tariffs "steel exports"', {3}),
        ("markets steel tariffs -exports", {0, 1, 2}),
    ],
)
def test_explicit_operators_keep_their_meaning_inside_a_question(pg, query, found):
    articles = _archive(
        pg,
        "Markets and steel.",
        "Steel tariffs.",
        "Markets, steel and tariffs.",
        "Steel exports grew.",
    )
    assert set(ids(find(pg, query))) == {articles[i].pk for i in found}


@pytest.mark.parametrize("query", ["Oil prices", "oil prices", "Oil Prices"])
def test_oil_prices_is_two_ordinary_words_in_any_case(pg, query):
    plural = make_article("Vegetable oils", body="The prices of oils rose.")
    singular = make_article("Crude", body="The oil price fell.")
    make_article("Olive", body="Olives are pressed.")
    assert set(ids(find(pg, query))) == {plural.pk, singular.pk}


def test_a_capitalised_word_among_lower_case_ones_stays_a_name(pg):
    name, _gate, _other = _archive(
        pg,
        "Gates spoke about vaccines and donors.",
        "The gate of the vaccine plant was closed to donors.",
        "Vaccines reached the donors.",
    )
    result = find(pg, "what did Gates say about vaccines and donors")
    assert ids(result)[0] == name.pk
    assert "name:gates" in result.parsed
    assert ids(find(pg, "Gates")) == [name.pk]


def test_the_notice_says_when_no_article_has_every_word_of_the_question(pg):
    _archive(pg, "Steel tariffs hit markets.", "Steel output rose.")
    result = find(pg, "steel tariffs markets exports")
    assert result.notices == (
        "No article has all 4 words of the question; showing those with most of them (up to 3).",
    )
    assert find(pg, "steel tariffs markets").notices == ()


def test_a_question_no_article_answers_with_enough_words_shows_those_with_most(pg):
    one, _none = _archive(pg, "Steel.", "Harbour.")
    result = find(pg, "steel tariffs markets exports quotas dumping duties")
    assert ids(result) == [one.pk]
    assert result.parsed.startswith("AT LEAST 1 OF (")
    assert "up to 1" in result.notices[0]
    assert find(pg, "steel tariffs markets", outlets=("nowhere",)).total == 0


def test_a_question_of_words_postgresql_does_not_index_searches_what_is_left(pg):
    """ "against", "those" and "during" are in PostgreSQL's stop list, not the project's."""
    summit, _other = _archive(pg, "The summit opened.", "The harbour reopened.")
    assert ids(find(pg, "against those during +summit")) == [summit.pk]
    assert ids(find(pg, "against those during summit")) == [summit.pk]


def test_a_question_sorted_by_date_keeps_its_matches(pg):
    old = make_article("Steel", body="Steel tariffs.", published=dt.date(2018, 1, 1))
    new = make_article("Steel two", body="Steel markets.", published=dt.date(2019, 1, 1))
    make_article("Harbour", body="The harbour.", published=dt.date(2020, 1, 1))
    assert ids(find(pg, "steel tariffs markets exports", sort="newest")) == [new.pk, old.pk]


def test_beyond_the_reranked_articles_a_question_still_counts_and_pages_all(pg, monkeypatch):
    from search.backends.pg import questions

    monkeypatch.setattr(questions, "RERANK", 2)
    articles = _archive(pg, *[f"Steel tariffs {'markets ' * i}." for i in range(5)])
    result = find(pg, "steel tariffs markets exports", facets=("year",))
    assert result.total == 5
    assert set(ids(result)) == {a.pk for a in articles}
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)
    pages = [find(pg, "steel tariffs markets exports", page=n, page_size=2) for n in (1, 2, 3)]
    assert [i for page in pages for i in ids(page)] == ids(result)


def test_more_like_this_leaves_out_itself_and_what_it_is_told(pg):
    text = "North Korea nuclear summit Singapore denuclearisation sanctions Pyongyang."
    source = make_article("Nuclear summit", body=text)
    twin = make_article("Nuclear summit copy", body=text + " Copy.", duplicate_of=source)
    similar = make_article("Sanctions on Pyongyang", body="Pyongyang nuclear sanctions again.")
    make_article("Football", body="A match report.")
    found = pg.more_like_this(source.pk, texts=lambda ids: {}, limit=5, exclude={twin.pk})
    assert [h.id for h in found] == [similar.pk]


def test_did_you_mean_offers_an_indexed_word_with_hits(pg):
    article = make_article("Summit", body="Pyongyang hosted the talks.")
    pg.rebuild([article])
    result = find(pg, "pyongyng")
    assert result.total == 0
    assert result.suggestion == "pyongyang"


def test_autocomplete_finds_titles_by_a_prefix_of_the_last_word(pg):
    article = make_article("Blocked roads in the north")
    make_article("Open roads in the south")
    assert pg.suggest_titles("blo") == [article.pk]
    assert pg.suggest_titles("roads in the nor") == [article.pk]


def test_versions_report_a_document_whose_trigger_was_bypassed_as_stale(pg):
    from search.documents import article_version

    article = make_article()
    assert pg.versions() == {article.pk: article_version(article)}
    with connection.cursor() as cursor:
        cursor.execute("UPDATE search_pgdocument SET article_updated_at = NULL")
    assert pg.versions() == {article.pk: "stale"}
    pg.rebuild([article])
    assert pg.versions() == {article.pk: article_version(article)}


def _rows_written() -> dict[str, int]:
    """Rows this transaction inserted or updated in the index's two tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd FROM pg_stat_xact_user_tables"
            " WHERE relname IN ('search_pgdocument', 'search_pgfacet')"
        )
        return dict(cursor.fetchall())


def test_a_rebuild_rewrites_only_the_rows_that_come_out_different(pg):
    articles = [make_article(f"Report {n}", body=f"Oil prices moved {n} times.") for n in range(4)]
    before = _rows_written()
    assert pg.rebuild(articles) == 4  # every document counted, rewritten or not
    assert _rows_written() == before  # nothing changed: no row written again (no dead rows)
    with connection.cursor() as cursor:  # one row out of step (its trigger bypassed)
        cursor.execute(
            "UPDATE search_pgdocument SET doc = ''::tsvector WHERE article_id = %s",
            [articles[0].pk],
        )
        cursor.execute(
            "UPDATE search_pgfacet SET language = 'xx' WHERE article_id = %s",
            [articles[1].pk],
        )
    before = _rows_written()
    assert pg.rebuild(articles) == 4
    after = _rows_written()
    assert after["search_pgdocument"] - before["search_pgdocument"] == 1
    assert after["search_pgfacet"] - before["search_pgfacet"] == 1
    assert articles[0].pk in ids(find(pg, "oil", page_size=10))
    assert find(pg, "", languages=("xx",)).total == 0


def test_a_prefix_has_no_expansion_cap_unlike_whoosh(pg):
    """A documented difference: PostgreSQL matches a prefix inside the GIN index, so
    there is no list of words to cut and no message (Whoosh searches the 100 most common)."""
    import itertools

    words = [
        "zq" + "".join(p) for p in itertools.islice(itertools.product("abcdefgh", repeat=3), 150)
    ]
    article = make_article("Many words", body=" ".join(words))
    result = find(pg, "zq*")
    assert ids(result) == [article.pk]
    assert result.query_error is None


def test_an_article_is_in_the_index_before_any_outbox_drain_unlike_whoosh(pg):
    """A documented difference: the trigger writes the document in the article's own
    transaction, so queued outbox rows only top up the did-you-mean word counts."""
    from django.db import transaction

    with transaction.atomic():
        article = make_article("Outbox", body="Written by a trigger inside the transaction.")
        assert ids(find(pg, "trigger")) == [article.pk]


def _pg_documents() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_pgdocument")
        return cursor.fetchone()[0]


def test_while_another_engine_is_used_the_triggers_cost_nothing_and_first_use_catches_up():
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL backend needs a PostgreSQL database")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE search_pgstate SET live = false")
    article = make_article("Summit in Singapore", body="Leaders met for a summit.")
    article.tags.add(make_tag("Diplomacy"))
    assert _pg_documents() == 0

    from search.backends.pg.backend import PostgresBackend

    pg = PostgresBackend()
    assert ids(find(pg, "summit tag:diplomacy")) == [article.pk]
    later = make_article("Talks in Hanoi", body="The talks collapsed.")
    assert ids(find(pg, "hanoi")) == [later.pk]


def test_prefix_lookups_use_an_index_whatever_the_collation(pg):
    """``text_pattern_ops`` serves LIKE 'ab%' also where the collation is not C (then
    the primary key cannot, and each prefix* read the whole word table)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'search_pgword_prefix'")
        assert "text_pattern_ops" in cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO search_pgword (word, ndoc)"
            " SELECT 'w' || i, i FROM generate_series(1, 5000) i"
        )
        cursor.execute("ANALYZE search_pgword")
        cursor.execute(
            "EXPLAIN SELECT word FROM search_pgword WHERE word LIKE 'w12%'"
            " ORDER BY ndoc DESC LIMIT 101"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index" in plan and "Seq Scan" not in plan


def test_the_newest_first_page_is_read_from_an_index_without_sorting(pg):
    """Browsing orders by ``published DESC NULLS LAST``: an index in another order of
    nulls cannot serve it, and every facet row was sorted for the first page."""
    from search.backends.pg.searching import _ORDER

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            f"EXPLAIN SELECT article_id FROM search_pgfacet d ORDER BY {_ORDER['newest']}"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "search_pgfacet_newest" in plan and "Sort" not in plan


def test_a_filtered_page_ranks_its_articles_as_the_unfiltered_search_does(pg):
    topic = make_tag("Energy", kind="topic")
    ranked = []
    for n in range(6):
        article = make_article(f"Oil report {n}", body="oil " * (n + 1) + "prices moved.")
        if n % 2:
            article.tags.add(topic)
            ranked.append(article.pk)

    everything = {h.id: h.score for h in find(pg, "oil").hits}
    filtered = find(pg, "oil", tags=("topic:energy",))

    assert sorted(ids(filtered)) == sorted(ranked)
    assert [h.score for h in filtered.hits] == [everything[i] for i in ids(filtered)]
    assert ids(filtered) == sorted(ranked, key=lambda i: -everything[i])
