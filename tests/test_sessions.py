"""The desk's session engine reads a session in one written-out query, as Django's would."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from claims.sessions import SessionStore
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_desk_uses_it():
    assert settings.SESSION_ENGINE == "claims.sessions"


def test_a_session_reads_as_djangos_in_one_query(django_assert_num_queries):
    written = SessionStore()
    written["who"] = "rita"
    written.create()
    with django_assert_num_queries(1):
        assert SessionStore(written.session_key).load() == {"who": "rita"}
    assert DjangoSessionStore(written.session_key).load() == {"who": "rita"}


def test_an_expired_or_unknown_session_reads_as_none():
    written = SessionStore()
    written["who"] = "rita"
    written.create()
    Session.objects.filter(pk=written.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = SessionStore(written.session_key)
    assert expired.load() == {}
    assert expired.session_key is None  # a new one is made if anything is stored
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {}
    assert unknown.session_key is None


def test_logging_in_and_out_through_it(client):
    user = UserFactory(roles=["Reviewer"], password="a-long-passphrase-9")
    client.post(reverse("login"), {"username": user.username, "password": "a-long-passphrase-9"})
    assert client.get(reverse("claims:my_work")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("claims:my_work")).status_code == 302


def test_the_upgrade_keeps_reviewers_logged_in(client):
    """Sessions logged in through Django's model backend (before the desk's replaced it)
    are rewritten to name the desk's, and still log their reviewer in."""
    from importlib import import_module

    from django.apps import apps
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    migration = import_module("claims.migrations.0023_sessions_logged_in_through_the_desk_backend")
    user = UserFactory(roles=["Reviewer"])
    old = DjangoSessionStore()
    old[SESSION_KEY] = str(user.pk)
    old[BACKEND_SESSION_KEY] = migration.DJANGO
    old[HASH_SESSION_KEY] = user.get_session_auth_hash()
    old.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = old.session_key
    assert client.get(reverse("claims:my_work")).status_code == 302  # not before

    assert migration.renamed(apps, migration.DJANGO, migration.DESK) == 1
    assert client.get(reverse("claims:my_work")).status_code == 200
    assert SessionStore(old.session_key).load()[BACKEND_SESSION_KEY] == migration.DESK
    assert migration.renamed(apps, migration.DJANGO, migration.DESK) == 0  # once only
