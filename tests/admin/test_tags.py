"""Tags: editing kind, aliases and rule; counts; merging; applying a rule."""

from django.urls import reverse

from archive.models import Tag
from tests.admin.helpers import indexed_ids, post_action
from tests.factories import make_article, make_tag

LIST = "admin:archive_tag_changelist"


def test_list_shows_kind_aliases_and_article_counts_linked_to_the_articles(editor_client):
    tag = make_tag("Kim Jong-un", kind="person", aliases=["Kim Jong Un"])
    for article in (make_article(), make_article()):
        article.tags.add(tag)
    page = editor_client.get(reverse(LIST)).text
    assert "Kim Jong Un" in page and "Person" in page
    assert f'?tag={tag.pk}">2</a>' in page


def test_kind_aliases_and_rule_are_editable(editor_client):
    tag = make_tag("DPRK")
    url = reverse("admin:archive_tag_change", args=[tag.pk])
    data = {
        "name": "North Korea",
        "slug": "north-korea",
        "kind": "place",
        "aliases": "DPRK\nPyongyang regime\n\nDPRK",
        "match_mode": "phrase",
        "match_pattern": "North Korea",
    }
    assert editor_client.post(url, data).status_code == 302
    tag.refresh_from_db()
    assert (tag.kind, tag.aliases, tag.match_mode) == (
        "place",
        ["DPRK", "Pyongyang regime"],
        "phrase",
    )
    assert "DPRK\nPyongyang regime" in editor_client.get(url).text


def test_a_broken_regular_expression_is_refused(editor_client):
    tag = make_tag("Oil")
    url = reverse("admin:archive_tag_change", args=[tag.pk])
    data = {
        "name": "Oil",
        "slug": "oil",
        "kind": "topic",
        "aliases": "",
        "match_mode": "regex",
        "match_pattern": "crude(",
    }
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "Not a valid regular expression" in response.text


def test_a_regular_expression_that_backtracks_without_end_is_refused_with_the_reason(
    editor_client,
):
    tag = make_tag("Words")
    url = reverse("admin:archive_tag_change", args=[tag.pk])
    data = {"name": "Words", "slug": "words", "kind": "topic", "aliases": ""}
    data.update(match_mode="regex", match_pattern=r"(a+)+$")

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "The pattern takes too long on a test text" in response.text
    assert Tag.objects.get(pk=tag.pk).match_mode == "none"


def test_merge_retags_every_article_keeps_the_names_as_aliases_and_leaves_no_orphan(
    editor_client,
):
    target = make_tag("North Korea", kind="place", aliases=["DPRK"])
    dupe = make_tag("N. Korea", kind="place", aliases=["Nordkorea"])
    other = make_tag("Korea, North", kind="topic")
    a, b, c = make_article(), make_article(), make_article()
    a.tags.add(target)
    b.tags.add(dupe)
    c.tags.add(dupe, other)
    url = reverse(LIST)

    page = post_action(editor_client, url, "merge_tags", [target, dupe, other])
    assert "Merge into" in page.text and 'type="radio"' in page.text
    done = post_action(
        editor_client, url, "merge_tags", [target, dupe, other], apply="1", target=target.pk
    )

    assert done.status_code == 302
    assert list(Tag.objects.all()) == [target]  # the merged tags are gone, no orphan left
    target.refresh_from_db()
    assert target.aliases == ["DPRK", "N. Korea", "Nordkorea", "Korea, North"]
    assert set(target.articles.all()) == {a, b, c}
    assert indexed_ids(tags=("place:north-korea",)) == {a.pk, b.pk, c.pk}
    assert indexed_ids(q="tag:Nordkorea") == {a.pk, b.pk, c.pk}  # the kept alias is indexed


def test_apply_rule_previews_the_count_then_tags_the_archive(editor_client):
    tag = make_tag("Oil", match_mode="any", match_pattern="crude, petroleum")
    matching = [make_article(body="Crude prices rose."), make_article(body="Petroleum exports.")]
    make_article(body="Wheat harvest.")
    already = make_article(body="More crude news.")
    already.tags.add(tag)
    norule = make_tag("Plain")

    preview = post_action(editor_client, reverse(LIST), "apply_rule", [tag, norule])
    rows = preview.context["table"]["rows"]
    assert rows[0][2:] == [3, 2]  # matches, not yet tagged
    assert rows[1][1] == "no rule"
    assert set(tag.articles.all()) == {already}  # nothing applied yet

    post_action(editor_client, reverse(LIST), "apply_rule", [tag, norule], apply="1")

    assert set(tag.articles.all()) == {already, *matching}
    assert indexed_ids(tags=("topic:oil",)) == {already.pk, *(m.pk for m in matching)}


def test_tag_autocomplete_finds_tags_by_name_for_the_article_form(editor_client):
    make_tag("Kim Jong-un", kind="person")
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"term": "kim", "app_label": "archive", "model_name": "article", "field_name": "tags"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Kim Jong-un (person)"]


def test_editor_deletes_a_tag_and_the_index_forgets_it(editor_client):
    tag = make_tag("Obsolete")
    article = make_article()
    article.tags.add(tag)
    assert indexed_ids(q="tag:obsolete") == {article.pk}
    url = reverse("admin:archive_tag_delete", args=[tag.pk])

    assert "Are you sure" in editor_client.get(url).text
    assert editor_client.post(url, {"post": "yes"}).status_code == 302

    assert not Tag.objects.exists()
    assert indexed_ids(q="tag:obsolete") == set()


def test_list_sorts_names_without_regard_to_case(editor_client):
    for name in ("banana", "Cherry", "apple", "Date"):
        make_tag(name)
    listed = [t.name for t in editor_client.get(reverse(LIST)).context["cl"].result_list]
    assert listed == ["apple", "banana", "Cherry", "Date"]


def test_the_tag_list_spells_organisation_as_the_pages_do(editor_client):
    make_tag("United Nations", kind="organization")
    listing = editor_client.get(reverse("admin:archive_tag_changelist")).text
    assert "Organisation" in listing
    assert "Organization" not in listing
