"""My work and the badge of its link count the same thing: the claims the user is
researching and the verdicts waiting for them (editors: to approve; reviewers, with
cross-checking on: to cross-check), never their own."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim, ClaimStatus, Desk, Verdict, VerdictState
from tests.factories import ArticleFactory, ClaimFactory, UserFactory, default_rating

pytestmark = pytest.mark.django_db

BADGE = re.compile(r'<span class="nav-badge">(\d+)<')


def claim_of(assignee, status) -> Claim:
    claim = ClaimFactory(article=ArticleFactory())
    Claim.objects.filter(pk=claim.pk).update(assignee=assignee, status=status)
    return claim


def submitted(author, *, cross_checked_by=None) -> Verdict:
    return Verdict.objects.create(
        claim=claim_of(author, ClaimStatus.IN_REVIEW),
        rating=default_rating(),
        author=author,
        reasoning="Because.",
        state=VerdictState.SUBMITTED,
        submitted_at=timezone.now(),
        cross_checked_by=cross_checked_by,
        cross_check_rating=default_rating() if cross_checked_by else None,
    )


@pytest.fixture
def desk_at_work():
    """Two reviewers and two editors, each with work of every kind."""
    people = {
        "rita": UserFactory(username="rita", roles=["Reviewer"]),
        "oscar": UserFactory(username="oscar", roles=["Reviewer"]),
        "edna": UserFactory(username="edna", roles=["Editor"]),
        "ed": UserFactory(username="ed", roles=["Editor"]),
    }
    rita, oscar, edna = people["rita"], people["oscar"], people["edna"]
    claim_of(rita, ClaimStatus.RESEARCHING)
    claim_of(rita, ClaimStatus.RESEARCHING)
    claim_of(oscar, ClaimStatus.RESEARCHING)
    claim_of(rita, ClaimStatus.ACCEPTED)  # assigned by hand, not being researched
    claim_of(rita, ClaimStatus.PUBLISHED)
    submitted(rita)  # waits for a cross-check (when on), then for an editor
    submitted(oscar, cross_checked_by=rita)  # cross-checked: waits for an editor
    submitted(edna)  # an editor's own verdict waits for another editor
    returned = submitted(oscar)
    Verdict.objects.filter(pk=returned.pk).update(state=VerdictState.RETURNED)
    return people


def badge(html: str) -> int:
    found = BADGE.search(html)
    return int(found.group(1)) if found else 0


EXPECTED = {
    # (cross-checking, user): (researching, waiting)
    (False, "rita"): (2, 0),
    (False, "oscar"): (1, 0),
    (False, "edna"): (0, 2),
    (False, "ed"): (0, 3),
    (True, "rita"): (2, 1),  # edna's verdict to cross-check
    (True, "oscar"): (1, 2),  # rita's and edna's
    (True, "edna"): (0, 1),  # oscar's, cross-checked
    (True, "ed"): (0, 1),
}


@pytest.mark.parametrize(("cross_checking", "name"), list(EXPECTED))
def test_the_badge_counts_what_my_work_lists(
    client, desk_at_work, cross_checking, name, django_assert_max_num_queries
):
    Desk.objects.update_or_create(pk=1, defaults={"cross_checking": cross_checking})
    client.force_login(desk_at_work[name])
    with django_assert_max_num_queries(10):
        response = client.get(reverse("claims:my_work"))
    researching = response.context["by_status"].get("Researching", [])
    waiting = response.context["waiting"]
    assert (len(researching), len(waiting)) == EXPECTED[cross_checking, name]
    html = response.content.decode()
    assert badge(html) == len(researching) + len(waiting)
    assert f'Waiting for my review <span class="count">{len(waiting)}</span>' in html
    # Every other page shows the same badge.
    other = client.get(reverse("claims:article_list")).content.decode()
    assert badge(other) == badge(html)


def test_my_work_never_lists_ones_own_verdict(client, desk_at_work):
    edna = desk_at_work["edna"]
    client.force_login(edna)
    waiting = client.get(reverse("claims:my_work")).context["waiting"]
    assert waiting
    assert all(verdict.author_id != edna.pk for verdict in waiting)


@pytest.mark.parametrize("cross_checking", [False, True], ids=["cross-checking off", "on"])
def test_the_badge_is_the_lists_count_for_every_kind_of_user(
    desk_at_work, cross_checking, django_assert_num_queries
):
    """The badge's statement, written out, counts what the querysets of My work list, for
    each role and none, both roles, an admin and a superuser, in one query (the user's
    permissions are read with the user)."""
    from claims.context_processors import work_count

    Desk.objects.update_or_create(pk=1, defaults={"cross_checking": cross_checking})
    people = [
        *desk_at_work.values(),
        UserFactory(username="both", roles=["Reviewer", "Editor"]),
        UserFactory(username="nobody"),
        UserFactory(username="admin", roles=["Admin"], is_staff=True),
        UserFactory(username="root", is_superuser=True, is_staff=True),
    ]
    submitted(people[-2])  # verdicts by the newcomers wait for others
    submitted(people[-4])
    claim_of(people[-1], ClaimStatus.RESEARCHING)
    claim_of(people[-3], ClaimStatus.RESEARCHING)
    for user in people:
        listed = Claim.objects.researched_by(user).count() + Verdict.objects.awaiting(user).count()
        user.get_all_permissions()
        with django_assert_num_queries(1):
            assert work_count(user) == listed, user.username


def test_my_work_is_bounded_and_pages_through_a_status(
    reviewer_client, reviewer, django_assert_max_num_queries, monkeypatch
):
    """With 130 claims researched, My work lists the 50 most recently changed, says how
    many there are, and "Show all" pages through every one of them exactly once."""
    from claims.models import Claim, ClaimStatus
    from claims.views.review import MY_WORK_SHOWN

    monkeypatch.setattr("claims.views.review.MY_WORK_PAGE", 40)
    from tests.factories import article_with_claims

    article = article_with_claims(130)
    Claim.objects.filter(article=article).update(status=ClaimStatus.RESEARCHING, assignee=reviewer)
    with django_assert_max_num_queries(10):
        response = reviewer_client.get(reverse("claims:my_work"))
    html = response.content.decode()
    assert len(response.context["by_status"]["Researching"]) == MY_WORK_SHOWN
    assert 'Researching <span class="count">130</span>' in html
    assert "?status=researching" in html
    seen, page = [], 1
    while True:
        response = reviewer_client.get(
            reverse("claims:my_work"), {"status": "researching", "page": page}
        )
        seen += [claim.pk for claim in response.context["by_status"]["Researching"]]
        if not response.context["page"].has_next():
            break
        page += 1
    assert page == 4
    assert sorted(seen) == sorted(
        Claim.objects.filter(article=article).values_list("pk", flat=True)
    )


def test_my_work_ignores_an_unknown_status(reviewer_client):
    response = reviewer_client.get(reverse("claims:my_work"), {"status": "<script>", "page": "x"})
    assert response.status_code == 200
    assert response.context["page"] is None


@pytest.mark.django_db
def test_postgresql_reads_the_waiting_queue_in_order_from_its_index(editor):
    """The verdicts waiting for approval are read oldest first from the partial index on
    submitted verdicts (migration 0019), not by sorting every submitted verdict."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    with CaptureQueriesContext(connection) as queries:
        list(Verdict.objects.awaiting(editor).order_by("submitted_at")[:51])
    sql = queries.captured_queries[-1]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "verdict_submitted_queue" in plan
