"""Clients for the permission matrix, articles in a fresh index, settings that keep tests steady."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import make_article, make_author, make_outlet, make_tag


@pytest.fixture(autouse=True)
def api_settings(settings):
    """Public reads, no anonymous throttling (tests of throttling turn it on)."""
    settings.API_PUBLIC_READS = True
    settings.API_ANON_RATE = ""
    cache.clear()
    yield settings
    cache.clear()


def _group(name: str, actions: tuple[str, ...]) -> Group:
    # The admin helper's migration creates these groups; build them only when absent.
    group, created = Group.objects.get_or_create(name=name)
    if created:
        codenames = [
            f"{action}_{model}"
            for action in actions
            for model in ("article", "outlet", "author", "tag", "importbatch")
        ]
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="archive", codename__in=codenames)
        )
    return group


def _user(django_user_model, name: str, group: Group | None = None, **extra):
    user = django_user_model.objects.create_user(name, f"{name}@example.org", "pw", **extra)
    if group is not None:
        user.groups.add(group)
    return user


@pytest.fixture
def reader(db, django_user_model):
    return _user(django_user_model, "reader", _group("Readers", ("view",)))


@pytest.fixture
def editor(db, django_user_model):
    return _user(
        django_user_model, "editor", _group("Editors", ("view", "add", "change", "delete"))
    )


@pytest.fixture
def admin(db, django_user_model):
    return django_user_model.objects.create_superuser("boss", "boss@example.org", "pw")


@pytest.fixture
def anon() -> APIClient:
    return APIClient()


def token_client(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def as_reader(reader) -> APIClient:
    return token_client(reader)


@pytest.fixture
def as_editor(editor) -> APIClient:
    return token_client(editor)


@pytest.fixture
def as_admin(admin) -> APIClient:
    return token_client(admin)


def index_now() -> None:
    """Apply queued index changes (tests run inside a transaction that never commits)."""
    from search.outbox import outbox_drain

    outbox_drain()


@pytest.fixture
def archive(db):
    """Three indexed articles in two outlets, with tags of several kinds and authors."""
    reuters = make_outlet("Reuters")
    herald = make_outlet("Korea Herald")
    kim = make_tag("Kim Jong-un", kind="person")
    korea = make_tag("North Korea", kind="place")
    oil = make_tag("Crude", kind="topic")
    jane = make_author("Jane Doe")
    first = make_article(
        title="Kim meets envoys on denuclearization",
        body="Kim Jong-un met envoys in Pyongyang to discuss denuclearization talks.",
        outlet=herald,
        published=dt.date(2018, 5, 4),
        language="en",
    )
    first.tags.add(kim, korea)
    first.author_links.create(author=jane, position=0)
    second = make_article(
        title="Denuclearization summit planned",
        body="A summit on denuclearization of the peninsula is planned in Singapore.",
        outlet=reuters,
        published=dt.date(2018, 6, 1),
        language="en",
    )
    second.tags.add(korea)
    third = make_article(
        title="Crude oil prices rise",
        body="Crude oil prices rose sharply as OPEC cut output, traders said.",
        outlet=reuters,
        published=dt.date(1987, 3, 2),
        language="en",
    )
    third.tags.add(oil)
    index_now()
    return {"kim": first, "summit": second, "oil": third, "reuters": reuters, "herald": herald}
