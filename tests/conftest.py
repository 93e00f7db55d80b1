import os
import shutil

import pytest

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
