"""The workspace's first screen kept in the cache under the article's stamps
(claims.models.ArticleStamp, counted by database triggers): a second look reads it from
the cache, and every write to what it lists, by the desk's actions, the admin's or plain
SQL, shows on the next look. Transactional tests: the stamps move as changes commit."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims import editing, workflow
from claims.models import ArticleStamp, Claim, ClaimStatus, Desk, Rating, RatingScale, Verdict
from claims.windows import LIST_WINDOW_CLAIMS
from tests.factories import ArticleFactory, ClaimFactory, article_with_claims, default_rating
from tests.views.test_page_cost import PANEL_QUERIES, WORKSPACE_QUERIES, reads_body

pytestmark = pytest.mark.django_db(transaction=True)


def stamp(article_id: int) -> int:
    row = ArticleStamp.objects.filter(article_id=article_id).first()
    return row.changes if row else 0


def every_article() -> int:
    return stamp(ArticleStamp.EVERY_ARTICLE)


@pytest.fixture
def claim(reviewer):
    return ClaimFactory(article=ArticleFactory(), statement="One million rounds were sent.")


def look(client, claim) -> tuple[str, int]:
    """The workspace as the client sees it, and how many queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(claim.article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def take_and_draft(claim, reviewer) -> None:
    """The reviewer takes the claim and drafts a "False" verdict."""
    workflow.take(claim, by=reviewer)
    editing.save_verdict_draft(
        claim, by=reviewer, rating=default_rating("false"), reasoning="Why.", version=None
    )


def submitted(claim, reviewer) -> None:
    """The reviewer's "False" verdict on the claim, submitted for review."""
    take_and_draft(claim, reviewer)
    workflow.submit_for_review(claim, by=reviewer)


def row_of(page: str, claim) -> str:
    start = page.index(f'id="claim-row-{claim.pk}"')
    return page[start : page.index("</li>", start)]


# The counting itself: each table whose rows the workspace lists.


def test_writes_to_an_articles_claims_move_its_stamp(claim):
    article_id = claim.article_id
    other = ClaimFactory()
    before = stamp(article_id)
    claim.statement = "Changed by save()."
    claim.save()
    assert stamp(article_id) == before + 1
    Claim.objects.filter(pk=claim.pk).update(claimant="The ministry")  # no signal, no save()
    assert stamp(article_id) == before + 2
    ClaimFactory(article=claim.article, start=0, end=7)
    assert stamp(article_id) == before + 3
    with connection.cursor() as cursor:  # not even through Django
        cursor.execute("UPDATE claims_claim SET score = 0.5 WHERE id = %s", [claim.pk])
    assert stamp(article_id) == before + 4
    claim.delete()
    assert stamp(article_id) == before + 5
    assert stamp(other.article_id) == 1  # only its own creation


def test_writes_to_a_claims_verdicts_move_its_articles_stamp(claim, reviewer):
    before = stamp(claim.article_id)
    workflow.take(claim, by=reviewer)
    after_take = stamp(claim.article_id)
    assert after_take > before
    editing.save_verdict_draft(
        claim, by=reviewer, rating=default_rating("false"), reasoning="Why.", version=None
    )
    after_draft = stamp(claim.article_id)
    assert after_draft > after_take
    Verdict.objects.filter(claim=claim).update(reasoning="Changed in bulk.")
    assert stamp(claim.article_id) == after_draft + 1
    Verdict.objects.filter(claim=claim).delete()
    assert stamp(claim.article_id) == after_draft + 2


def test_what_every_article_shows_moves_the_shared_stamp(claim, reviewer):
    before = every_article()
    Rating.objects.filter(pk=default_rating("false").pk).update(label="Wrong")
    assert every_article() == before + 1
    get_user_model().objects.filter(pk=reviewer.pk).update(username="rita2")
    assert every_article() == before + 2
    Desk.objects.update_or_create(pk=1, defaults={"cross_checking": True})
    assert every_article() == before + 3
    # The scale every workspace offers: a rating added, another scale made the default.
    scale = default_rating("false").scale
    Rating.objects.create(scale=scale, label="Lacks evidence", slug="lacks-evidence", order=99)
    assert every_article() == before + 4
    other = RatingScale.objects.create(name="Five steps")
    RatingScale.objects.filter(pk=scale.pk).update(is_default=False)
    RatingScale.objects.filter(pk=other.pk).update(is_default=True)
    assert every_article() == before + 6
    # What no workspace shows moves nothing: a login, the public pages' setting, a scale's
    # description.
    get_user_model().objects.filter(pk=reviewer.pk).update(last_login=timezone.now())
    Desk.objects.filter(pk=1).update(show_reviewer_names=False)
    RatingScale.objects.filter(pk=other.pk).update(description="Our own.")
    assert every_article() == before + 6
    assert stamp(claim.article_id) == 1


# The cache, seen from the workspace.


def test_a_second_look_reads_the_first_screen_from_the_cache(reviewer_client, claim):
    first, first_queries = look(reviewer_client, claim)
    second, second_queries = look(reviewer_client, claim)
    assert same_but_tokens(second) == same_but_tokens(first)
    # The screen's query, the article's body and claim totals (read only to compute a
    # screen) and the rating scale.
    assert second_queries == first_queries - 3


def test_a_rating_added_to_the_scale_shows_in_the_filter_on_the_next_look(reviewer_client, claim):
    look(reviewer_client, claim)
    scale = default_rating("false").scale
    Rating.objects.create(scale=scale, label="Lacks evidence", slug="lacks-evidence", order=99)
    page, _ = look(reviewer_client, claim)
    assert '<option value="lacks-evidence">Lacks evidence</option>' in page


def test_a_kept_first_screen_never_reads_the_article_body(reviewer_client, claim):
    url = claim.article.get_absolute_url()
    reviewer_client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = reviewer_client.get(url)
    assert claim.statement in response.content.decode()
    assert not [query for query in queries.captured_queries if reads_body(query["sql"])]


def test_the_kept_claim_totals_follow_the_claims(reviewer_client, claim):
    """The claim count and the public report's link are kept with the screen: a claim
    added, or one published, shows on the next look."""
    page, _ = look(reviewer_client, claim)
    assert '<span class="count" id="claim-count">1</span>' in page
    assert "Public report" not in page
    ClaimFactory(article=claim.article, start=0, end=3)
    page, _ = look(reviewer_client, claim)
    assert '<span class="count" id="claim-count">2</span>' in page
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.PUBLISHED)
    page, _ = look(reviewer_client, claim)
    assert "Public report" in page


