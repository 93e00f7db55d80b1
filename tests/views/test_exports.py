"""Editors' exports: an article's claims with statuses, verdicts and citations as CSV and
JSON; desk members only; safe in spreadsheets; constant queries."""

import csv
import io

import pytest
from django.urls import reverse

from claims.models import ClaimStatus, Verdict, VerdictState
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    UserFactory,
    article_with_claims,
    default_rating,
)
from tests.publishing.test_public import SECRET, publish, unpublished_work

pytestmark = pytest.mark.django_db


def csv_url(article) -> str:
    return reverse("public:export_csv", args=[article.pk])


def json_url(article) -> str:
    return reverse("public:export_json", args=[article.pk])


def rows(response) -> list[dict]:
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_anonymous_callers_are_sent_to_log_in(client):
    article = ArticleFactory()
    unpublished_work(article)
    for url in (csv_url(article), json_url(article)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
        assert SECRET not in response.content.decode()


def test_a_user_without_a_desk_role_is_refused(client):
    article = ArticleFactory()
    client.force_login(UserFactory())
    assert client.get(csv_url(article)).status_code == 403
    assert client.get(json_url(article)).status_code == 403


@pytest.mark.parametrize("role", ["Reviewer", "Editor"])
def test_csv_has_every_claim_with_status_verdict_and_citations(client, role):
    client.force_login(UserFactory(roles=[role]))
    article = ArticleFactory()
    published = unpublished_work(article)
    response = client.get(csv_url(article))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="article-{article.pk}-claims.csv"' in response["Content-Disposition"]
    table = rows(response)
    assert len(table) == article.claims.count()
    by_id = {int(row["claim_id"]): row for row in table}
    assert by_id[published.pk]["status"] == "published"
    # The pending correction is the latest verdict.
    assert by_id[published.pk]["verdict_state"] == "submitted"
    assert by_id[published.pk]["verdict_count"] == "2"
    source = published.citations.get().source
    assert by_id[published.pk]["citations"].startswith(f"Supports: {source.url}")
    statuses = {row["status"] for row in table}
    assert statuses == {"published", "in_review", "dismissed", "accepted"}
    dismissed = next(row for row in table if row["status"] == "dismissed")
    assert dismissed["dismissal_reason"] == f"{SECRET} reason"


def test_json_has_every_verdict_and_citation(client, editor):
    client.force_login(editor)
    article = ArticleFactory(title="Blinken in Seoul")
    published = unpublished_work(article)
    response = client.get(json_url(article))
    assert response.status_code == 200
    assert f'filename="article-{article.pk}-claims.json"' in response["Content-Disposition"]
    data = response.json()
    assert data["article"]["title"] == "Blinken in Seoul"
    assert len(data["claims"]) == article.claims.count()
    claim = next(c for c in data["claims"] if c["id"] == published.pk)
    assert [v["state"] for v in claim["verdicts"]] == ["approved", "submitted"]
    assert claim["verdicts"][1]["correction_note"] == f"{SECRET} correction note"
    assert claim["verdicts"][0]["published_at"]
    [citation] = claim["citations"]
    assert citation["stance"] == "supports"
    assert citation["note"] == f"{SECRET} citation note"
    assert citation["source"]["archived_url"].startswith("https://web.archive.org/")


def test_csv_cells_cannot_run_as_formulas(client, reviewer):
    """A claim text starting with =, +, - or @ is kept as text in a spreadsheet."""
    client.force_login(reviewer)
    claim = ClaimFactory(statement='=HYPERLINK("http://evil.example","x")', claimant="@ceo")
    table = rows(client.get(csv_url(claim.article)))
    assert table[0]["statement"] == '\'=HYPERLINK("http://evil.example","x")'
    assert table[0]["claimant"] == "'@ceo"


def test_unknown_article_is_404(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("public:export_csv", args=[999999])).status_code == 404


@pytest.mark.parametrize("count", [1, 30])
def test_exports_run_constant_queries(client, reviewer, django_assert_max_num_queries, count):
    client.force_login(reviewer)
    article = article_with_claims(count)
    for claim in article.claims.all():
        CitationFactory(claim=claim)
        CitationFactory(claim=claim)
        publish(claim)
        Verdict.objects.create(
            claim=claim,
            rating=default_rating("true"),
            author=UserFactory(),
            state=VerdictState.SUBMITTED,
            correction_note="Fix",
        )
    assert article.claims.filter(status=ClaimStatus.PUBLISHED).count() == count
    # Session, user and permissions, then the article, claims, verdicts and citations.
    for url in (csv_url(article), json_url(article)):
        with django_assert_max_num_queries(9):
            assert client.get(url).status_code == 200
