"""Every browser form that writes is refused (403) without its CSRF token and works with it.

The client enforces CSRF as a browser's request would meet it: the token comes from the
form's hidden field on the page that shows the form, as a person's browser gets it.
"""

import json

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from archive.models import Article, ImportBatch, Outlet, Tag
from tests.factories import make_article, make_outlet, make_tag
from tests.web.conftest import index_all

CSRF_FIELD = "csrfmiddlewaretoken"


@pytest.fixture
def boss(db, django_user_model):
    return django_user_model.objects.create_superuser("boss", "boss@example.org", "pw")


@pytest.fixture
def browser(boss) -> Client:
    """A signed-in superuser whose requests are checked for CSRF like a browser's."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(boss)
    return client


def token_from(client: Client, url: str) -> str:
    """The CSRF token in the first POST form of the page at ``url``."""
    page = client.get(url)
    assert page.status_code == 200, url
    doc = lxml.html.fromstring(page.content)
    values = doc.xpath(f"//form[@method='post']//input[@name='{CSRF_FIELD}']/@value")
    assert values, f"no POST form with a CSRF token on {url}"
    return values[0]


def post_both_ways(client, form_url, post_url, data, done, **extra):
    """Post without the token (refused, nothing done), then with it (done)."""
    refused = client.post(post_url, data, **extra)
    assert refused.status_code == 403
    assert b"CSRF" in refused.content
    assert not done()
    token = token_from(client, form_url)
    accepted = client.post(post_url, {**data, CSRF_FIELD: token}, **extra)
    assert accepted.status_code in (200, 302), accepted.status_code
    assert done()


def _select(url, action, objects, **fields):
    data = {"action": action, "index": "0", "_selected_action": [o.pk for o in objects]}
    return url, {**data, **fields}


def test_admin_login_needs_the_token(boss):
    client = Client(enforce_csrf_checks=True)
    url = reverse("admin:login")
    data = {"username": "boss", "password": "pw", "next": reverse("admin:index")}

    post_both_ways(client, url, url, data, done=lambda: "_auth_user_id" in client.session)


def test_admin_logout_needs_the_token(browser):
    url = reverse("admin:logout")

    post_both_ways(
        browser,
        reverse("admin:index"),
        url,
        {},
        done=lambda: "_auth_user_id" not in browser.session,
    )


def test_admin_password_change_needs_the_token(browser, boss):
    url = reverse("admin:password_change")
    data = {
        "old_password": "pw",
        "new_password1": "Ae7!long-pass",
        "new_password2": "Ae7!long-pass",
    }

    def changed():
        boss.refresh_from_db()
        return boss.check_password("Ae7!long-pass")

    post_both_ways(browser, url, url, data, done=changed)


@pytest.mark.parametrize("model", ["outlet", "tag"])
def test_admin_add_form_needs_the_token(browser, model):
    url = reverse(f"admin:archive_{model}_add")
    data = {"name": "Added", "slug": "added", "kind": "topic", "match_mode": "none"}
    models = {"outlet": Outlet, "tag": Tag}

    post_both_ways(browser, url, url, data, done=models[model].objects.filter(name="Added").exists)


def test_admin_change_form_needs_the_token(browser):
    outlet = make_outlet("Daily")
    url = reverse("admin:archive_outlet_change", args=[outlet.pk])

    post_both_ways(
        browser,
        url,
        url,
        {"name": "Renamed", "slug": "daily"},
        done=Outlet.objects.filter(name="Renamed").exists,
    )


def test_admin_delete_confirmation_needs_the_token(browser):
    outlet = make_outlet("Daily")
    url = reverse("admin:archive_outlet_delete", args=[outlet.pk])

    post_both_ways(
        browser,
        url,
        url,
        {"post": "yes"},
        done=lambda: not Outlet.objects.filter(pk=outlet.pk).exists(),
    )


def test_admin_bulk_action_needs_the_token(browser):
    tag, article = make_tag("Harbour"), make_article()
    listing = reverse("admin:archive_article_changelist")
    url, data = _select(listing, "add_tags", [article], apply="1", tags=[tag.pk])

    post_both_ways(browser, listing, url, data, done=article.tags.filter(pk=tag.pk).exists)


def test_merge_confirmation_needs_the_token(browser):
    keep, drop = make_outlet("Daily"), make_outlet("Weekly")
    listing = reverse("admin:archive_outlet_changelist")
    url, data = _select(listing, "merge_outlets", [keep, drop], apply="1", target=keep.pk)

    post_both_ways(
        browser, listing, url, data, done=lambda: not Outlet.objects.filter(pk=drop.pk).exists()
    )


def test_the_merge_page_itself_carries_a_token(browser):
    keep, drop = make_outlet("Daily"), make_outlet("Weekly")
    listing = reverse("admin:archive_outlet_changelist")
    url, data = _select(listing, "merge_outlets", [keep, drop])
    data[CSRF_FIELD] = token_from(browser, listing)

    page = browser.post(url, data)

    assert page.status_code == 200
    doc = lxml.html.fromstring(page.content)
    assert doc.xpath(f"//form[@method='post']//input[@name='{CSRF_FIELD}']/@value")


def test_apply_rule_confirmation_needs_the_token(browser):
    article = make_article(body="A ship sank near the harbour pier.")
    tag = make_tag("Pier", match_mode=Tag.MatchMode.ANY, match_pattern="pier")
    listing = reverse("admin:archive_tag_changelist")
    url, data = _select(listing, "apply_rule", [tag], apply="1")

    post_both_ways(browser, listing, url, data, done=article.tags.filter(pk=tag.pk).exists)


def test_import_upload_needs_the_token(browser):
    url = reverse("admin:archive_importbatch_add")
    line = json.dumps({"title": "Uploaded", "body": "An uploaded article."}).encode()

    refused = browser.post(url, {"files": [SimpleUploadedFile("a.jsonl", line)]})
    assert refused.status_code == 403
    assert not ImportBatch.objects.exists()
    token = token_from(browser, url)
    files = [SimpleUploadedFile("a.jsonl", line)]
    accepted = browser.post(url, {"files": files, CSRF_FIELD: token})
    assert accepted.status_code == 200
    assert Article.objects.filter(title="Uploaded").exists()


@pytest.mark.parametrize("op", ["sync", "check", "fix", "rebuild"])
def test_search_index_buttons_need_the_token(browser, monkeypatch, op):
    calls = []
    for name in ("index_sync", "index_check", "index_rebuild_in_background"):
        monkeypatch.setattr(
            f"archive.admin.index_page.{name}", lambda *a, n=name, **k: calls.append(n) or 0
        )
    url = reverse("admin:archive_search_index")

    post_both_ways(browser, url, url, {"op": op}, done=lambda: bool(calls))


def test_token_revocation_in_the_admin_needs_the_token(browser, django_user_model):
    token = Token.objects.create(user=django_user_model.objects.create_user("api-user"))
    listing = reverse("admin:authtoken_tokenproxy_changelist")
    url, data = _select(listing, "revoke_tokens", [token])

    post_both_ways(
        browser, listing, url, data, done=lambda: not Token.objects.filter(pk=token.pk).exists()
    )


def test_every_admin_post_form_carries_a_token(browser):
    """The pages above and every other admin page with a POST form: none lacks the field."""
    outlet = make_outlet("Daily")
    pages = [
        reverse("admin:index"),
        reverse("admin:archive_article_changelist"),
        reverse("admin:archive_article_add"),
        reverse("admin:archive_outlet_change", args=[outlet.pk]),
        reverse("admin:archive_outlet_delete", args=[outlet.pk]),
        reverse("admin:archive_importbatch_add"),
        reverse("admin:archive_search_index"),
        reverse("admin:password_change"),
        reverse("admin:authtoken_tokenproxy_changelist"),
    ]
    for url in pages:
        doc = lxml.html.fromstring(browser.get(url).content)
        for form in doc.xpath("//form[translate(@method, 'POST', 'post')='post']"):
            assert form.xpath(f".//input[@name='{CSRF_FIELD}']"), url


@pytest.fixture
def seeded_site(db):
    article = make_article(title="Harbour closes", outlet=make_outlet("Daily"))
    article.tags.add(make_tag("Harbour"))
    index_all()
    return article


def test_the_public_site_has_no_post_forms(client, seeded_site):
    """Reading and searching only GET: nothing on the public pages can be forged."""
    article = seeded_site
    pages = [
        "/",
        "/?q=harbour",
        article.get_absolute_url(),
        article.outlet.get_absolute_url(),
        article.tags.get().get_absolute_url(),
        "/no-such-page/",
    ]
    for url in pages:
        doc = lxml.html.fromstring(client.get(url).content)
        methods = {(form.get("method") or "get").lower() for form in doc.iter("form")}
        assert methods == {"get"}, url  # the search box at least, and only GET
