"""GET /api/search/: the shape, filters, facets, paging and errors."""

import pytest

pytestmark = pytest.mark.django_db

FACET_KEYS = {"outlet", "year", "month", "topic", "person", "place", "organization", "author"}
FACET_KEYS |= {"language"}


def test_search_answers_the_documented_shape(anon, archive):
    response = anon.get("/api/search/", {"q": "denuclearization"})

    assert response.status_code == 200
    data = response.json()
    assert set(data) >= {"count", "page", "page_size", "next", "previous", "took_ms"}
    assert set(data) >= {"suggestion", "results", "facets", "histogram"}
    assert data["count"] == 2
    assert set(data["facets"]) == FACET_KEYS
    hit = next(r for r in data["results"] if r["id"] == archive["kim"].pk)
    assert hit["title"] == "Kim meets envoys on denuclearization"
    assert hit["outlet"] == {"name": "Korea Herald", "slug": "korea-herald"}
    assert hit["published"] == "2018-05-04"
    assert hit["authors"] == [{"name": "Jane Doe", "slug": "jane-doe"}]
    assert {"name": "Kim Jong-un", "slug": "kim-jong-un", "kind": "person"} in hit["tags"]
    assert "<mark>" in " ".join([hit["highlights"]["title"], *hit["highlights"]["body"]])
    assert hit["api_url"] == f"http://testserver/api/articles/{archive['kim'].pk}/"
    assert hit["web_url"].startswith(f"http://testserver/articles/{archive['kim'].pk}/")
    assert isinstance(hit["score"], float)


def test_facets_count_values_with_labels(anon, archive):
    data = anon.get("/api/search/", {"q": "denuclearization"}).json()

    outlets = {f["value"]: f for f in data["facets"]["outlet"]}
    assert outlets["reuters"]["count"] == 1
    assert outlets["korea-herald"]["label"] == "Korea Herald"
    assert {"period", "count"} <= set(data["histogram"][0])


def test_repeated_outlet_parameters_select_several_outlets(anon, archive):
    both = anon.get("/api/search/?q=denuclearization&outlet=reuters&outlet=korea-herald").json()
    one = anon.get("/api/search/?q=denuclearization&outlet=reuters").json()

    assert both["count"] == 2
    assert [r["id"] for r in one["results"]] == [archive["summit"].pk]


def test_tag_filter_takes_kind_and_slug_or_a_bare_slug(anon, archive):
    by_kind = anon.get("/api/search/", {"tag": "person:kim-jong-un"}).json()
    bare = anon.get("/api/search/", {"tag": "north-korea"}).json()

    assert [r["id"] for r in by_kind["results"]] == [archive["kim"].pk]
    assert bare["count"] == 2


def test_unknown_outlet_slug_gives_an_empty_result_not_an_error(anon, archive):
    response = anon.get("/api/search/", {"q": "denuclearization", "outlet": "no-such-outlet"})

    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_date_range_and_sort_newest(anon, archive):
    data = anon.get(
        "/api/search/", {"date_from": "2018-01-01", "date_to": "2018-12-31", "sort": "newest"}
    ).json()

    assert [r["id"] for r in data["results"]] == [archive["summit"].pk, archive["kim"].pk]


def test_pages_link_to_each_other(anon, archive):
    first = anon.get("/api/search/", {"q": "denuclearization", "page_size": 1}).json()
    second = anon.get(first["next"]).json()

    assert first["previous"] is None
    assert "page=2" in first["next"]
    assert second["page"] == 2 and second["next"] is None
    assert second["previous"] is not None


def test_page_size_is_capped(anon, archive):
    data = anon.get("/api/search/", {"page_size": 10_000}).json()

    assert data["page_size"] == 100


def test_facets_parameter_selects_facets(anon, archive):
    data = anon.get("/api/search/", {"q": "denuclearization", "facets": "outlet"}).json()
    none = anon.get("/api/search/?q=denuclearization&facets=").json()

    assert data["facets"]["outlet"]
    assert data["facets"]["person"] == []
    assert all(values == [] for values in none["facets"].values())


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"sort": "loudest"}, "sort: unknown value 'loudest'"),
        ({"date_from": "2018-02-30"}, "date_from: '2018-02-30' is not a date"),
        ({"page": "0"}, "page:"),
        ({"year": "nineteen"}, "year"),
        ({"month": "0000-01"}, "month: '0000-01' is not a month"),  # no year 0, as for year
        ({"facets": "colour"}, "facets"),
    ],
)
def test_bad_parameters_are_a_400_that_names_them(anon, archive, params, words):
    response = anon.get("/api/search/", params)

    assert response.status_code == 400
    assert words in response.json()["detail"]


