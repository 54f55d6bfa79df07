"""HTML and JavaScript in the data are shown as text on every admin page, never run."""

import json

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.authtoken.models import Token

from archive.models import Article, Outlet
from search.outbox import outbox_drain
from tests.admin.helpers import post_action
from tests.hostile import ATTRIBUTE, JS_URL, PAYLOAD, SCRIPT, hostile_archive, injected

MODELS = ["article", "outlet", "author", "tag", "importbatch"]


@pytest.fixture
def hostile(db):
    data = hostile_archive()
    outbox_drain()
    return data


def inert(response, status: int = 200) -> str:
    assert response.status_code == status, response.get("Location")
    html = response.content.decode()
    assert injected(html) == []
    return html


def shown(html: str) -> str:
    return lxml.html.fromstring(html).text_content()


def obj_for(hostile, model):
    return hostile["batch" if model == "importbatch" else model]


@pytest.mark.parametrize("model", MODELS)
def test_changelists_show_hostile_data_as_text(super_client, hostile, model):
    html = inert(super_client.get(reverse(f"admin:archive_{model}_changelist")))

    assert "<script data-xss>" in shown(html)


@pytest.mark.parametrize("model", MODELS)
def test_changelist_search_and_filters_echo_text(super_client, hostile, model):
    url = reverse(f"admin:archive_{model}_changelist")

    response = super_client.get(url, {"q": PAYLOAD, "o": SCRIPT, "p": ATTRIBUTE})

    assert response.status_code in (200, 302)
    assert injected(response.content.decode()) == []


def test_article_list_filters_by_hostile_tag_and_author(super_client, hostile):
    url = reverse("admin:archive_article_changelist")
    params = {"tag": hostile["tag"].pk, "author": hostile["author"].pk, "q": "hostile"}

    html = inert(super_client.get(url, params))

    assert hostile["tag"].name in shown(html)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_object_pages_show_hostile_data_as_text(super_client, hostile, model, view):
    obj = obj_for(hostile, model)

    html = inert(super_client.get(reverse(f"admin:archive_{model}_{view}", args=[obj.pk])))

    assert "<script data-xss>" in shown(html)


@pytest.mark.parametrize("model", ["article", "outlet", "author", "tag"])
def test_add_forms_render(super_client, hostile, model):
    inert(super_client.get(reverse(f"admin:archive_{model}_add")))


def test_article_form_keeps_textarea_content_inside_the_textarea(super_client, hostile):
    article = hostile["article"]
    html = inert(super_client.get(reverse("admin:archive_article_change", args=[article.pk])))

    doc = lxml.html.fromstring(html)
    assert doc.xpath("//textarea[@name='body']")[0].text_content().strip() == article.body
    assert doc.xpath("string(//pre[@class='raw-text'])") == article.raw_text
    assert doc.xpath("//input[@name='title']/@value") == [article.title]
    assert JS_URL not in doc.xpath("//a/@href")  # the url field shows no "Currently:" link


def test_outlet_form_shows_a_javascript_homepage_without_a_link(super_client, hostile):
    url = reverse("admin:archive_outlet_change", args=[hostile["outlet"].pk])
    html = inert(super_client.get(url))

    assert lxml.html.fromstring(html).xpath("//input[@name='homepage']/@value") == [JS_URL]


def test_tag_form_shows_aliases_and_rule_as_text(super_client, hostile):
    tag = hostile["tag"]
    html = inert(super_client.get(reverse("admin:archive_tag_change", args=[tag.pk])))

    doc = lxml.html.fromstring(html)
    assert doc.xpath("string(//textarea[@name='aliases'])").strip().splitlines() == tag.aliases
    assert doc.xpath("string(//textarea[@name='match_pattern'])").strip() == tag.match_pattern


@pytest.mark.parametrize(
    ("model", "action", "objects"),
    [
        ("outlet", "merge_outlets", ["outlet"]),
        ("author", "merge_authors", ["author"]),
        ("tag", "merge_tags", ["tag", "broken_rule"]),
        ("tag", "apply_rule", ["tag", "broken_rule"]),
        ("article", "add_tags", ["article", "twin"]),
        ("article", "remove_tags", ["article"]),
        ("article", "set_outlet", ["article"]),
        ("outlet", "delete_selected", ["outlet"]),
        ("article", "delete_selected", ["article", "twin"]),
    ],
)
def test_intermediate_pages_show_names_as_text(super_client, hostile, model, action, objects):
    url = reverse(f"admin:archive_{model}_changelist")

    chosen = [hostile[o] for o in objects]
    if action.startswith("merge_") and len(chosen) == 1:  # one alone is nothing to merge
        chosen.append(type(chosen[0]).objects.create(name="Plain"))
    html = inert(post_action(super_client, url, action, chosen))

    assert "<script data-xss>" in shown(html)


