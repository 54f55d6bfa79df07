"""Staff users of each kind, logged-in clients, and helpers to post admin actions."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.test import Client

groups_migration = importlib.import_module("archive.migrations.0050_editor_reader_groups")


@pytest.fixture
def groups(db):
    """The migration's groups (a flushed transactional test database loses them)."""
    groups_migration.create_groups(apps, None)
    return {group.name: group for group in Group.objects.all()}


def _user(django_user_model, name, *, group=None, **extra):
    user = django_user_model.objects.create_user(name, f"{name}@example.org", "pw", **extra)
    if group:
        user.groups.add(group)
    return user


@pytest.fixture
def editor(groups, django_user_model):
    return _user(django_user_model, "editor", group=groups["Editors"], is_staff=True)


@pytest.fixture
def reader(groups, django_user_model):
    return _user(django_user_model, "reader", group=groups["Readers"], is_staff=True)


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("boss", "boss@example.org", "pw")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor_client(editor):
    return _client(editor)


@pytest.fixture
def reader_client(reader):
    return _client(reader)


@pytest.fixture
def super_client(superuser):
    return _client(superuser)