@pytest.mark.parametrize("mode", ["semantic", "hybrid"])
def test_meaning_modes_are_a_400_when_semantic_search_is_off(anon, archive, settings, mode):
    settings.SEARCH_SEMANTIC = False
    response = anon.get("/api/search/", {"q": "denuclearization", "mode": mode})

    assert response.status_code == 400
    assert response.json()["detail"].startswith("mode: meaning-based search is off")


def test_an_unknown_mode_is_a_400_naming_the_modes(anon, archive):
    response = anon.get("/api/search/", {"q": "denuclearization", "mode": "psychic"})

    assert response.status_code == 400
    assert (
        "mode: unknown value 'psychic'; use one of keyword, semantic, hybrid"
        in (response.json()["detail"])
    )


def test_bad_query_syntax_is_a_400_saying_what_was_wrong(anon, archive):
    response = anon.get("/api/search/", {"q": 'title:"unclosed AND ('})

    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith("q: the query could not be understood")
    assert body["code"] == "invalid"


def test_a_page_past_the_end_is_a_json_error(anon, archive):
    response = anon.get("/api/search/", {"q": "denuclearization", "page": 50})

    assert response.status_code in (400, 404)
    assert "page" in response.json()["detail"].lower()


def test_search_unavailable_is_a_503(anon, archive, monkeypatch):
    from search import service
    from search.types import SearchUnavailable

    def broken(request):
        raise SearchUnavailable("index missing")

    monkeypatch.setattr(service, "search", broken)
    response = anon.get("/api/search/", {"q": "oil"})

    assert response.status_code == 503
    assert "unavailable" in response.json()["detail"]


def test_similar_lists_articles_like_this_one(anon, archive):
    response = anon.get(f"/api/articles/{archive['kim'].pk}/similar/")

    assert response.status_code == 200
    ids = [r["id"] for r in response.json()["results"]]
    assert archive["kim"].pk not in ids
    assert ids[0] == archive["summit"].pk


def test_similar_of_a_missing_article_is_a_404(anon, archive):
    response = anon.get("/api/articles/999999/similar/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_suggest_completes_a_prefix(anon, archive):
    response = anon.get("/api/suggest/", {"q": "denucl"})

    assert response.status_code == 200
    results = response.json()["results"]
    assert results and {"text", "kind", "url"} <= set(results[0])


def test_suggest_without_a_prefix_is_empty(anon, archive):
    assert anon.get("/api/suggest/").json() == {"results": []}


def test_explain_gives_each_hit_its_terms_and_shares(anon, archive):
    hits = anon.get("/api/search/", {"q": "Kim summit Dalian", "explain": "1"}).json()["results"]
    assert hits
    for hit in hits:
        explanation = hit["explanation"]
        assert explanation["matched"] is True
        assert abs(sum(m["share"] for m in explanation["matches"]) - 1) < 0.01
        assert abs(explanation["score"] - hit["score"]) < 0.01 * hit["score"]
        assert all(m["fields"] and m["term"] for m in explanation["matches"])


def test_without_explain_hits_carry_no_explanation(anon, archive):
    hits = anon.get("/api/search/", {"q": "kim"}).json()["results"]
    assert hits and all(hit["explanation"] is None for hit in hits)


@pytest.mark.parametrize("q", ["Kim — denuclearization", "Kim 🚀 envoys", "Kim – envoys ✓"])
def test_a_pasted_headline_with_a_lone_dash_or_emoji_searches_its_words(anon, client, archive, q):
    answer = anon.get("/api/search/", {"q": q})
    page = client.get("/", {"q": q})

    assert answer.status_code == 200, answer.content
    titles = [hit["title"] for hit in answer.json()["results"]]
    assert titles == ["Kim meets envoys on denuclearization"]
    assert page.status_code == 200
    assert (
        "/articles/{}/kim-meets-envoys-on-denuclearization/".format(archive["kim"].pk) in page.text
    )
    assert "Not understood" not in page.text


def test_autocorrect_answers_a_misspelling_only_when_asked(anon, archive):
    as_sent = anon.get("/api/search/", {"q": "denuclearizaton"}).json()
    assert as_sent["count"] == 0
    assert as_sent["suggestion"] == "denuclearization"
    assert as_sent["corrected_from"] is None

    corrected = anon.get("/api/search/", {"q": "denuclearizaton", "autocorrect": "true"}).json()
    assert corrected["count"] == 2
    assert corrected["suggestion"] == "denuclearization"
    assert corrected["corrected_from"] == "denuclearizaton"
