"""The read API: its OpenAPI schema validates and the API answers schemathesis's generated
requests without a server error; anonymous callers see published content only, a desk
member's token sees everything; filters, pages and constant queries."""

import datetime

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from claims.models import Claim, ClaimStatus, Desk, Source, Verdict, VerdictState
from claims.publishing import api as api_module
from claims.publishing.api import issue_token, token_user
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    SourceFactory,
    UserFactory,
    article_with_claims,
    default_rating,
)
from tests.publishing.test_public import (
    NOW,
    SECRET,
    claim_review_blocks,
    fact_check_url,
    publish,
    publish_all,
    published_claim,
    unpublished_work,
)

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/openapi.json"


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {issue_token(user)}"}


@pytest.fixture
def desk_work():
    """A published claim next to unpublished work; returns the published claim."""
    return unpublished_work(ArticleFactory())


# The schema and schemathesis ------------------------------------------------------------


def test_openapi_schema_is_served_and_valid(client):
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["components"]["securitySchemes"]["DeskToken"] == {
        "type": "http",
        "scheme": "bearer",
    }
    assert set(schema["paths"]) == {
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/claims",
        "/api/claims/{claim_id}",
        "/api/verdicts",
        "/api/verdicts/{verdict_id}",
        "/api/sources",
        "/api/sources/{source_id}",
    }
    for path in schema["paths"].values():
        # The token is optional: anonymous callers get the public view.
        assert {} in path["get"]["security"]


@pytest.fixture
def wsgi_app():
    """Django's WSGI application inside the test's transaction: like Django's test client,
    keep request signals from closing the test's database connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.mark.parametrize("as_desk", [False, True])
def test_api_conforms_to_its_schema_under_generated_requests(wsgi_app, desk_work, as_desk):
    """Every operation, with generated parameters, answers within its schema and never
    with a server error, for anonymous callers and for a desk member's token."""
    publish_all(article_with_claims(2))
    headers = bearer(UserFactory(roles=["Editor"])) if as_desk else {}
    schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 8
    for operation in operations:

        @settings(
            max_examples=12,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)

        check()


# Anonymous callers ----------------------------------------------------------------------


