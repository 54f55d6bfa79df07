"""Bulk actions on selected articles: an intermediate page first, then the change."""

import json

from django.contrib.messages import get_messages
from django.urls import reverse

from archive.models import Article, Tag
from tests.admin.helpers import indexed_ids, post_action
from tests.factories import make_article, make_outlet, make_tag

LIST = "admin:archive_article_changelist"


def test_add_tags_shows_a_form_first_then_tags_every_selected_article(editor_client):
    a, b, other = make_article(), make_article(), make_article()
    tag = make_tag("Sanctions")
    url = reverse(LIST)

    page = post_action(editor_client, url, "add_tags", [a, b])
    assert page.status_code == 200
    assert "Add tags" in page.text and "2 articles selected" in page.text
    assert 'data-field-name="tags"' in page.text

    done = post_action(editor_client, url, "add_tags", [a, b], apply="1", tags=[tag.pk])
    assert done.status_code == 302
    assert set(tag.articles.values_list("pk", flat=True)) == {a.pk, b.pk}
    assert indexed_ids(tags=("topic:sanctions",)) == {a.pk, b.pk}
    assert other.pk not in indexed_ids(tags=("topic:sanctions",))


def _messages(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def test_add_tags_creates_a_new_tag_of_the_kind_given_and_the_index_follows(editor_client):
    a, b = make_article(), make_article()
    page = post_action(editor_client, reverse(LIST), "add_tags", [a, b])
    assert 'name="new_name"' in page.text and 'name="new_kind"' in page.text

    done = post_action(
        editor_client,
        reverse(LIST),
        "add_tags",
        [a, b],
        apply="1",
        new_name="Kim Yo-jong",
        new_kind="person",
    )

    tag = Tag.objects.get(name="Kim Yo-jong")
    assert tag.kind == "person"
    assert set(tag.articles.values_list("pk", flat=True)) == {a.pk, b.pk}
    assert indexed_ids(tags=("person:kim-yo-jong",)) == {a.pk, b.pk}
    assert _messages(done) == [
        (
            "success",
            "Created the tag Kim Yo-jong (person). Kim Yo-jong (person): added to 2 articles.",
        )
    ]


def test_add_tags_with_a_name_that_exists_reuses_that_tag(editor_client):
    oil = make_tag("Oil")
    a = make_article()
    post_action(
        editor_client, reverse(LIST), "add_tags", [a], apply="1", new_name="oil", new_kind="topic"
    )
    assert Tag.objects.filter(kind="topic").count() == 1
    assert list(oil.articles.all()) == [a]


def test_add_tags_says_honestly_when_the_articles_already_had_it(editor_client):
    tag = make_tag("Sanctions")
    a, b, c = make_article(), make_article(), make_article()
    a.tags.add(tag)
    b.tags.add(tag)

    some = post_action(
        editor_client, reverse(LIST), "add_tags", [a, b, c], apply="1", tags=[tag.pk]
    )
    editor_client.get(reverse(LIST))  # shows (and so consumes) the first message
    none = post_action(editor_client, reverse(LIST), "add_tags", [a, b], apply="1", tags=[tag.pk])

    assert _messages(some) == [
        ("success", "Sanctions (topic): added to 1 article, 2 already had it.")
    ]
    assert _messages(none) == [
        ("warning", "Sanctions (topic): added to 0 articles, 2 already had it.")
    ]


def test_add_tags_needs_a_tag_or_a_new_name(editor_client):
    a = make_article()
    page = post_action(editor_client, reverse(LIST), "add_tags", [a], apply="1")
    assert page.status_code == 200
    assert "Choose tags or name a new one." in page.text


def test_add_tags_across_all_filtered_results(editor_client):
    outlet = make_outlet("Planet")
    a, b = make_article(outlet=outlet), make_article(outlet=outlet)
    make_article()
    tag = make_tag("Local")
    url = reverse(LIST) + f"?outlet__id__exact={outlet.pk}"
    data = {"action": "add_tags", "index": "0", "select_across": "1", "_selected_action": [a.pk]}
    page = editor_client.post(url, data)
    assert 'name="select_across" value="1"' in page.text
    editor_client.post(url, {**data, "apply": "1", "tags": [tag.pk]})
    assert set(tag.articles.values_list("pk", flat=True)) == {a.pk, b.pk}


def test_remove_tags_takes_them_off_and_out_of_the_index(editor_client):
    tag = make_tag("Oil")
    a, b = make_article(), make_article()
    a.tags.add(tag)
    b.tags.add(tag)
    assert indexed_ids(tags=("topic:oil",)) == {a.pk, b.pk}

    post_action(editor_client, reverse(LIST), "remove_tags", [a], apply="1", tags=[tag.pk])

    assert list(tag.articles.all()) == [b]
    assert indexed_ids(tags=("topic:oil",)) == {b.pk}


def test_set_outlet_moves_the_selection_and_the_index_follows(editor_client):
    planet = make_outlet("Daily Planet")
    a, b = make_article(), make_article()
    page = post_action(editor_client, reverse(LIST), "set_outlet", [a, b])
    assert "Set outlet" in page.text

    post_action(editor_client, reverse(LIST), "set_outlet", [a, b], apply="1", outlet=planet.pk)

    assert set(planet.articles.all()) == {a, b}
    assert indexed_ids(outlets=("daily-planet",)) == {a.pk, b.pk}


def test_an_invalid_choice_shows_the_form_again(editor_client):
    a = make_article()
    page = post_action(editor_client, reverse(LIST), "add_tags", [a], apply="1", tags=[9999])
    assert page.status_code == 200
    assert "errorlist" in page.text


def test_reclean_rebuilds_the_body_from_the_raw_text(editor_client):
    raw = "Storm hits coast\n\nHeavy   rain   fell on the coast overnight.\n"
    article = make_article(title="Storm hits coast", body="garbled", raw_text=raw, source="a.txt")
    bare = make_article(title="No raw text", raw_text="")

    response = post_action(editor_client, reverse(LIST), "reclean", [article, bare])

    assert response.status_code == 302
    article.refresh_from_db()
    assert "Heavy rain fell on the coast overnight." in article.body
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert "Cleaned 1 articles again." in messages
    assert any("No raw text" in m for m in messages)


def test_reindex_puts_the_selection_back_in_the_index(editor_client):
    from search.service import get_backend

    article = make_article(title="Lost in the index", body="Volcano erupts.")
    indexed_ids()
    get_backend().delete([article.pk])
    assert indexed_ids(q="volcano") == set()

    post_action(editor_client, reverse(LIST), "reindex", [article])

    assert indexed_ids(q="volcano") == {article.pk}


def test_export_downloads_one_json_line_per_article(editor_client):
    a, b = make_article(title="First"), make_article(title="Second")
    response = post_action(editor_client, reverse(LIST), "export_jsonl", [a, b])
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert sorted(json.loads(line)["title"] for line in lines) == ["First", "Second"]


def test_delete_asks_for_confirmation_then_removes_from_database_and_index(editor_client):
    doomed = make_article(title="Doomed", body="Ephemeral words.")
    assert indexed_ids(q="ephemeral") == {doomed.pk}

    confirm = post_action(editor_client, reverse(LIST), "delete_selected", [doomed])
    assert "Are you sure" in confirm.text
    post_action(editor_client, reverse(LIST), "delete_selected", [doomed], post="yes")

    assert not Article.objects.filter(pk=doomed.pk).exists()
    assert indexed_ids(q="ephemeral") == set()


def test_reader_has_no_changing_actions(reader_client):
    make_article()
    actions = reader_client.get(reverse(LIST)).context["action_form"].fields["action"].choices
    names = {name for name, _ in actions}
    assert "export_jsonl" in names
    assert not names & {"add_tags", "remove_tags", "set_outlet", "reclean", "reindex"}
