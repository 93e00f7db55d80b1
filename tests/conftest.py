import pytest

from tests.factories import ArticleFactory, UserFactory


@pytest.fixture
def reviewer(db):
    return UserFactory(username="rita")


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
