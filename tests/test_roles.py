"""Who may do what: every role × every action, through the views, with guessed ids."""

import pytest
from django.urls import reverse

from claims.models import ClaimStatus, Verdict, VerdictState
from tests.factories import ClaimFactory, SourceFactory, UserFactory, default_rating
from tests.test_workflow import claim_in

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "reviewer", "other_reviewer", "editor", "admin"]


@pytest.fixture
def people(reviewer, other_reviewer, editor):
    return {
        "anonymous": None,
        "reviewer": reviewer,
        "other_reviewer": other_reviewer,
        "editor": editor,
        "admin": UserFactory(username="root", is_staff=True, is_superuser=True, roles=["Admin"]),
    }


def transition(action):
    return lambda claim: reverse(
        "claims:claim_transition", args=[claim.article_id, claim.pk, action]
    )


def claim_url(name):
    return lambda claim: reverse(f"claims:{name}", args=[claim.article_id, claim.pk])


OK, DENIED, LOGIN = "ok", "denied", "login"
EVERYONE_BUT_ANONYMOUS = {"anonymous": LOGIN, "reviewer": OK, "other_reviewer": OK, "editor": OK}
ASSIGNEE_AND_EDITORS = {**EVERYONE_BUT_ANONYMOUS, "other_reviewer": DENIED}
EDITORS_ONLY = {**ASSIGNEE_AND_EDITORS, "reviewer": DENIED}

# action: (claim status, method, url, data, expected per role; admin is always allowed)
MATRIX = {
    "view claim": (
        ClaimStatus.RESEARCHING,
        "get",
        claim_url("claim_detail"),
        {},
        EVERYONE_BUT_ANONYMOUS,
    ),
    "edit claim": (
        ClaimStatus.RESEARCHING,
        "post",
        claim_url("claim_edit"),
        {"statement": "S", "kind": "other", "version": 1},
        ASSIGNEE_AND_EDITORS,
    ),
    "cite source": (
        ClaimStatus.RESEARCHING,
        "post",
        claim_url("citation_create"),
        {"url": "https://news.example/new", "stance": "supports"},
        ASSIGNEE_AND_EDITORS,
    ),
    "draft verdict": (
        ClaimStatus.RESEARCHING,
        "post",
        claim_url("verdict_save"),
        {"rating": "RATING", "reasoning": "R"},
        ASSIGNEE_AND_EDITORS,
    ),
    "comment": (
        ClaimStatus.RESEARCHING,
        "post",
        claim_url("comment_create"),
        {"body": "Hi"},
        EVERYONE_BUT_ANONYMOUS,
    ),
    "release": (ClaimStatus.RESEARCHING, "post", transition("release"), {}, ASSIGNEE_AND_EDITORS),
    "take": (ClaimStatus.ACCEPTED, "post", transition("assign_self"), {}, EVERYONE_BUT_ANONYMOUS),
    "assign": (
        ClaimStatus.ACCEPTED,
        "post",
        transition("assign"),
        {"assignee": "REVIEWER"},
        EDITORS_ONLY,
    ),
    "dismiss": (
        ClaimStatus.ACCEPTED,
        "post",
        transition("dismiss"),
        {"reason": "R", "version": 1},
        EVERYONE_BUT_ANONYMOUS,
    ),
    "approve": (
        ClaimStatus.IN_REVIEW,
        "post",
        transition("approve"),
        {"override_reason": ""},
        EDITORS_ONLY,
    ),
    "send back": (
        ClaimStatus.IN_REVIEW,
        "post",
        transition("send_back"),
        {"note": "Look again"},
        EDITORS_ONLY,
    ),
    "review page": (ClaimStatus.IN_REVIEW, "get", claim_url("claim_review"), {}, EDITORS_ONLY),
}


def outcome(response) -> str:
    if response.status_code == 302 and "/login/" in response.url:
        return LOGIN
    if response.status_code == 403:
        return DENIED
    assert response.status_code in (200, 302), response.status_code
    return OK


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", MATRIX)
def test_permission_matrix(client, people, role, action):
    """Each role may take exactly the actions its row allows, even by direct POST."""
    status, method, make_url, data, expected = MATRIX[action]
    reviewer = people["reviewer"]
    author = None if status == ClaimStatus.RESEARCHING else reviewer
    claim = claim_in(status, assignee=reviewer, author=author)
    if status == ClaimStatus.ACCEPTED:
        claim.assignee = None
        claim.save()
    data = {
        key: (
            default_rating().pk
            if value == "RATING"
            else reviewer.pk
            if value == "REVIEWER"
            else value
        )
        for key, value in data.items()
    }
    if people[role] is not None:
        client.force_login(people[role])
    response = getattr(client, method)(make_url(claim), data)
    assert outcome(response) == expected.get(role, OK), f"{role} {action}"


