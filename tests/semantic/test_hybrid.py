"""Semantic and hybrid search through the query service, the API and the search page."""

import datetime as dt
import html
import re

import pytest

from search.semantic import embed_pending
from search.service import search
from search.types import SearchRequest
from tests.factories import make_article, make_outlet
from tests.search.conftest import ids_of, reindex
from tests.semantic.test_embedding import HARVEST, NUCLEAR

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("semantic", "search_backend")]

PARAPHRASE = "denuclearization negotiations"


def _articles(*texts, embed=True, **fields):
    articles = [make_article(title, body, **fields) for title, body in texts]
    reindex(*articles)
    if embed:
        embed_pending()
    return articles


def _find(q, mode, **fields):
    return search(SearchRequest(q=q, mode=mode, **fields))


def test_a_paraphrase_is_found_by_meaning_not_by_its_words():
    atomic, _harvest = _articles(NUCLEAR, HARVEST)
    assert _find(PARAPHRASE, "keyword").total == 0
    assert _find(PARAPHRASE, "semantic").hits[0].id == atomic.pk
    assert _find(PARAPHRASE, "hybrid").hits[0].id == atomic.pk


def test_filters_apply_to_the_nearest_articles(monkeypatch):
    monkeypatch.setattr("search.hybrid.CANDIDATES", 1)  # the filter must choose the nearest
    herald, times = make_outlet("Herald"), make_outlet("Times")
    (first,) = _articles(NUCLEAR, outlet=herald)
    (second,) = _articles((NUCLEAR[0], NUCLEAR[1] + " Talks resume soon."), outlet=times)
    assert ids_of(_find(PARAPHRASE, "semantic")) == {second.pk}  # unfiltered: the Times's
    found = _find(PARAPHRASE, "semantic", outlets=(herald.slug,))
    assert ids_of(found) == {first.pk} and found.total == 1


def test_facets_and_the_total_count_the_candidates_shown():
    herald, times = make_outlet("Herald"), make_outlet("Times")
    _articles(NUCLEAR, outlet=herald, published=dt.date(2018, 5, 4))
    _articles(HARVEST, outlet=times, published=dt.date(2018, 6, 1))
    found = _find(PARAPHRASE, "semantic", collapse="none")
    outlets = {v.value: v.count for v in found.facets["outlet"]}
    assert found.total == len(found.hits) == 2
    assert outlets == {herald.slug: 1, times.slug: 1}
    assert sum(b.count for b in found.histogram) == found.total


def test_explicit_syntax_stays_keyword_strict():
    _articles(NUCLEAR, HARVEST)
    quoted = _find(f'"{PARAPHRASE}"', "hybrid")
    assert quoted.total == 0
    assert any("keywords only" in notice for notice in quoted.notices)
    assert _find("atomic -warheads", "semantic").total == 0


def test_articles_not_embedded_yet_match_by_their_words():
    _articles(HARVEST)
    (late,) = _articles(NUCLEAR, embed=False)
    assert late.pk in ids_of(_find("atomic weapons", "hybrid"))


def test_a_date_sort_orders_the_candidates_by_date():
    (older,) = _articles(NUCLEAR, published=dt.date(2018, 1, 1))
    (newer,) = _articles(HARVEST, published=dt.date(2019, 1, 1))
    found = _find(PARAPHRASE, "semantic", sort="newest")
    assert [h.id for h in found.hits] == [newer.pk, older.pk]


def test_explain_gives_meaning_its_share():
    atomic, _harvest = _articles(NUCLEAR, HARVEST)
    hit = _find("atomic weapons treaty", "hybrid", explain=True).hits[0]
    assert hit.id == atomic.pk
    share = hit.explanation.semantic_share
    assert 0 < share < 1
    assert sum(m.share for m in hit.explanation.matches) + share == pytest.approx(1)
    alone = _find(PARAPHRASE, "semantic", explain=True).hits[0].explanation
    assert alone.semantic_share == 1 and alone.similarity > 0


