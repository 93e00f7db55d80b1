"""The reviewer workspace's actions, through the views: success, bad input, conflicts,
permissions, with and without htmx."""

import pytest
from django.test import Client
from django.urls import reverse

from claims.models import Citation, Claim, ClaimStatus, Comment, Source, Verdict
from claims.windows import LIST_WINDOW_CLAIMS
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    SourceFactory,
    UserFactory,
    article_with_claims,
    default_rating,
    listed_claims,
)

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
BODY = "Seoul said Pyongyang sent one million shells to Moscow, and Hamas used its rockets."
# session, user, claim, verdicts, desk, perms (2), ratings, citations, comments; the
# history and "checked before" load when opened (they were 6 more queries here).
PANEL_QUERIES = 7  # as test_panel.py pins it
WORKSPACE_QUERIES = 6  # as test_page_cost.py pins it


@pytest.fixture
def claim():
    article = ArticleFactory(body=BODY)
    return ClaimFactory(article=article, start=11, end=len(BODY) - 1, statement="Original")


def url(name, claim, *extra):
    """The URL of a claim action; "do:<transition>" names a workflow transition."""
    if name.startswith("do:"):
        return reverse("claims:claim_transition", args=[claim.article_id, claim.pk, name[3:]])
    return reverse(f"claims:{name}", args=[claim.article_id, claim.pk, *extra])


def is_section(response, name):
    """The response is the panel's `name` section (to replace the old one), not a page."""
    html = response.content.decode()
    return "<html" not in html and html.lstrip().startswith(
        f'<div class="section-body" id="claim-{name}-body">'
    )


# Viewing ------------------------------------------------------------------------------


@pytest.mark.parametrize("citations", [1, 100])
def test_claim_panel_queries_do_not_grow_with_citations(
    reviewer_client, claim, django_assert_max_num_queries, citations
):
    """The claim panel costs the same queries with 1 or 100 citations."""
    for _ in range(citations):
        CitationFactory(claim=claim)
    with django_assert_max_num_queries(PANEL_QUERIES):
        response = reviewer_client.get(claim.get_absolute_url(), **HX)
    assert response.content.decode().count('class="citation stance-') == citations


@pytest.mark.parametrize("count", [5, 500])
def test_workspace_queries_do_not_grow_with_claims(
    reviewer_client, django_assert_max_num_queries, count
):
    """The workspace costs the same queries with 5 or 500 claims, filtered or not (one
    more, filtered: how many claims match)."""
    article = article_with_claims(count)
    with django_assert_max_num_queries(WORKSPACE_QUERIES):
        response = reviewer_client.get(article.get_absolute_url())
    assert response.content.decode().count('class="claim-row') == min(count, LIST_WINDOW_CLAIMS)
    with django_assert_max_num_queries(WORKSPACE_QUERIES + 1):
        response = reviewer_client.get(article.get_absolute_url(), {"q": "Sentence"})
    html = response.content.decode()
    assert html.count('class="claim-row') == min(count, LIST_WINDOW_CLAIMS)
    assert f"{count} of {count} claims match" in html


def test_filters_narrow_the_list(reviewer_client, reviewer):
    """Status, kind, verdict, assignee and text filters narrow the claim list."""
    article = ArticleFactory(body=BODY)
    rounds = ClaimFactory(article=article, start=11, end=54, kind="statistic")
    hamas = ClaimFactory(article=article, start=60, end=len(BODY) - 1, status=ClaimStatus.DETECTED)
    hamas.assignee = reviewer
    hamas.save()
    Verdict.objects.create(claim=rounds, rating=default_rating("false"), author=UserFactory())

    def shown(**params):
        return listed_claims(reviewer_client.get(article.get_absolute_url(), params))

    assert shown(q="Hamas") == [hamas.pk]
    assert shown(q="hamas rockets") == [hamas.pk]
    assert shown(status="detected") == [hamas.pk]
    assert shown(kind="statistic") == [rounds.pk]
    assert shown(verdict="false") == [rounds.pk]
    assert shown(verdict="none") == [hamas.pk]
    assert shown(assignee="me") == [hamas.pk]
    assert shown(assignee="none") == [rounds.pk]
    assert shown(status="not-a-status") == [rounds.pk, hamas.pk]


def test_filtering_with_htmx_returns_only_the_list(reviewer_client, claim):
    """A filter request from htmx gets the claim list fragment, varying on the headers."""
    response = reviewer_client.get(
        claim.article.get_absolute_url(), {"q": "x"}, HTTP_HX_TARGET="claim-list", **HX
    )
    html = response.content.decode()
    assert html.strip().startswith('<div id="claim-list">')
    assert "HX-Request" in response["Vary"]


