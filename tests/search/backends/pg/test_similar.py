"""More-like-this on PostgreSQL ranks, by all its key stems, only the articles that
have one of its candidate stems (``search.backends.pg.similar.candidate_stems``)."""

import pytest
from django.db import connection

from search.backends.pg import similar
from tests.factories import make_article


def test_the_most_telling_stems_are_candidates_while_their_articles_fit(monkeypatch):
    monkeypatch.setattr(similar, "MLT_CANDIDATES", 100)
    stems = [("oil", 80), ("opec", 12), ("barrel", 30), ("vienna", 5), ("price", 90)]
    assert similar.candidate_stems(stems) == ["oil", "opec", "vienna"]


def test_a_stem_too_common_is_skipped_and_the_rarest_taken_when_none_fits(monkeypatch):
    monkeypatch.setattr(similar, "MLT_CANDIDATES", 10)
    assert similar.candidate_stems([("oil", 80), ("opec", 6), ("price", 90)]) == ["opec"]
    assert similar.candidate_stems([("price", 90), ("oil", 80)]) == ["oil"]


@pytest.mark.django_db(transaction=True)
def test_articles_without_a_candidate_stem_are_not_ranked(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL backend needs a PostgreSQL database")
    from search.backends.pg.backend import PostgresBackend

    pg = PostgresBackend()
    source = make_article("Opec oil output", body="Opec oil output.")
    rare = make_article("Opec meeting", body="Opec.")
    common = [make_article("Oil output", body=f"Oil output {n}.") for n in range(3)]
    pg.index([source, rare, *common])  # the stems' document frequencies
    with connection.cursor() as cursor:
        everything = {h.id for h in similar.more_like_this(cursor, source.pk, 10)}
        monkeypatch.setattr(similar, "MLT_CANDIDATES", 2)  # opec's articles only
        bounded = {h.id for h in similar.more_like_this(cursor, source.pk, 10)}
    assert everything == {rare.pk, *(a.pk for a in common)}
    assert bounded == {rare.pk}