def test_the_api_explains_meanings_share(client, settings):
    settings.API_PUBLIC_READS, settings.API_ANON_RATE = True, ""
    atomic, _harvest = _articles(NUCLEAR, HARVEST)
    response = client.get("/api/search/", {"q": PARAPHRASE, "mode": "hybrid", "explain": "1"})
    assert response.status_code == 200
    first = response.json()["results"][0]
    assert first["id"] == atomic.pk
    assert first["explanation"]["semantic_share"] == 1.0
    assert first["explanation"]["similarity"] > 0


def test_the_page_offers_the_modes_and_searches_by_meaning_without_javascript(client):
    atomic, _harvest = _articles(NUCLEAR, HARVEST)
    page = client.get("/", {"q": PARAPHRASE, "mode": "semantic"}).content.decode()
    assert 'name="mode" value="semantic" checked' in page
    assert f'id="hit-{atomic.pk}"' in page
    assert "mode=semantic" in page  # a hit's link keeps the mode for its explanation


def test_the_page_says_so_when_meaning_is_off(client, settings):
    settings.SEARCH_SEMANTIC = False
    _articles(HARVEST, embed=False)
    page = client.get("/", {"q": "wheat", "mode": "hybrid"}).content.decode()
    assert "Meaning-based search is off here" in page
    assert 'name="mode"' not in page


def test_an_articles_explanation_gives_meanings_share_in_its_mode(client):
    atomic, _harvest = _articles(NUCLEAR, HARVEST)
    query = {"q": "atomic weapons treaty", "why": "1"}
    page = client.get(atomic.get_absolute_url(), {**query, "mode": "hybrid"}).content.decode()
    assert "Meaning gave" in page and "similarity to the query" in page
    plain = client.get(atomic.get_absolute_url(), query).content.decode()
    assert "Meaning gave" not in plain


@pytest.mark.parametrize("mode", ["keyword", "semantic", "hybrid"])
def test_a_query_that_cannot_be_parsed_is_a_400_in_every_mode(client, settings, mode):
    settings.API_PUBLIC_READS, settings.API_ANON_RATE = True, ""
    _articles(NUCLEAR, HARVEST)
    response = client.get("/api/search/", {"q": "(oil", "mode": mode})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("q: the query could not be understood")


def _copied(*, embed_copy):
    """An original (embedded), an unrelated article and a later copy of the original."""
    (original,) = _articles(NUCLEAR, published=dt.date(2018, 5, 4))
    _articles(HARVEST)
    title, body = NUCLEAR
    later = dt.date(2018, 5, 6)
    copy = make_article(title, f"{body} (Herald)", published=later, duplicate_of=original)
    reindex(original, copy)
    if embed_copy:
        embed_pending()
    return original, copy


def _groups(found):
    return [(h.id, [c.pk for c in h.copies]) for h in found.hits]


def test_a_copy_group_is_shown_by_its_original_as_keywords_show_it():
    original, copy = _copied(embed_copy=True)
    keyword = _find("atomic weapons", "keyword")
    assert _groups(keyword) == [(original.pk, [copy.pk])]
    assert _groups(_find("atomic weapons", "hybrid"))[0] == (original.pk, [copy.pk])


def test_copies_found_by_their_words_stay_folded_into_their_group():
    original, copy = _copied(embed_copy=False)  # a candidate by its words only
    assert _groups(_find("atomic weapons", "hybrid"))[0] == (original.pk, [copy.pk])


def test_copies_of_keyword_hits_stay_listed_with_one_candidate(monkeypatch):
    monkeypatch.setattr("search.hybrid.CANDIDATES", 1)
    original, copy = _copied(embed_copy=True)
    assert _groups(_find("atomic weapons", "hybrid")) == [(original.pk, [copy.pk])]


