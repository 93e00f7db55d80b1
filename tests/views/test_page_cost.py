"""What a page costs the database, at 5 and at 5,000 claims: the same number of queries,
and never an article's body copied into the rows of its claims (a body is up to a
megabyte; the panel, "Checked before", My work and the admin's claim list show titles)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Claim, ClaimStatus
from claims.windows import LIST_WINDOW_CLAIMS
from tests.factories import ArticleFactory, ClaimFactory, article_with_claims

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
BODY_COLUMN = '"claims_article"."body"'


def reads_body(sql: str) -> bool:
    """The query copies an article's body into its rows (its length, counted by the
    database, is no copy)."""
    return BODY_COLUMN in sql.replace(f"LENGTH({BODY_COLUMN})", "")


# As pinned in test_panel.py and test_workspace.py: the panel's seven; the workspace's six
# for a reviewer (session, the user with their permissions, the article with its claim
# totals, the rating scale, one query for the text's and the list's windows, the My work
# badge).
PANEL_QUERIES = 7
WORKSPACE_QUERIES = 6
SIZES = [5, 5_000]


@pytest.fixture(params=SIZES, ids=lambda n: f"{n}-claims")
def researched(request, reviewer):
    """A claim being researched by the reviewer, in an article of 5 or 5,000 claims, and
    the same statement in another article (what "Checked before" finds)."""
    article = article_with_claims(request.param)
    claim = Claim.objects.filter(article=article).order_by("start").last()
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.RESEARCHING, assignee=reviewer)
    other = ArticleFactory(body="Elsewhere: " + claim.statement)
    ClaimFactory(article=other, start=11, end=len(other.body), statement=claim.statement)
    claim.refresh_from_db()
    return claim


def queries_of(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_the_panel_never_loads_the_article_body(reviewer_client, researched):
    """The claim panel (htmx) reads no article body, in as many queries at any size."""
    sql = queries_of(reviewer_client, researched.get_absolute_url(), **HX)
    assert len(sql) == PANEL_QUERIES
    assert not [query for query in sql if reads_body(query)]


def test_opening_a_claim_reads_no_current_verdict_with_it(reviewer_client, researched):
    """The panel lists the claim's verdicts: its claim query asks only whether the reviewer
    is to cross-check it blind, not its current verdict as they may see it (three
    subqueries that nothing a GET shows; a change's answer, which puts the list row back,
    reads it)."""
    sql = queries_of(reviewer_client, researched.get_absolute_url(), **HX)
    claim_query = next(query for query in sql if query.startswith('SELECT "claims_claim"'))
    assert "claims_verdict" in claim_query  # whether it is theirs to cross-check
    assert "claims_rating" not in claim_query


def test_checked_before_never_loads_article_bodies(reviewer_client, researched):
    """Checked before shows the other article's title, without reading its body."""
    url = reverse(
        "claims:claim_section",
        args=[researched.article_id, researched.pk, "checked-before"],
    )
    with CaptureQueriesContext(connection) as queries:
        response = reviewer_client.get(url, **HX)
    assert researched.statement in response.content.decode()
    assert not [q for q in queries.captured_queries if reads_body(q["sql"])]


def test_my_work_never_loads_article_bodies(reviewer_client, researched):
    """My work lists the claim under its article's title, without reading the body."""
    with CaptureQueriesContext(connection) as queries:
        response = reviewer_client.get(reverse("claims:my_work"))
    assert researched.statement in response.content.decode()
    assert not [q for q in queries.captured_queries if reads_body(q["sql"])]


def test_admin_claim_list_never_loads_article_bodies(client, admin_user, researched):
    """The admin's claim changelist shows articles by title and counts its rows once."""
    client.force_login(admin_user)
    sql = queries_of(client, reverse("admin:claims_claim_changelist"))
    assert not [query for query in sql if reads_body(query)]
    assert len([query for query in sql if "COUNT(" in query.upper()]) == 1


def test_workspace_queries_are_the_same_at_5_and_5000_claims(
    reviewer_client, researched, django_assert_max_num_queries
):
    """The workspace costs its pinned queries with 5 or 5,000 claims, and its first screen
    is one window of the list and of the text at any size."""
    url = researched.article.get_absolute_url()
    with django_assert_max_num_queries(WORKSPACE_QUERIES):
        response = reviewer_client.get(url)
    count = Claim.objects.filter(article=researched.article_id).count()
    html = response.content.decode()
    assert html.count('class="claim-row') == min(count, LIST_WINDOW_CLAIMS)
    assert len(html) < 120_000


@pytest.mark.parametrize(
    "page", ["public:index", "public:fact_check", "api"], ids=["index", "fact-check", "api"]
)
def test_public_pages_never_load_bodies_or_page_texts(client, page):
    """The public fact-check pages and the API read neither the article's body nor the
    cited source's page text (both up to megabytes)."""
    from claims.models import Source
    from tests.publishing.test_public import published_claim

    claim = published_claim()
    Source.objects.update(page_text="The whole fetched page. " * 1000)
    url = {
        "public:index": reverse("public:index"),
        "public:fact_check": reverse("public:fact_check", args=[claim.pk]),
        "api": "/api/claims",
    }[page]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert claim.statement in response.content.decode()
    sql = [query["sql"] for query in queries.captured_queries]
    assert not [query for query in sql if reads_body(query)]
    assert not [query for query in sql if '"claims_source"."page_text"' in query]
