"""Who reaches the admin: staff only; readers look, editors edit, superusers rebuild."""

import json
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from archive.models import Article, Author, ImportBatch, Outlet, Tag
from tests.admin.helpers import post_action
from tests.factories import make_article, make_author, make_outlet, make_tag


@pytest.fixture
def admin_urls(db):
    article, tag = make_article(), make_tag()
    outlet, author = make_outlet(), make_author()
    urls = [
        reverse("admin:index"),
        reverse("admin:app_list", args=["archive"]),
        reverse("admin:archive_search_index"),
        reverse("admin:archive_importbatch_add"),
        reverse("admin:archive_importbatch_changelist"),
        reverse("admin:autocomplete"),
    ]
    for name, obj in [("article", article), ("tag", tag), ("outlet", outlet), ("author", author)]:
        urls += [
            reverse(f"admin:archive_{name}_changelist"),
            reverse(f"admin:archive_{name}_add"),
            reverse(f"admin:archive_{name}_change", args=[obj.pk]),
            reverse(f"admin:archive_{name}_delete", args=[obj.pk]),
        ]
    return urls


def _sent_to_login(response) -> bool:
    return response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_anonymous_visitor_is_sent_to_login_from_every_admin_page(client, admin_urls):
    for url in admin_urls:
        assert _sent_to_login(client.get(url)), url
    assert _sent_to_login(client.post(reverse("admin:archive_search_index"), {"op": "rebuild"}))


def test_signed_in_non_staff_user_is_sent_to_login_from_every_admin_page(
    client, django_user_model, admin_urls
):
    client.force_login(django_user_model.objects.create_user("visitor", password="pw"))
    for url in admin_urls:
        assert _sent_to_login(client.get(url)), url
    assert _sent_to_login(client.post(reverse("admin:archive_search_index"), {"op": "sync"}))


def test_editor_cannot_rebuild_the_index(editor_client, monkeypatch):
    started = []
    monkeypatch.setattr(
        "archive.admin.index_page.index_rebuild_in_background", lambda: started.append(1)
    )
    url = reverse("admin:archive_search_index")
    page = editor_client.get(url)
    assert "Sync now" in page.text
    assert "Rebuild" not in page.text
    assert editor_client.post(url, {"op": "rebuild"}).status_code == 403
    assert started == []


def test_reader_sees_lists_but_cannot_change_or_sync(reader_client):
    article = make_article(title="Readable story")
    listing = reader_client.get(reverse("admin:archive_article_changelist"))
    assert listing.status_code == 200
    assert "Readable story" in listing.text
    change = reader_client.get(reverse("admin:archive_article_change", args=[article.pk]))
    assert change.status_code == 200
    assert 'name="_save"' not in change.text
    assert reader_client.get(reverse("admin:archive_article_add")).status_code == 403
    assert reader_client.get(reverse("admin:archive_importbatch_add")).status_code == 403
    index_page = reverse("admin:archive_search_index")
    assert "Sync now" not in reader_client.get(index_page).text
    assert reader_client.post(index_page, {"op": "sync"}).status_code == 403


def test_editor_reaches_every_curation_page(editor_client, admin_urls):
    for url in admin_urls:
        if url == reverse("admin:autocomplete"):
            url += "?app_label=archive&model_name=article&field_name=tags&term=a"
        assert editor_client.get(url).status_code in (200, 302), url


def test_groups_from_the_migration_hold_the_agreed_permissions(db):
    from django.contrib.auth.models import Group

    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    readers = set(Group.objects.get(name="Readers").permissions.values_list("codename", flat=True))
    for model in ("article", "tag", "outlet", "author", "importbatch"):
        assert {f"{a}_{model}" for a in ("view", "add", "change", "delete")} <= editors
        assert f"view_{model}" in readers
    assert not any(code.startswith(("add_", "change_", "delete_")) for code in readers)


# The whole matrix: every admin write, for each kind of user. Each case posts what the
# page's form would post and says whether the write happened; a refused write changes
# nothing, whatever page or redirect the admin answers with.


@dataclass
class World:
    """What the writes act on, and spies on the operations that only queue work."""

    article: Article
    other_article: Article
    outlet: Outlet
    other_outlet: Outlet
    author: Author
    other_author: Author
    tag: Tag
    other_tag: Tag
    ruled_tag: Tag
    batch: ImportBatch
    token: Token
    calls: list


