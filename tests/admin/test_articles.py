"""The article list and form as a staff user: columns, filters, ranked search, editing."""

import datetime as dt

from django.urls import reverse

from archive.ingest.normalize import content_hash, word_count
from archive.models import ArticleAuthor
from tests.admin.helpers import indexed_ids
from tests.factories import make_article, make_author, make_outlet, make_tag

LIST = "admin:archive_article_changelist"


def _listed(response) -> list[str]:
    return [obj.title for obj in response.context["cl"].result_list]


def test_list_shows_outlet_date_authors_tags_words_and_duplicate_marker(editor_client):
    outlet = make_outlet("Daily Planet")
    original = make_article(
        title="Summit ends", outlet=outlet, published=dt.date(2018, 6, 12), word_count=321
    )
    ArticleAuthor.objects.create(article=original, author=make_author("Lois Lane"))
    original.tags.add(make_tag("Diplomacy"))
    make_article(title="Summit ends (wire copy)", duplicate_of=original)

    page = editor_client.get(reverse(LIST)).text

    for shown in ("Summit ends", "Daily Planet", "June 12, 2018", "Lois Lane", "Diplomacy", "321"):
        assert shown in page
    assert f"⧉ of #{original.pk}" in page
    assert "⧉ 1 copies" in page


def test_list_cuts_long_titles_and_long_tag_lists_keeping_them_whole_in_the_tooltip(
    editor_client,
):
    title = "Leaders meet again " * 10
    article = make_article(title=title.strip())
    names = [f"Tag {n}" for n in range(7)]
    article.tags.add(*(make_tag(name) for name in names))

    page = editor_client.get(reverse(LIST)).text

    assert f'<span title="{title.strip()}">Leaders meet again' in page
    assert f'<span title="{", ".join(names)}">Tag 0, Tag 1, Tag 2, Tag 3 +3</span>' in page


def test_filters_by_outlet_tag_kind_tag_author_language_duplicates_and_untagged(editor_client):
    planet, bugle = make_outlet("Planet"), make_outlet("Bugle")
    kim = make_tag("Kim Jong-un", kind="person")
    oil = make_tag("Oil")
    lois = make_author("Lois")
    a = make_article(title="A", outlet=planet, language="en")
    a.tags.add(kim)
    ArticleAuthor.objects.create(article=a, author=lois)
    b = make_article(title="B", outlet=bugle, language="de")
    b.tags.add(oil)
    make_article(title="C", outlet=bugle, language="en", duplicate_of=b)
    url = reverse(LIST)

    def listed(**params):
        return sorted(_listed(editor_client.get(url, params)))

    assert listed(outlet__id__exact=planet.pk) == ["A"]
    assert listed(tag_kind="person") == ["A"]
    assert listed(tag=oil.pk) == ["B"]
    assert listed(author=lois.pk) == ["A"]
    assert listed(language="de") == ["B"]
    assert listed(duplicates="yes") == ["B", "C"]
    assert listed(duplicates="is") == ["C"]
    assert listed(duplicates="has") == ["B"]
    assert listed(duplicates="no") == ["A"]
    assert listed(untagged="yes") == ["C"]
    assert listed(untagged="no") == ["A", "B"]
    assert "Kim Jong-un" in editor_client.get(url, {"tag_kind": "person"}).text
    with_counts = editor_client.get(url, {"_facets": "True"}).text
    assert "Untagged (1)" in with_counts and "Person (1)" in with_counts


def test_date_hierarchy_narrows_to_a_year(editor_client):
    make_article(title="Old", published=dt.date(1987, 3, 2))
    make_article(title="New", published=dt.date(2018, 6, 12))
    assert _listed(editor_client.get(reverse(LIST), {"published__year": "1987"})) == ["Old"]


def test_search_goes_through_the_index_and_lists_the_best_match_first(editor_client):
    make_article(title="Weather", body="Rain all week long across the north.")
    passing = make_article(title="Markets", body="Crude oil rose. Traders watched wheat.")
    strong = make_article(title="Oil price surge", body="Oil, oil and more oil: crude oil climbs.")
    indexed_ids()  # apply the outbox

    response = editor_client.get(reverse(LIST), {"q": "oil"})

    assert _listed(response) == [strong.title, passing.title]


def test_search_ranks_an_older_better_match_above_a_newer_weaker_one(editor_client):
    """The best match is the older article with the lower id: newest-first would hide it."""
    strong = make_article(
        title="Oil price surge",
        body="Oil, oil and more oil: crude oil climbs.",
        published=dt.date(1987, 3, 2),
    )
    passing = make_article(
        title="Markets",
        body="Crude oil rose. Traders watched wheat.",
        published=dt.date(2018, 6, 1),
    )
    make_article(title="Weather", body="Rain all week long.", published=dt.date(2019, 1, 1))
    indexed_ids()

    response = editor_client.get(reverse(LIST), {"q": "oil"})

    assert _listed(response) == [strong.title, passing.title]
    # a clicked column still sorts (here: by date, newest first)
    by_date = editor_client.get(reverse(LIST), {"q": "oil", "o": "-3"})
    assert _listed(by_date) == [passing.title, strong.title]