# Editing a claim ----------------------------------------------------------------------


def test_edit_without_htmx_redirects(reviewer_client, claim):
    """A plain form post saves and redirects to the claim (Post/Redirect/Get)."""
    response = reviewer_client.post(
        url("claim_edit", claim),
        {"statement": "Edited", "claimant": "Seoul", "kind": "statistic", "version": 1},
    )
    assert response.status_code == 302
    assert response.url == claim.get_absolute_url()
    claim.refresh_from_db()
    assert claim.statement == "Edited"


def test_edit_with_htmx_returns_its_section_and_row(reviewer_client, claim):
    """An htmx edit returns the fresh facts section and the claim's list row out of band."""
    response = reviewer_client.post(
        url("claim_edit", claim),
        {"statement": "Edited", "claimant": "Seoul", "kind": "statistic", "version": 1},
        **HX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert is_section(response, "facts")
    assert f'id="claim-row-{claim.pk}" data-hx-swap-oob="true"' in html
    assert "Edited" in html
    assert response["HX-Push-Url"] == claim.get_absolute_url()


@pytest.mark.parametrize("headers", [{}, HX])
def test_edit_validation_error_keeps_input(reviewer_client, claim, headers):
    """An invalid edit re-renders the form with the message and the user's input."""
    response = reviewer_client.post(
        url("claim_edit", claim),
        {"statement": "", "claimant": "Typed claimant", "kind": "statistic", "version": 1},
        **headers,
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "This field is required." in html
    assert 'value="Typed claimant"' in html
    claim.refresh_from_db()
    assert claim.statement == "Original"


@pytest.mark.parametrize("headers", [{}, HX])
def test_stale_edit_shows_both_versions_and_keeps_text(reviewer_client, claim, headers):
    """Saving a stale form is a 409 that shows their version and keeps the user's text."""
    Claim.objects.filter(pk=claim.pk).update(statement="Their statement", version=2)
    response = reviewer_client.post(
        url("claim_edit", claim),
        {"statement": "My statement", "claimant": "", "kind": "other", "version": 1},
        **headers,
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this" in html
    assert "Their statement" in html
    assert "My statement</textarea>" in html
    assert 'name="version" value="2"' in html
    claim.refresh_from_db()
    assert claim.statement == "Their statement"


def test_dismiss_needs_a_reason(reviewer_client, claim):
    """Dismissing without a reason is refused; with one, the claim is dismissed."""
    response = reviewer_client.post(url("do:dismiss", claim), {"reason": "", "version": 1})
    assert response.status_code == 422
    response = reviewer_client.post(
        url("do:dismiss", claim), {"reason": "Opinion", "version": 1}, **HX
    )
    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DISMISSED
    assert claim.dismissal_reason == "Opinion"
    assert 'class="claim-row row-dismissed"' in response.content.decode()


def test_accept_a_detected_claim(reviewer_client, claim):
    """A detected claim can be accepted for checking."""
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.DETECTED)
    response = reviewer_client.post(url("do:accept", claim))
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ACCEPTED


def test_split_and_merge(reviewer_client, claim):
    """A claim split in two can be merged back into one."""
    at = claim.quote.index("and Hamas")
    response = reviewer_client.post(url("claim_split", claim), {"at": at, "version": 1})
    assert response.status_code == 302
    first, second = Claim.objects.order_by("start")
    assert second.quote.startswith("and Hamas")
    response = reviewer_client.post(
        reverse("claims:claim_bulk", args=[claim.article_id]),
        {"claims": [first.pk, second.pk], "action": "merge"},
    )
    assert response.status_code == 302
    assert Claim.objects.get().quote == claim.quote


def test_split_with_htmx_reloads_the_workspace(reviewer_client, claim):
    """A split over htmx sends the browser to the first part (the text's marks change)."""
    at = claim.quote.index("and Hamas")
    response = reviewer_client.post(url("claim_split", claim), {"at": at, "version": 1}, **HX)
    assert response["HX-Redirect"] == claim.get_absolute_url()


def test_split_at_a_bad_point_is_refused(reviewer_client, claim):
    """A split point that is not between two words is refused with a message."""
    response = reviewer_client.post(url("claim_split", claim), {"at": 2, "version": 1})
    assert response.status_code == 422
    assert Claim.objects.count() == 1


def test_merge_needs_two_claims(reviewer_client, claim):
    """Merging one claim is refused with a message."""
    response = reviewer_client.post(
        reverse("claims:claim_bulk", args=[claim.article_id]),
        {"claims": [claim.pk], "action": "merge"},
    )
    assert response.status_code == 302
    assert Claim.objects.count() == 1


def test_add_claim_from_selection(reviewer_client, claim):
    """A selection's offsets and quote add a manual claim over those words."""
    quote = "one million shells"
    start = BODY.index(quote)
    response = reviewer_client.post(
        reverse("claims:claim_create", args=[claim.article_id]),
        {"quote": quote, "start": start, "end": start + len(quote), "kind": "statistic"},
    )
    new = Claim.objects.get(quote=quote)
    assert response.status_code == 302
    assert response.url == new.get_absolute_url()
    assert new.created_by is not None


def test_add_claim_with_wrong_offsets_keeps_the_form(reviewer_client, claim):
    """Offsets that do not match the quote are refused with the message by the field."""
    response = reviewer_client.post(
        reverse("claims:claim_create", args=[claim.article_id]),
        {"quote": "one million", "start": 0, "end": 11, "kind": "other"},
    )
    assert response.status_code == 422
    assert "not at that place" in response.content.decode()
    assert Claim.objects.count() == 1


# Citations ----------------------------------------------------------------------------


def test_cite_by_url_creates_the_source(reviewer_client, claim):
    """Pasting a new URL creates the source and the citation."""
    response = reviewer_client.post(
        url("citation_create", claim),
        {
            "url": "https://news.example/a?utm_medium=x",
            "title": "A report",
            "stance": "supports",
            "excerpt": "one million",
        },
        **HX,
    )
    assert response.status_code == 200
    citation = Citation.objects.get()
    assert citation.source.url == "https://news.example/a"
    assert "1 support" in response.content.decode()


def test_cite_by_url_reuses_the_library_source(reviewer_client, claim):
    """A URL the library already has (after normalising) is reused, not duplicated."""
    source = SourceFactory(url="https://news.example/a")
    reviewer_client.post(
        url("citation_create", claim),
        {"url": "HTTPS://News.Example/a#x", "stance": "refutes"},
    )
    assert Source.objects.count() == 1
    assert Citation.objects.get().source == source


def test_cite_from_library_search(reviewer_client, claim):
    """A source picked from the library search is cited."""
    source = SourceFactory(title="NIS briefing to lawmakers")
    response = reviewer_client.get(url("source_search", claim), {"source_q": "NIS brief"}, **HX)
    assert f'name="source" value="{source.pk}"' in response.content.decode()
    reviewer_client.post(url("citation_create", claim), {"source": source.pk, "stance": "context"})
    assert Citation.objects.get().source == source


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"url": "javascript:alert(1)", "stance": "supports"}, "Only http"),
        ({"url": "", "stance": "supports"}, "Paste the source"),
        ({"url": "https://news.example/a", "stance": "maybe"}, "valid choice"),
    ],
)
def test_bad_citation_input_changes_nothing(reviewer_client, claim, data, message):
    """A bad URL, no source or a bad stance is refused with a message; nothing is written."""
    data = {**data, "excerpt": "typed excerpt"}
    response = reviewer_client.post(url("citation_create", claim), data, **HX)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert "typed excerpt" in html
    assert not Citation.objects.exists()
    assert not Source.objects.exists()