@pytest.fixture
def world(db, monkeypatch, django_user_model):
    calls = []

    def spy(name, result):
        def record(*args, **kwargs):
            calls.append(name)
            return result

        return record

    from archive.curation import RecleanReport

    monkeypatch.setattr("archive.curation.articles_reclean", spy("reclean", RecleanReport(1, [])))
    monkeypatch.setattr("archive.curation.articles_reindex", spy("reindex", 1))
    monkeypatch.setattr("archive.admin.index_page.index_sync", spy("sync", 0))
    monkeypatch.setattr("archive.admin.index_page.index_check", spy("check", None))
    monkeypatch.setattr(
        "archive.admin.index_page.index_rebuild_in_background", spy("rebuild", None)
    )
    outlet, tag = make_outlet("Daily"), make_tag("Harbour")
    article = make_article(title="Ship sinks", body="A ship sank near the harbour pier.")
    article.tags.add(tag)
    owner = django_user_model.objects.create_user("api-user", password="pw")
    return World(
        article=article,
        other_article=make_article(title="Second"),
        outlet=outlet,
        other_outlet=make_outlet("Weekly"),
        author=make_author("Ann Lee"),
        other_author=make_author("A. Lee"),
        tag=tag,
        other_tag=make_tag("Port"),
        ruled_tag=make_tag("Pier", match_mode=Tag.MatchMode.ANY, match_pattern="pier"),
        batch=ImportBatch.objects.create(source="old.jsonl", status="done"),
        token=Token.objects.create(user=owner),
        calls=calls,
    )


def _changelist(model):
    return reverse(f"admin:archive_{model}_changelist")


def _exists(obj) -> bool:
    return type(obj).objects.filter(pk=obj.pk).exists()


def _add(model, data):
    return lambda c, w: c.post(reverse(f"admin:archive_{model}_add"), data)


def _change(model, data):
    return lambda c, w: c.post(
        reverse(f"admin:archive_{model}_change", args=[getattr(w, model).pk]), data
    )


def _delete(model):
    return lambda c, w: c.post(
        reverse(f"admin:archive_{model}_delete", args=[getattr(w, model).pk]), {"post": "yes"}
    )


def _action(model, action, *names, **fields):
    return lambda c, w: post_action(
        c, _changelist(model), action, [getattr(w, n) for n in names], **fields
    )


def _index(op):
    return lambda c, w: c.post(reverse("admin:archive_search_index"), {"op": op})


def _apply(c, model, action, objects, **fields):
    """Confirm an action's intermediate page (the "apply" button)."""
    return post_action(c, _changelist(model), action, objects, apply="1", **fields)


def _merge(c, model, target, other):
    return _apply(c, model, f"merge_{model}s", [target, other], target=target.pk)


def _upload(c, w):
    data = json.dumps({"title": "Uploaded", "body": "An uploaded article."}).encode()
    return c.post(
        reverse("admin:archive_importbatch_add"),
        {"files": [SimpleUploadedFile("up.jsonl", data)]},
    )


ARTICLE_FORM = {
    "title": "Renamed",
    "summary": "",
    "body": "A ship sank near the harbour pier, they said.",
    "language": "en",
    "url": "",
    "source": "",
    "external_id": "",
    "author_links-TOTAL_FORMS": "0",
    "author_links-INITIAL_FORMS": "0",
    "author_links-MIN_NUM_FORMS": "0",
    "author_links-MAX_NUM_FORMS": "1000",
}
NEW_ARTICLE = {**ARTICLE_FORM, "title": "Added", "body": "A new article typed in the admin."}
TAG_FORM = {"name": "Renamed", "slug": "renamed", "kind": "topic", "match_mode": "none"}

