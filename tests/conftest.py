import importlib
import os
import shutil

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache

from claims import demo
from claims.models import RatingScale
from claims.views.workspace import forget_kept_ratings
from tests.factories import ArticleFactory, UserFactory


@pytest.fixture
def reviewer(db):
    return UserFactory(username="rita", roles=["Reviewer"])


@pytest.fixture
def other_reviewer(db):
    return UserFactory(username="oscar", roles=["Reviewer"])


@pytest.fixture
def editor(db):
    return UserFactory(username="edna", roles=["Editor"])


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def admin_user(db):
    return UserFactory(username="ada", is_staff=True, is_superuser=True)


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: the public summary and kept pages of an earlier
    test's rolled-back rows must not answer for this one's (nor the rating scale this
    process keeps)."""
    cache.clear()
    forget_kept_ratings()


@pytest.fixture(autouse=True)
def archive_in_tmp(settings, tmp_path_factory):
    """Archived copies of pages go to the test session's temporary folder, never var/."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


@pytest.fixture
def article(db):
    return ArticleFactory()


# Browser tests: Playwright drives Debian's Chromium (its own browser download does not
# work here). Playwright runs an event loop in the test thread, which Django would take
# for async code touching the database; the tests only use the ORM between page steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if CHROMIUM is None:
        pytest.fail("Debian's chromium is not installed: run `make test`, which installs it.")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


# The data the migrations seed: (migration module, function).
SEEDING_MIGRATIONS = [
    ("claims.migrations.0002_default_rating_scale", "create_default_scale"),
    ("claims.migrations.0004_roles", "create_roles"),
    ("claims.migrations.0005_desk_settings_row", "create_desk"),
]


def restore_data_migrations() -> None:
    """Seed again what the data migrations created, if a flush emptied the database.

    A transactional test ends by flushing every table, so the rows the data migrations
    created (the rating scale, the roles, the desk settings) are gone for the next one.
    (`serialized_rollback` does not help here: once Playwright runs its event loop in the
    test thread, Django hands that thread another connection object, one without the
    serialized copy of the database.)
    """
    if RatingScale.objects.exists():
        return
    for module, function in SEEDING_MIGRATIONS:
        getattr(importlib.import_module(module), function)(django_apps, None)


@pytest.fixture(autouse=True)
def data_migrations_rows(request):
    """A database test finds the rows of the data migrations (the rating scale, the roles,
    the desk settings) even after a transactional test's flush emptied the tables."""
    if request.node.get_closest_marker("django_db") is None and not {
        "db",
        "transactional_db",
    } & set(request.fixturenames):
        return
    request.getfixturevalue(
        "transactional_db" if "transactional_db" in request.fixturenames else "db"
    )
    restore_data_migrations()


@pytest.fixture
def demo_desk(transactional_db):
    """The demo desk for browser tests: library, demo accounts; returns the seed article."""
    restore_data_migrations()
    demo.load_demo_library()
    demo.create_demo_accounts()
    return demo.load_seed_article().article