def same_but_tokens(page: str) -> str:
    """The page without what differs on every response: CSRF tokens and script nonces."""
    page = re.sub(r'nonce="[^"]+"', "nonce", page)
    page = re.sub(r'"X-CSRFToken": "[^"]+"', "token", page)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "token", page)


def test_the_desks_actions_show_on_the_next_look(reviewer_client, reviewer, claim):
    look(reviewer_client, claim)
    workflow.take(claim, by=reviewer)
    page, _ = look(reviewer_client, claim)
    assert "assigned to rita" in row_of(page, claim)
    editing.save_verdict_draft(
        claim, by=reviewer, rating=default_rating("false"), reasoning="Why.", version=None
    )
    page, _ = look(reviewer_client, claim)
    assert "Verdict: False (draft)" in row_of(page, claim)


def test_a_write_behind_the_desks_back_shows_on_the_next_look(reviewer_client, claim):
    look(reviewer_client, claim)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE claims_claim SET statement = %s WHERE id = %s", ["Rewritten in SQL.", claim.pk]
        )
    page, _ = look(reviewer_client, claim)
    assert "Rewritten in SQL." in row_of(page, claim)


def test_a_renamed_reviewer_and_a_relabelled_rating_show_on_the_next_look(
    reviewer_client, reviewer, claim
):
    take_and_draft(claim, reviewer)
    look(reviewer_client, claim)
    Rating.objects.filter(pk=default_rating("false").pk).update(label="Wrong")
    get_user_model().objects.filter(pk=reviewer.pk).update(username="rita.k")
    reviewer_client.force_login(get_user_model().objects.get(pk=reviewer.pk))
    page, _ = look(reviewer_client, claim)
    assert "assigned to rita.k" in row_of(page, claim)
    assert "Verdict: Wrong (draft)" in row_of(page, claim)


def test_each_reviewer_sees_their_own_screen(client, reviewer, other_reviewer, claim):
    """With cross-checking on, the reviewer sees the rating they submitted; the one who is to
    cross-check it sees none, even right after the first looked."""
    Desk.objects.update_or_create(pk=1, defaults={"cross_checking": True})
    submitted(claim, reviewer)
    client.force_login(reviewer)
    own, _ = look(client, claim)
    assert "verdict-chip" in row_of(own, claim)
    client.force_login(other_reviewer)
    blind, _ = look(client, claim)
    assert "verdict-chip" not in row_of(blind, claim)