# name: (the write, whether it happened, who may do it: "view" | "change" | "superuser")
ADMIN_WRITES = {
    "article-add": (
        _add("article", NEW_ARTICLE),
        lambda w: Article.objects.filter(title="Added").exists(),
        "change",
    ),
    "article-change": (
        _change("article", ARTICLE_FORM),
        lambda w: Article.objects.filter(title="Renamed").exists(),
        "change",
    ),
    "article-delete": (_delete("article"), lambda w: not _exists(w.article), "change"),
    "outlet-add": (
        _add("outlet", {"name": "Added", "slug": "added"}),
        lambda w: Outlet.objects.filter(name="Added").exists(),
        "change",
    ),
    "outlet-change": (
        _change("outlet", {"name": "Renamed", "slug": "daily"}),
        lambda w: Outlet.objects.filter(name="Renamed").exists(),
        "change",
    ),
    "outlet-delete": (_delete("outlet"), lambda w: not _exists(w.outlet), "change"),
    "author-add": (
        _add("author", {"name": "Added", "slug": "added"}),
        lambda w: Author.objects.filter(name="Added").exists(),
        "change",
    ),
    "author-change": (
        _change("author", {"name": "Renamed", "slug": "ann-lee"}),
        lambda w: Author.objects.filter(name="Renamed").exists(),
        "change",
    ),
    "author-delete": (_delete("author"), lambda w: not _exists(w.author), "change"),
    "tag-add": (
        _add("tag", {**TAG_FORM, "name": "Added", "slug": "added"}),
        lambda w: Tag.objects.filter(name="Added").exists(),
        "change",
    ),
    "tag-change": (
        _change("tag", TAG_FORM),
        lambda w: Tag.objects.filter(name="Renamed").exists(),
        "change",
    ),
    "tag-delete": (_delete("tag"), lambda w: not _exists(w.tag), "change"),
    "import-upload": (
        _upload,
        lambda w: Article.objects.filter(title="Uploaded").exists(),
        "change",
    ),
    "importbatch-delete": (
        lambda c, w: c.post(
            reverse("admin:archive_importbatch_delete", args=[w.batch.pk]), {"post": "yes"}
        ),
        lambda w: not _exists(w.batch),
        "change",
    ),
    "action-add-tags": (
        lambda c, w: _apply(c, "article", "add_tags", [w.article], tags=[w.other_tag.pk]),
        lambda w: w.article.tags.filter(pk=w.other_tag.pk).exists(),
        "change",
    ),
    "action-remove-tags": (
        lambda c, w: _apply(c, "article", "remove_tags", [w.article], tags=[w.tag.pk]),
        lambda w: not w.article.tags.filter(pk=w.tag.pk).exists(),
        "change",
    ),
    "action-set-outlet": (
        lambda c, w: _apply(c, "article", "set_outlet", [w.article], outlet=w.other_outlet.pk),
        lambda w: Article.objects.filter(pk=w.article.pk, outlet=w.other_outlet).exists(),
        "change",
    ),
    "action-reclean": (
        _action("article", "reclean", "article"),
        lambda w: "reclean" in w.calls,
        "change",
    ),
    "action-reindex": (
        _action("article", "reindex", "article"),
        lambda w: "reindex" in w.calls,
        "change",
    ),
    "action-export": (
        _action("article", "export_jsonl", "article"),
        None,  # judged by the response: a download
        "view",
    ),
    "action-delete-articles": (
        _action("article", "delete_selected", "article", "other_article", post="yes"),
        lambda w: not _exists(w.article),
        "change",
    ),
    "action-merge-outlets": (
        lambda c, w: _merge(c, "outlet", w.outlet, w.other_outlet),
        lambda w: not _exists(w.other_outlet),
        "change",
    ),
    "action-merge-authors": (
        lambda c, w: _merge(c, "author", w.author, w.other_author),
        lambda w: not _exists(w.other_author),
        "change",
    ),
    "action-merge-tags": (
        lambda c, w: _merge(c, "tag", w.tag, w.other_tag),
        lambda w: not _exists(w.other_tag),
        "change",
    ),
    "action-apply-rule": (
        _action("tag", "apply_rule", "ruled_tag", apply="1"),
        lambda w: w.article.tags.filter(pk=w.ruled_tag.pk).exists(),
        "change",
    ),
    "action-delete-outlets": (
        _action("outlet", "delete_selected", "other_outlet", post="yes"),
        lambda w: not _exists(w.other_outlet),
        "change",
    ),
    "action-delete-authors": (
        _action("author", "delete_selected", "author", post="yes"),
        lambda w: not _exists(w.author),
        "change",
    ),
    "action-delete-tags": (
        _action("tag", "delete_selected", "other_tag", post="yes"),
        lambda w: not _exists(w.other_tag),
        "change",
    ),
    "index-sync": (_index("sync"), lambda w: "sync" in w.calls, "change"),
    "index-check": (_index("check"), lambda w: "check" in w.calls, "change"),
    "index-fix": (_index("fix"), lambda w: "check" in w.calls, "change"),
    "index-rebuild": (_index("rebuild"), lambda w: "rebuild" in w.calls, "superuser"),
    "token-revoke": (
        lambda c, w: c.post(
            reverse("admin:authtoken_tokenproxy_delete", args=[w.token.user_id]), {"post": "yes"}
        ),
        lambda w: not _exists(w.token),
        "superuser",
    ),
    "token-revoke-action": (
        lambda c, w: post_action(
            c,
            reverse("admin:authtoken_tokenproxy_changelist"),
            "revoke_tokens",
            [w.token],  # the list selects tokens by key
            post="yes",
        ),
        lambda w: not _exists(w.token),
        "superuser",
    ),
}


ROLE_CAN = {
    "anonymous": set(),
    "reader": {"view"},
    "editor": {"view", "change"},
    "superuser": {"view", "change", "superuser"},
}


def _as(request, role) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


@pytest.mark.parametrize("role", list(ROLE_CAN))
@pytest.mark.parametrize("name", list(ADMIN_WRITES))
def test_admin_write_matrix(request, world, role, name):
    call, happened, needs = ADMIN_WRITES[name]
    allowed = needs in ROLE_CAN[role]

    response = call(_as(request, role), world)

    if name == "action-export":
        is_download = "attachment" in response.get("Content-Disposition", "")
        assert is_download == allowed
        return
    if role == "anonymous":
        assert _sent_to_login(response)
    assert response.status_code < 500
    assert happened(world) == allowed, response.status_code


def test_superuser_revokes_a_token_in_the_admin_and_its_client_gets_401(super_client, editor):
    token = Token.objects.create(user=editor)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/outlets/").status_code == 200
    listing = reverse("admin:authtoken_tokenproxy_changelist")
    assert "Revoke the selected tokens" in super_client.get(listing).text

    response = post_action(super_client, listing, "revoke_tokens", [token])

    assert response.status_code == 302
    assert "Revoked the tokens of editor" in super_client.get(listing).text
    assert api.get("/api/outlets/").status_code == 401


def test_editors_do_not_see_tokens_in_the_admin(editor_client):
    home = editor_client.get(reverse("admin:index")).text

    assert "Tokens" not in home
    assert editor_client.get(reverse("admin:authtoken_tokenproxy_changelist")).status_code == 403
