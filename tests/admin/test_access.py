"""Who reaches the admin: staff only; readers look, editors edit, superusers rebuild."""

import pytest
from django.urls import reverse

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