def test_the_page_says_downloads_and_saved_searches_match_by_keywords(client, django_user_model):
    _articles(NUCLEAR, HARVEST)
    client.force_login(django_user_model.objects.create_user("reader", password="x"))
    said = "Downloads, the feed and saved searches match these words by keywords, not by meaning."
    hybrid = client.get("/", {"q": "atomic weapons", "mode": "hybrid"}).content.decode()
    assert said in hybrid
    assert "mode=" not in hybrid.split('class="download"')[1].split("</p>")[0]
    keyword = client.get("/", {"q": "atomic weapons"}).content.decode()
    assert said not in keyword


def _link(page: str, text: str) -> str:
    """The address of the link whose text starts with ``text``."""
    found = re.search(rf'<a href="([^"]*)"[^>]*>{re.escape(text)}', page)
    assert found, f"no link {text!r}"
    return html.unescape(found.group(1))


def test_why_this_result_explains_the_filtered_search_the_hit_came_from(client, monkeypatch):
    monkeypatch.setattr("search.hybrid.CANDIDATES", 1)  # unfiltered, the Times's is nearest
    herald, times = make_outlet("Herald"), make_outlet("Times")
    (first,) = _articles(NUCLEAR, outlet=herald)
    _articles((NUCLEAR[0], NUCLEAR[1] + " Talks resume soon."), outlet=times)
    results = client.get("/", {"q": PARAPHRASE, "mode": "hybrid", "outlet": herald.slug})
    article = client.get(_link(results.content.decode(), first.title)).content.decode()
    why = client.get(_link(article, "Why this result?")).content.decode()
    assert "Meaning gave" in why and "similarity to the query" in why
    assert "not among the results of this search" not in why


MISSPELT = "reactor warheds"  # the body's words: the spelling looks up the body's


def _corrections_counted(monkeypatch) -> list[str]:
    """The queries the backends look for a correction of, in order (a spy on the real rule)."""
    import search.backends.pg.searching as pg
    import search.backends.whoosh.searching as whoosh

    asked = []

    def counted(q, *args):
        asked.append(q)
        return did_you_mean(q, *args)

    from search.corrections import did_you_mean

    for module in (whoosh, pg):
        monkeypatch.setattr(module, "did_you_mean", counted)
    return asked


def test_a_misspelt_hybrid_query_looks_for_its_correction_once(monkeypatch):
    atomic, _harvest = _articles(NUCLEAR, HARVEST)
    asked = _corrections_counted(monkeypatch)
    found = _find(MISSPELT, "hybrid")
    assert found.suggestion == "reactor warheads"
    assert found.hits[0].id == atomic.pk  # found by meaning all the same
    assert asked == [MISSPELT]


def test_a_misspelt_hybrid_query_is_corrected_as_before():
    atomic, _harvest = _articles(NUCLEAR, HARVEST)
    found = _find(MISSPELT, "hybrid", autocorrect=True)
    # Found by meaning, so nothing to correct: the suggestion is offered, not applied.
    assert found.suggestion == "reactor warheads" and found.corrected_from is None
    assert found.hits[0].id == atomic.pk
    assert found.hits[0].highlights == _find(MISSPELT, "hybrid").hits[0].highlights


def test_a_hybrid_query_that_finds_nothing_is_corrected_once(monkeypatch):
    (atomic,) = _articles(NUCLEAR, embed=False)  # nothing by meaning: corrected by words
    asked = _corrections_counted(monkeypatch)
    found = _find(MISSPELT, "hybrid", autocorrect=True)
    assert found.corrected_from == MISSPELT and found.suggestion == "reactor warheads"
    assert [h.id for h in found.hits] == [atomic.pk]
    assert asked == [MISSPELT]  # the corrected search looks for no correction of its own


def test_explaining_a_misspelt_hybrid_hit_looks_for_no_correction(monkeypatch):
    from search.service import explain

    atomic, _harvest = _articles(NUCLEAR, HARVEST)
    asked = _corrections_counted(monkeypatch)
    explanation = explain(SearchRequest(q=MISSPELT, mode="hybrid"), atomic.pk)
    assert explanation.semantic_share > 0
    assert asked == []
