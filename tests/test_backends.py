"""The login backend reads the request's user with their permissions in one query, and
answers as Django's does."""

import pytest
from django.contrib.auth import get_user, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.test import RequestFactory

from claims.backends import DeskModelBackend
from claims.roles import is_editor, is_reviewer
from claims.sessions import SessionStore
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def fresh(user):
    """The user as a new request loads it: no permissions cached yet."""
    return get_user_model().objects.get(pk=user.pk)


ROLES = [[], ["Reviewer"], ["Editor"], ["Admin"], ["Reviewer", "Editor"]]


@pytest.fixture(
    params=[(roles, own) for roles in ROLES for own in (False, True)],
    ids=lambda p: f"{p[0]}{' with a permission of their own' if p[1] else ''}",
)
def holder(request):
    """A user of each role (none, one, both) with or without a permission of their own,
    and the permissions Django's backend gives them."""
    roles, own = request.param
    user = UserFactory(roles=roles)
    if own:
        user.user_permissions.add(Permission.objects.get(codename="delete_source"))
    expected = ModelBackend().get_all_permissions(fresh(user))
    assert ("claims.delete_source" in expected) == (own or "Admin" in roles)
    return user, expected


def test_the_same_permissions_as_djangos_backend_in_one_query(holder, django_assert_num_queries):
    user, expected = holder
    user = fresh(user)
    with django_assert_num_queries(1):
        assert DeskModelBackend().get_all_permissions(user) == expected
    with django_assert_num_queries(0):  # kept on the user for the rest of the request
        assert user.has_perm("claims.change_claim") == ("claims.change_claim" in expected)


def test_a_superuser_holds_every_permission_and_an_inactive_user_none():
    root = UserFactory(is_superuser=True)
    assert DeskModelBackend().get_all_permissions(
        fresh(root)
    ) == ModelBackend().get_all_permissions(fresh(root))
    assert len(DeskModelBackend().get_all_permissions(fresh(root))) == Permission.objects.count()
    gone = UserFactory(roles=["Editor"], is_active=False)
    assert DeskModelBackend().get_all_permissions(fresh(gone)) == set()
    assert not fresh(gone).has_perm("claims.approve_verdict")


def test_an_object_permission_is_never_granted():
    """As Django's backend: permissions are the model's, never a row's."""
    editor = fresh(UserFactory(roles=["Editor"]))
    assert DeskModelBackend().get_all_permissions(editor, obj=object()) == set()


def test_the_desk_logs_in_with_it(settings):
    assert "claims.backends.DeskModelBackend" in settings.AUTHENTICATION_BACKENDS
    assert "django.contrib.auth.backends.ModelBackend" not in settings.AUTHENTICATION_BACKENDS


def test_a_requests_user_comes_with_their_permissions_in_one_query(
    holder, django_assert_num_queries
):
    user, expected = holder
    with django_assert_num_queries(1):
        loaded = DeskModelBackend().get_user(user.pk)
        assert loaded.get_all_permissions() == expected
        assert loaded.has_perm("claims.change_claim") == ("claims.change_claim" in expected)
    assert (loaded.pk, loaded.username, loaded.password) == (user.pk, user.username, user.password)


def test_no_user_for_an_unknown_or_inactive_id():
    assert DeskModelBackend().get_user(987_654) is None
    gone = UserFactory(roles=["Editor"], is_active=False)
    assert DeskModelBackend().get_user(gone.pk) is None


def test_a_superusers_permissions_are_every_one_read_when_asked():
    root = UserFactory(is_superuser=True)
    loaded = DeskModelBackend().get_user(root.pk)
    assert loaded.has_perm("claims.approve_verdict")  # Django answers without asking
    assert loaded.get_all_permissions() == ModelBackend().get_all_permissions(fresh(root))


def test_a_request_reads_its_user_and_their_roles_in_one_query(client, django_assert_num_queries):
    """As the authentication middleware does: the session, then the user with their
    permissions; asking their roles costs nothing more."""
    client.force_login(UserFactory(roles=["Reviewer"]))
    request = RequestFactory().get("/")
    request.session = SessionStore(client.session.session_key)
    with django_assert_num_queries(2):
        user = get_user(request)
        assert is_reviewer(user)
        assert not is_editor(user)
