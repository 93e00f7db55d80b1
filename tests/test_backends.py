"""The login backend reads a user's permissions in one query, and answers as Django's does."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from claims.backends import DeskModelBackend
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def fresh(user):
    """The user as a new request loads it: no permissions cached yet."""
    return get_user_model().objects.get(pk=user.pk)


@pytest.mark.parametrize(
    "roles", [[], ["Reviewer"], ["Editor"], ["Admin"], ["Reviewer", "Editor"]], ids=str
)
@pytest.mark.parametrize(
    "own", [False, True], ids=["groups only", "with a permission of their own"]
)
def test_the_same_permissions_as_djangos_backend_in_one_query(
    roles, own, django_assert_num_queries
):
    user = UserFactory(roles=roles)
    if own:
        user.user_permissions.add(Permission.objects.get(codename="delete_source"))
    expected = ModelBackend().get_all_permissions(fresh(user))
    user = fresh(user)
    with django_assert_num_queries(1):
        assert DeskModelBackend().get_all_permissions(user) == expected
    with django_assert_num_queries(0):  # kept on the user for the rest of the request
        assert user.has_perm("claims.change_claim") == ("claims.change_claim" in expected)
    assert ("claims.delete_source" in expected) == (own or "Admin" in roles)


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