@pytest.mark.parametrize("role", ROLES)
def test_admin_site_is_for_admins(client, people, role):
    """Only admins reach the library in the Django admin."""
    if people[role] is not None:
        client.force_login(people[role])
    response = client.get(reverse("admin:claims_publisher_changelist"))
    assert (response.status_code == 200) == (role == "admin")


def test_editor_cannot_approve_own_verdict_by_crafted_post(client, editor):
    """An editor's crafted approval of their own verdict is refused and changes nothing."""
    claim = claim_in(ClaimStatus.IN_REVIEW, assignee=editor, author=editor)
    client.force_login(editor)
    response = client.post(transition("approve")(claim), {"override_reason": "mine"})
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW
    assert not Verdict.objects.filter(state=VerdictState.APPROVED).exists()


def test_guessed_ids_of_another_article_are_404(client, reviewer):
    """A claim id under the wrong article is not found, for every action."""
    claim = ClaimFactory()
    other = ClaimFactory()
    client.force_login(reviewer)
    response = client.post(
        reverse("claims:claim_transition", args=[other.article_id, claim.pk, "accept"])
    )
    assert response.status_code == 404
    response = client.post(
        reverse("claims:citation_delete", args=[claim.article_id, claim.pk, 999_999])
    )
    assert response.status_code == 404


def test_unknown_transition_is_404(client, reviewer):
    """An action name that is not a transition is not found."""
    claim = ClaimFactory()
    client.force_login(reviewer)
    response = client.post(
        reverse("claims:claim_transition", args=[claim.article_id, claim.pk, "publish-now"])
    )
    assert response.status_code == 404


def test_users_without_a_role_can_read_but_not_change(client):
    """A logged-in user without a role sees claims but changes nothing."""
    claim = ClaimFactory()
    client.force_login(UserFactory())
    assert client.get(claim.get_absolute_url()).status_code == 200
    response = client.post(
        reverse("claims:claim_edit", args=[claim.article_id, claim.pk]),
        {"statement": "S", "kind": "other", "version": 1},
    )
    assert response.status_code == 403
    assert client.get(reverse("claims:article_create")).status_code == 403


def test_citation_delete_needs_rights(client, reviewer, other_reviewer):
    """Removing a citation from someone else's claim is refused; searching is open."""
    claim = claim_in(ClaimStatus.RESEARCHING, assignee=reviewer, author=reviewer)
    citation = claim.citations.first()
    client.force_login(other_reviewer)
    response = client.post(
        reverse("claims:citation_delete", args=[claim.article_id, claim.pk, citation.pk])
    )
    assert response.status_code == 403
    assert claim.citations.filter(pk=citation.pk).exists()
    SourceFactory(title="Findable")
    response = client.get(
        reverse("claims:source_search", args=[claim.article_id, claim.pk]), {"source_q": "Find"}
    )
    assert b"Findable" in response.content


@pytest.mark.django_db
def test_reviewers_are_the_active_users_who_may_research_each_once():
    """Through a group (even two), by a permission of their own, or as superuser; never an
    inactive user or one without the permission."""
    from django.contrib.auth.models import Group, Permission, User

    from claims.permissions import reviewers

    may = Permission.objects.get(codename="change_claim")
    first, second = Group.objects.create(name="g1"), Group.objects.create(name="g2")
    first.permissions.add(may)
    second.permissions.add(may)
    in_two_groups = User.objects.create(username="a-two-groups")
    in_two_groups.groups.add(first, second)
    direct = User.objects.create(username="b-direct")
    direct.user_permissions.add(may)
    boss = User.objects.create(username="c-boss", is_superuser=True)
    gone = User.objects.create(username="d-gone", is_active=False)
    gone.groups.add(first)
    User.objects.create(username="e-reader")
    names = [user.username for user in reviewers() if user.username[1:2] == "-"]
    assert names == [in_two_groups.username, direct.username, boss.username]