def test_turning_cross_checking_on_shows_on_the_next_look(client, reviewer, other_reviewer, claim):
    submitted(claim, reviewer)
    client.force_login(other_reviewer)
    page, _ = look(client, claim)
    assert "verdict-chip" in row_of(page, claim)
    Desk.objects.update_or_create(pk=1, defaults={"cross_checking": True})
    page, _ = look(client, claim)
    assert "verdict-chip" not in row_of(page, claim)


def query_counts(client, url: str, params: dict, looks: int = 3) -> list[int]:
    counts = []
    for _ in range(looks):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, params).status_code == 200
        counts.append(len(queries))
    return counts


@pytest.mark.parametrize(
    "params",
    [{"status": "accepted"}, {"text": "1"}, {"text": "99999999"}, {"after": "0.0.0"}],
    ids=["filtered", "a text window", "past the last text window", "a list window"],
)
def test_only_the_screen_a_workspace_opens_on_is_kept(reviewer_client, claim, params):
    """A filtered list, or windows asked for by address (the pages without script), are
    computed at each look: the cache holds one screen per article, stamp and reader,
    whatever addresses are asked."""
    url = claim.article.get_absolute_url()
    opening, kept, _ = query_counts(reviewer_client, url, {})  # the rating scale kept too
    assert kept < opening
    first, second, third = query_counts(reviewer_client, url, params)
    assert first == second == third > kept


@pytest.mark.django_db(transaction=False)
def test_inside_a_transaction_nothing_is_kept(reviewer_client, claim):
    """A transaction's changes are not counted until it commits (and may never be): a look
    inside one computes its screen each time."""
    assert connection.in_atomic_block
    _, first = look(reviewer_client, claim)
    _, second = look(reviewer_client, claim)
    assert first == second
    # PostgreSQL counts at the commit, which never comes here; SQLite counted at once.
    assert stamp(claim.article_id) == (0 if connection.vendor == "postgresql" else 1)


@pytest.mark.parametrize("size", [5, 5_000], ids=lambda n: f"{n}-claims")
def test_a_kept_first_screen_costs_two_queries_less_at_any_size(
    reviewer_client, size, django_assert_num_queries
):
    """The pinned workspace queries (test_page_cost) less the screen's and the rating
    scale's, at 5 or 5,000 claims: the session, the user, the article, the My work badge."""
    article = article_with_claims(size)
    url = article.get_absolute_url()
    reviewer_client.get(url)
    with django_assert_num_queries(WORKSPACE_QUERIES - 2):
        response = reviewer_client.get(url)
    assert response.content.decode().count('class="claim-row') == min(size, LIST_WINDOW_CLAIMS)


def test_the_panel_keeps_the_scale_and_offers_a_rating_added_since(
    reviewer_client, reviewer, claim, django_assert_max_num_queries
):
    """The claim panel reads the rating scale once per change to it: a second opening
    costs the pinned queries (test_page_cost) less the scale's, and a rating added since
    is offered."""
    workflow.take(claim, by=reviewer)
    url = claim.get_absolute_url()
    reviewer_client.get(url, HTTP_HX_REQUEST="true")
    with django_assert_max_num_queries(PANEL_QUERIES - 1):
        reviewer_client.get(url, HTTP_HX_REQUEST="true")
    scale = default_rating("false").scale
    Rating.objects.create(scale=scale, label="Lacks evidence", slug="lacks-evidence", order=99)
    html = reviewer_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Lacks evidence" in html


def test_the_kept_scale_is_read_again_after_its_time(reviewer_client, reviewer, claim, monkeypatch):
    """Kept in each process under the stamp, the scale is still read again once
    RATINGS_KEPT_SECONDS have passed, whatever the stamp says (a database restored from a
    backup could count its stamps again from an earlier number)."""
    from claims.views import workspace

    workflow.take(claim, by=reviewer)
    url = claim.get_absolute_url()
    assert ">False<" in reviewer_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    kept_under = every_article()
    # As a restore might leave it: the label changed, the stamp back where it was.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE claims_rating SET label = 'Wrong' WHERE id = %s", [default_rating("false").pk]
        )
        cursor.execute(
            "UPDATE claims_articlestamp SET changes = %s WHERE article_id = %s",
            [kept_under, ArticleStamp.EVERY_ARTICLE],
        )
    assert ">Wrong<" not in reviewer_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    later = workspace.time.monotonic() + workspace.RATINGS_KEPT_SECONDS + 1
    monkeypatch.setattr(workspace.time, "monotonic", lambda: later)
    assert ">Wrong<" in reviewer_client.get(url, HTTP_HX_REQUEST="true").content.decode()