def test_anonymous_callers_see_only_published_content(client, desk_work):
    published = desk_work
    for url in ("/api/articles", "/api/claims", "/api/verdicts", "/api/sources"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode(), url
    claims = client.get("/api/claims").json()
    assert claims["count"] == 1
    [item] = claims["items"]
    assert item["id"] == published.pk
    assert item["status"] == "published"
    assert item["verdict"]["state"] == "approved"
    verdicts = client.get("/api/verdicts").json()["items"]
    assert {v["state"] for v in verdicts} == {"approved"}
    assert [s["id"] for s in client.get("/api/sources").json()["items"]] == [
        c.source_id for c in published.citations.all()
    ]


def test_anonymous_callers_cannot_reach_unpublished_rows(client, desk_work):
    hidden_claim = Claim.objects.exclude(status=ClaimStatus.PUBLISHED).first()
    hidden_verdict = Verdict.objects.exclude(state=VerdictState.APPROVED).first()
    hidden_source = Source.objects.get(title__startswith=SECRET)
    hidden_article = ArticleFactory()
    ClaimFactory(article=hidden_article)
    for url in (
        f"/api/claims/{hidden_claim.pk}",
        f"/api/verdicts/{hidden_verdict.pk}",
        f"/api/sources/{hidden_source.pk}",
        f"/api/articles/{hidden_article.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "Not Found"}
    for status in ClaimStatus.values:
        if status != ClaimStatus.PUBLISHED:
            assert client.get(f"/api/claims?status={status}").json()["count"] == 0
    assert client.get("/api/verdicts?state=draft").json()["count"] == 0


def test_api_claim_review_is_the_pages(client):
    """One serialiser: the API's ClaimReview equals the page's JSON-LD."""
    claim = published_claim()
    item = client.get(f"/api/claims/{claim.pk}").json()
    [block] = claim_review_blocks(client.get(fact_check_url(claim)).content.decode())
    assert item["claim_review"] == block
    assert item["fact_check_url"] == block["url"]
    assert item["citations"][0]["excerpt"] == "more than a million artillery shells"
    article = client.get(f"/api/articles/{claim.article_id}").json()
    assert article["report_url"] == f"http://testserver/reports/{claim.article_id}/"


@pytest.mark.parametrize("shown", [True, False])
def test_names_follow_the_desk_setting_for_anonymous_callers(client, shown):
    Desk.objects.update_or_create(pk=1, defaults={"show_reviewer_names": shown})
    author, approver = UserFactory(username="rosa"), UserFactory(username="edgar")
    published_claim(author=author, approver=approver)
    [verdict] = client.get("/api/verdicts").json()["items"]
    assert (verdict["author"], verdict["approved_by"]) == (
        ("rosa", "edgar") if shown else (None, None)
    )
    desk_view = client.get("/api/verdicts", headers=bearer(UserFactory(roles=["Reviewer"])))
    assert desk_view.json()["items"][0]["author"] == "rosa"


# Tokens -----------------------------------------------------------------------------------


def test_a_desk_token_sees_everything(client, desk_work):
    headers = bearer(UserFactory(roles=["Reviewer"]))
    claims = client.get("/api/claims", headers=headers).json()
    assert claims["count"] == Claim.objects.count()
    assert {c["status"] for c in claims["items"]} >= {"published", "in_review", "dismissed"}
    drafts = client.get("/api/verdicts?state=submitted", headers=headers).json()
    assert drafts["count"] == 2
    assert SECRET in str(drafts)
    hidden = Claim.objects.get(status=ClaimStatus.IN_REVIEW)
    detail = client.get(f"/api/claims/{hidden.pk}", headers=headers).json()
    assert detail["status"] == "in_review"
    assert detail["claim_review"] is None
    assert detail["fact_check_url"] is None
    assert client.get("/api/sources", headers=headers).json()["count"] == Source.objects.count()


def test_a_bad_token_is_refused(client, monkeypatch):
    user = UserFactory(roles=["Editor"])
    token = issue_token(user)
    assert token_user(token) == user
    for value in ("Bearer nonsense", f"Bearer {token}x", f"Bearer {token[::-1]}"):
        response = client.get("/api/claims", headers={"Authorization": value})
        assert response.status_code == 401, value
    monkeypatch.setattr(api_module, "TOKEN_MAX_AGE", datetime.timedelta(seconds=-1))
    assert client.get("/api/claims", headers=bearer(user)).status_code == 401


def test_a_token_is_revoked_by_a_password_change_or_deactivation(client):
    user = UserFactory(roles=["Editor"])
    headers = bearer(user)
    assert client.get("/api/claims", headers=headers).status_code == 200
    user.set_password("another-long-password")
    user.save()
    assert client.get("/api/claims", headers=headers).status_code == 401
    headers = bearer(user)
    user.is_active = False
    user.save()
    assert client.get("/api/claims", headers=headers).status_code == 401


def test_a_token_without_a_desk_role_is_forbidden(client):
    response = client.get("/api/claims", headers=bearer(UserFactory()))
    assert response.status_code == 403


def test_api_token_command_prints_a_token(capsys):
    user = UserFactory(username="integrator", roles=["Reviewer"])
    call_command("api_token", "integrator")
    token = capsys.readouterr().out.strip()
    assert token_user(token) == user
    with pytest.raises(CommandError, match="No user"):
        call_command("api_token", "nobody")
    UserFactory(username="reader")
    with pytest.raises(CommandError, match="not an active reviewer or editor"):
        call_command("api_token", "reader")


# Filters and pages ------------------------------------------------------------------------


def test_claims_filter_by_status_article_and_dates(client):
    headers = bearer(UserFactory(roles=["Editor"]))
    old = published_claim(at=NOW - datetime.timedelta(days=10))
    new = published_claim(at=NOW)
    researching = ClaimFactory(status=ClaimStatus.RESEARCHING)

    def ids(query, **kwargs):
        return [c["id"] for c in client.get(f"/api/claims?{query}", **kwargs).json()["items"]]

    assert ids("status=researching", headers=headers) == [researching.pk]
    assert ids("status=published") == [old.pk, new.pk]
    assert ids(f"article={new.article_id}") == [new.pk]
    since = (NOW - datetime.timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert ids(f"published_after={since}") == [new.pk]
    assert ids(f"published_before={since}") == [old.pk]
    assert client.get("/api/claims?status=bogus").status_code == 422


def test_verdicts_filter_by_state_and_publication_date(client):
    claim = published_claim(at=NOW - datetime.timedelta(days=5))
    correction = publish(claim, rating="true", at=NOW, correction_note="Revised")
    since = (NOW - datetime.timedelta(days=1)).isoformat().replace("+00:00", "Z")
    items = client.get(f"/api/verdicts?published_after={since}").json()["items"]
    assert [v["id"] for v in items] == [correction.pk]
    assert items[0]["correction_note"] == "Revised"
    everything = client.get(f"/api/verdicts?claim={claim.pk}").json()
    assert everything["count"] == 2


def test_articles_and_sources_filter_by_date(client):
    claim = published_claim()
    CitationFactory(claim=claim, source=SourceFactory(published_on=datetime.date(2023, 11, 2)))
    assert client.get("/api/articles?published_after=2023-11-01").json()["count"] == 1
    assert client.get("/api/articles?published_before=2023-11-01").json()["count"] == 0
    dated = client.get("/api/sources?published_after=2023-11-01").json()["items"]
    assert [s["published_on"] for s in dated] == ["2023-11-02"]
    # A minute from now, not from when the module was imported (a slow run passes minutes).
    later = (timezone.now() + datetime.timedelta(minutes=1)).isoformat().replace("+00:00", "Z")
    assert client.get(f"/api/sources?updated_after={later}").json()["count"] == 0


def test_lists_are_paginated(client):
    publish_all(article_with_claims(7))
    first = client.get("/api/claims?page_size=3").json()
    assert first["count"] == 7
    assert len(first["items"]) == 3
    last = client.get("/api/claims?page_size=3&page=3").json()
    assert len(last["items"]) == 1
    assert {c["id"] for c in first["items"]}.isdisjoint({c["id"] for c in last["items"]})


@pytest.mark.parametrize("count", [1, 30])
def test_api_lists_run_constant_queries(client, django_assert_max_num_queries, count):
    article = article_with_claims(count)
    for claim in publish_all(article):
        publish(claim, rating="true", correction_note="Fixed")
    Desk.current()
    # Each with the public stamp (which carries the desk's settings), then its own.
    limits = {"/api/claims": 6, "/api/verdicts": 3, "/api/articles": 3, "/api/sources": 3}
    for url, limit in limits.items():
        with django_assert_max_num_queries(limit):
            assert client.get(url).json()["count"] >= 1
    editor = UserFactory(roles=["Editor"])
    headers = bearer(editor)
    with django_assert_max_num_queries(6 + 3):  # the token's user and their permissions
        assert client.get("/api/claims", headers=headers).json()["count"] == count


def test_drafts_are_listed_for_the_desk_only(client):
    claim = ClaimFactory(status=ClaimStatus.RESEARCHING)
    Verdict.objects.create(
        claim=claim, rating=default_rating(), author=UserFactory(), reasoning=SECRET
    )
    assert client.get("/api/verdicts").json()["count"] == 0
    desk = client.get("/api/verdicts?state=draft", headers=bearer(UserFactory(roles=["Editor"])))
    assert desk.json()["items"][0]["reasoning"] == SECRET