def test_remove_citation_offers_undo(reviewer_client, claim):
    """Removing a citation offers an undo that puts it back."""
    citation = CitationFactory(claim=claim, excerpt="kept words")
    response = reviewer_client.post(url("citation_delete", claim, citation.pk), **HX)
    html = response.content.decode()
    assert "Undo" in html
    assert not Citation.objects.exists()
    reviewer_client.post(
        url("citation_create", claim),
        {"source": citation.source_id, "stance": citation.stance, "excerpt": "kept words"},
    )
    assert Citation.objects.get().excerpt == "kept words"
    assert "Undo" not in reviewer_client.get(claim.get_absolute_url()).content.decode()


# Verdicts and comments ----------------------------------------------------------------


def test_verdict_draft_updates_the_row(reviewer_client, claim, reviewer):
    """Saving a draft verdict shows it in the panel and in the list row out of band."""
    response = reviewer_client.post(
        url("verdict_save", claim),
        {"rating": default_rating("mostly-true").pk, "reasoning": "See https://x.example/a"},
        **HX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Verdict: Mostly true (draft)" in html
    assert '<a href="https://x.example/a" rel="nofollow">' in html
    assert Verdict.objects.get().author == reviewer


def test_stale_verdict_draft_is_a_conflict(reviewer_client, claim, reviewer):
    """A verdict saved from a stale form is a conflict keeping the typed reasoning."""
    reviewer_client.post(
        url("verdict_save", claim), {"rating": default_rating().pk, "reasoning": "First"}
    )
    reviewer_client.post(
        url("verdict_save", claim),
        {"rating": default_rating().pk, "reasoning": "Second", "version": 1},
    )
    response = reviewer_client.post(
        url("verdict_save", claim),
        {"rating": default_rating().pk, "reasoning": "Stale text", "version": 1},
    )
    assert response.status_code == 409
    assert "Stale text" in response.content.decode()
    assert Verdict.objects.get().reasoning == "Second"


def test_verdict_needs_a_rating_of_the_scale(reviewer_client, claim):
    """A verdict without a rating is refused with a message."""
    response = reviewer_client.post(url("verdict_save", claim), {"reasoning": "Kept"}, **HX)
    assert response.status_code == 422
    assert "Kept" in response.content.decode()
    assert not Verdict.objects.exists()


def test_comment(reviewer_client, claim):
    """A comment is posted; an empty one is refused."""
    assert reviewer_client.post(url("comment_create", claim), {"body": " "}).status_code == 422
    response = reviewer_client.post(url("comment_create", claim), {"body": "Check NIS"}, **HX)
    assert "Check NIS" in response.content.decode()
    assert Comment.objects.get().body == "Check NIS"


# Permissions, CSRF and escaping -------------------------------------------------------

ACTIONS = [
    ("claim_edit", {"statement": "X", "kind": "other", "version": 1}),
    ("do:dismiss", {"reason": "X", "version": 1}),
    ("do:accept", {}),
    ("claim_split", {"at": 10, "version": 1}),
    ("citation_create", {"url": "https://news.example/x", "stance": "supports"}),
    ("verdict_save", {"reasoning": "X"}),
    ("comment_create", {"body": "X"}),
]


@pytest.mark.parametrize(("name", "data"), ACTIONS)
def test_anonymous_users_are_sent_to_log_in(client, claim, name, data):
    """Every action asks an anonymous visitor to log in and changes nothing."""
    response = client.post(url(name, claim), data)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    claim.refresh_from_db()
    assert claim.version == 1


@pytest.mark.parametrize(("name", "data"), [a for a in ACTIONS if a[0] != "comment_create"])
def test_claims_assigned_to_someone_else_are_read_only(reviewer_client, claim, name, data):
    """A reviewer cannot change a claim assigned to another reviewer, even by direct POST."""
    # A detected claim, so that accepting it would be allowed but for the assignment.
    Claim.objects.filter(pk=claim.pk).update(
        assignee=UserFactory(roles=["Reviewer"]), status=ClaimStatus.DETECTED
    )
    response = reviewer_client.post(url(name, claim), data)
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.version == 1
    assert not Citation.objects.exists()
    assert not Verdict.objects.exists()


def test_panel_hides_edit_forms_from_those_who_cannot_edit(reviewer_client, claim):
    """The panel of someone else's claim shows no edit, citation or verdict forms."""
    Claim.objects.filter(pk=claim.pk).update(assignee=UserFactory())
    html = reviewer_client.get(claim.get_absolute_url(), **HX).content.decode()
    assert "Save claim" not in html
    assert "Cite source" not in html
    assert "Save draft verdict" not in html
    assert "Post comment" in html


def test_csrf_is_enforced_and_htmx_header_token_works(reviewer, claim):
    """Posts without the CSRF token are refused; the token in X-CSRFToken is accepted."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    data = {"body": "Hello"}
    assert client.post(url("comment_create", claim), data).status_code == 403
    page = client.get(claim.get_absolute_url())
    token = page.cookies["csrftoken"].value
    assert 'data-hx-headers=\'{"X-CSRFToken": "' in page.content.decode()
    response = client.post(url("comment_create", claim), data, HTTP_X_CSRFTOKEN=token, **HX)
    assert response.status_code == 200
    assert Comment.objects.count() == 1


def test_user_content_renders_inert(reviewer_client, claim, reviewer):
    """Scripts, htmx attributes and javascript: links typed by users render as text."""
    hostile = '<script>alert(1)</script><b data-hx-get="/admin/">x</b> javascript:alert(2)'
    Claim.objects.filter(pk=claim.pk).update(statement=hostile, claimant=hostile)
    source = SourceFactory(title=hostile)
    Source.objects.filter(pk=source.pk).update(archived_url="javascript:alert(3)")
    CitationFactory(claim=claim, source=source, excerpt=hostile, note=hostile)
    Comment.objects.create(claim=claim, author=reviewer, body=hostile)
    Verdict.objects.create(claim=claim, rating=default_rating(), author=reviewer, reasoning=hostile)
    for response in (
        reviewer_client.get(claim.get_absolute_url()),
        reviewer_client.get(claim.get_absolute_url(), **HX),
    ):
        html = response.content.decode()
        assert "<script>alert" not in html
        assert 'data-hx-get="/admin/"' not in html
        assert 'href="javascript:' not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