def test_search_finds_words_of_the_body_not_only_titles(editor_client):
    make_article(title="Untitled brief", body="The denuclearization talks resumed in Hanoi.")
    make_article(title="Other", body="Nothing to see.")
    indexed_ids()
    assert _listed(editor_client.get(reverse(LIST), {"q": "Hanoi"})) == ["Untitled brief"]


def test_change_form_has_raw_text_beside_the_body_and_autocomplete_widgets(editor_client):
    article = make_article(body="Clean body text.", raw_text="<p>RAW  body text</p>\n\nSubscribe!")
    page = editor_client.get(reverse("admin:archive_article_change", args=[article.pk])).text
    assert '<pre class="raw-text">&lt;p&gt;RAW  body text&lt;/p&gt;' in page
    assert 'name="body"' in page
    assert 'name="raw_text"' not in page  # read-only
    for field in ("outlet", "tags"):
        assert f'data-field-name="{field}"' in page  # select2 autocomplete
    assert 'data-field-name="author"' in page  # the byline inline


def _form_data(article, **changes) -> dict:
    data = {
        "title": article.title,
        "summary": article.summary,
        "body": article.body,
        "language": article.language,
        "url": article.url or "",
        "source": article.source,
        "external_id": article.external_id,
        "outlet": article.outlet_id or "",
        "tags": [t.pk for t in article.tags.all()],
        "published": "",
        "published_time": "",
        "duplicate_of": "",
        "author_links-TOTAL_FORMS": "0",
        "author_links-INITIAL_FORMS": "0",
        "author_links-MIN_NUM_FORMS": "0",
        "author_links-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    return {**data, **changes}


def test_editing_tags_and_byline_reaches_the_index(editor_client):
    article = make_article(title="Summit", body="Leaders met in Singapore.")
    tag, author = make_tag("Diplomacy"), make_author("Lois Lane")
    url = reverse("admin:archive_article_change", args=[article.pk])
    data = _form_data(
        article,
        tags=[tag.pk],
        **{
            "author_links-TOTAL_FORMS": "1",
            "author_links-0-author": author.pk,
            "author_links-0-position": "0",
        },
    )

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert indexed_ids(tags=(f"topic:{tag.slug}",)) == {article.pk}
    assert indexed_ids(authors=(author.slug,)) == {article.pk}


def test_editing_the_body_updates_word_count_and_fingerprint(editor_client):
    article = make_article(body="Short text.")
    url = reverse("admin:archive_article_change", args=[article.pk])
    new_body = "A longer clean text of seven words."
    assert editor_client.post(url, _form_data(article, body=new_body)).status_code == 302
    article.refresh_from_db()
    assert article.word_count == word_count(new_body)
    assert article.content_hash == content_hash(new_body)
    assert indexed_ids(q="longer") == {article.pk}


def test_a_body_that_another_article_already_has_is_refused(editor_client):
    make_article(title="First", body="Exactly this text.")
    second = make_article(body="Something else.")
    url = reverse("admin:archive_article_change", args=[second.pk])
    response = editor_client.post(url, _form_data(second, body="Exactly this text."))
    assert response.status_code == 200
    assert "has the same text" in response.text


def test_an_article_sharing_its_text_with_a_twin_can_still_be_edited(editor_client):
    """A distinct document with a twin's text keeps a salted hash; saving its form (a
    browser sends the body back with other line ends) must neither refuse it nor unsalt it."""
    make_article(title="Wire", body="Exactly this text.\nTwo lines.")
    copy = make_article(
        title="Copy", body="Exactly this text.\nTwo lines.", external_id="2", content_hash="salted"
    )
    url = reverse("admin:archive_article_change", args=[copy.pk])
    data = _form_data(copy, title="Copy, retitled", body="Exactly this text.\r\nTwo lines.")

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    copy.refresh_from_db()
    assert copy.title == "Copy, retitled"
    assert copy.content_hash != content_hash(copy.body)


def test_titles_and_summaries_are_saved_in_their_normal_form(editor_client):
    article = make_article(title="Summit")
    url = reverse("admin:archive_article_change", args=[article.pk])
    data = _form_data(article, title="Summit\u200b   in  Cafe\u0301", summary="Dek\x07.")

    assert editor_client.post(url, data).status_code == 302

    article.refresh_from_db()
    assert (article.title, article.summary) == ("Summit in Café", "Dek.")


def test_an_article_url_must_be_a_web_address_as_ingest_demands(editor_client):
    article = make_article(title="Summit")
    url = reverse("admin:archive_article_change", args=[article.pk])

    response = editor_client.post(url, _form_data(article, url="ftp://example.org/summit"))

    assert response.status_code == 200
    assert "is not an http(s) address" in response.text