def test_apply_rule_page_quotes_an_invalid_pattern_as_text(super_client, hostile):
    url = reverse("admin:archive_tag_changelist")

    html = inert(post_action(super_client, url, "apply_rule", [hostile["broken_rule"]]))

    assert "invalid rule" in shown(html)


def test_merge_report_message_is_text(super_client, hostile):
    other = Outlet.objects.create(name=f"Other {ATTRIBUTE}")
    url = reverse("admin:archive_outlet_changelist")
    objects = [hostile["outlet"], other]

    response = post_action(
        super_client, url, "merge_outlets", objects, apply="1", target=hostile["outlet"].pk
    )
    html = inert(
        super_client.get(response["Location"]) if response.status_code == 302 else response
    )

    assert "Merged into Outlet hostile <script data-xss>" in shown(html)


def test_import_page_reports_hostile_names_and_reasons_as_text(super_client, hostile):
    # Django keeps only the part after the last "/" of an uploaded file's name.
    name = 'evil"><img data-xss src=x onerror=alert(1)>.jsonl'
    lines = [
        {"title": f"Imported {PAYLOAD}", "body": f"Imported body {PAYLOAD}"},
        {"title": "Linked", "body": "A body with a hostile link.", "url": JS_URL},
        {"title": SCRIPT, "body": ""},  # fails: its reason is shown
        "not json <script data-xss>alert(1)</script>",
    ]
    data = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines).encode()
    files = [
        SimpleUploadedFile(name, data),
        SimpleUploadedFile("<svg data-xss onload=alert(1)>.exe", b"\x00"),
    ]

    response = super_client.post(
        reverse("admin:archive_importbatch_add"), {"files": files, "outlet": f"Wire {SCRIPT}"}
    )

    html = inert(response)
    assert "<img data-xss" in shown(html)  # the file name, as text
    assert "<svg data-xss" in shown(html)
    assert Article.objects.filter(title__startswith="Imported").exists()
    batches = inert(super_client.get(reverse("admin:archive_importbatch_changelist")))
    assert "<script data-xss>" in shown(batches)


def test_import_page_renders(super_client, hostile):
    inert(super_client.get(reverse("admin:archive_importbatch_add")))


def test_search_index_page_shows_an_engine_error_as_text(super_client, hostile, monkeypatch):
    def broken():
        raise RuntimeError(f"index says {SCRIPT}")

    monkeypatch.setattr("archive.admin.index_page.index_stats", broken)

    html = inert(super_client.get(reverse("admin:archive_search_index")))

    assert f"RuntimeError: index says {SCRIPT}" in shown(html)


def test_search_index_messages_are_text(super_client, hostile, monkeypatch):
    def broken():
        raise RuntimeError(SCRIPT)

    monkeypatch.setattr("archive.admin.index_page.index_sync", broken)
    url = reverse("admin:archive_search_index")

    html = inert(super_client.post(url, {"op": "sync"}, follow=True))
    assert f"The sync failed: RuntimeError: {SCRIPT}" in shown(html)
    html = inert(super_client.post(url, {"op": SCRIPT}, follow=True))
    assert "Unknown operation" in shown(html)


def test_admin_home_and_app_index_render(super_client, hostile):
    inert(super_client.get(reverse("admin:index")))
    inert(super_client.get(reverse("admin:app_list", args=["archive"])))


def test_autocomplete_answers_json(super_client, hostile):
    response = super_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "archive", "model_name": "article", "field_name": "tags", "term": "tag"},
    )

    assert response["Content-Type"] == "application/json"
    texts = [r["text"] for r in response.json()["results"]]
    assert any(SCRIPT in text for text in texts)


def test_token_admin_escapes_user_names(super_client, django_user_model, hostile):
    user = django_user_model.objects.create_user(f"u{SCRIPT}"[:150], password="pw")
    token = Token.objects.create(user=user)

    inert(super_client.get(reverse("admin:authtoken_tokenproxy_changelist")))
    # The token admin addresses a token by its user's id.
    inert(super_client.get(reverse("admin:authtoken_tokenproxy_delete", args=[user.pk])))
    assert Token.objects.filter(pk=token.pk).exists()
    for url in (
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_change", args=[user.pk]),
        reverse("admin:auth_group_changelist"),
    ):
        inert(super_client.get(url))
