"""Public pages: the article report, the fact-check page with its ClaimReview JSON-LD, the
index and the methodology; only published content; conditional GETs; constant queries.

The helpers at the top (publish, published_claim, claim_review_blocks) are shared by the
other publishing test modules."""

import datetime
import json
import re

import extruct
import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from claims import editing, workflow
from claims.demo import create_demo_accounts, load_demo_library, load_seed_article
from claims.models import (
    Citation,
    Claim,
    ClaimStatus,
    Comment,
    Desk,
    Publisher,
    Rating,
    Source,
    SourceKind,
    Verdict,
    VerdictState,
)
from claims.publishing.freshness import public_side_changed
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    SourceFactory,
    UserFactory,
    article_with_claims,
    default_rating,
)

pytestmark = pytest.mark.django_db

SECRET = "UNPUBLISHED-SECRET"
NOW = timezone.now().replace(microsecond=0)


# Shared helpers -------------------------------------------------------------------------


def publish(
    claim,
    *,
    rating="false",
    reasoning="The intelligence service's figure is far lower.",
    at=None,
    correction_note="",
    author=None,
    approver=None,
) -> Verdict:
    """An approved, published verdict on the claim (a correction if one exists already)."""
    at = at or NOW
    verdict = Verdict.objects.create(
        claim=claim,
        rating=default_rating(rating),
        reasoning=reasoning,
        author=author or UserFactory(roles=["Reviewer"]),
        state=VerdictState.APPROVED,
        approved_by=approver or UserFactory(roles=["Editor"]),
        approved_at=at,
        published_at=at,
        correction_note=correction_note,
    )
    claim.status = ClaimStatus.PUBLISHED
    claim.save()
    return verdict


def published_claim(article=None, *, statement=None, claimant="Blinken", **verdict) -> Claim:
    """A published claim with one cited source (with an archived copy)."""
    article = article or ArticleFactory(
        url="https://news.example/blinken-seoul",
        author="Jane Reporter",
        publisher=Publisher.objects.get_or_create(name="Example News")[0],
        published_on=datetime.date(2023, 11, 9),
    )
    claim = ClaimFactory(
        article=article,
        statement=statement or "North Korea sent one million artillery rounds to Russia.",
        claimant=claimant,
    )
    CitationFactory(
        claim=claim,
        source=SourceFactory(archived_url="https://web.archive.org/web/2023/https://src.example/"),
        excerpt="more than a million artillery shells",
        stance="supports",
    )
    publish(claim, **verdict)
    return claim


def publish_all(article, **verdict) -> list[Claim]:
    claims = list(article.claims.all())
    for claim in claims:
        CitationFactory(claim=claim)
        publish(claim, **verdict)
    return claims


SCRIPT_RE = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def claim_review_blocks(html: str) -> list[dict]:
    """Every JSON-LD block, parsed strictly (no comments, no trailing commas)."""
    return [json.loads(text) for text in SCRIPT_RE.findall(html)]


def extracted(html: str, url: str) -> list[dict]:
    return extruct.extract(html, base_url=url, syntaxes=["json-ld"], uniform=True)["json-ld"]


def fact_check_url(claim) -> str:
    return reverse("public:fact_check", args=[claim.pk])


def canonical(html: str) -> str:
    return re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)


# The fact-check page --------------------------------------------------------------------


def test_fact_check_page_is_public(client):
    """A reader without an account sees the verdict, reasoning, claimant, where the claim
    appeared and the sources with their links and archived copies."""
    claim = published_claim()
    response = client.get(fact_check_url(claim))
    assert response.status_code == 200
    html = response.content.decode()
    assert claim.statement in html
    assert "False" in html
    assert "The intelligence service&#x27;s figure is far lower." in html
    assert "Blinken" in html
    assert 'href="https://news.example/blinken-seoul"' in html
    assert claim.article.title in html
    source = claim.citations.get().source
    assert f'href="{source.url}"' in html
    assert 'href="https://web.archive.org/web/2023/https://src.example/"' in html
    assert "more than a million artillery shells" in html


def test_fact_check_page_carries_one_valid_claim_review(client, settings):
    """Exactly one ClaimReview block, read back by extruct and by strict json.loads, with
    every property; its url is the page's canonical URL."""
    settings.DESK_ORGANISATION_NAME = "Seoul Fact Desk"
    settings.DESK_ORGANISATION_URL = "https://factdesk.example/"
    claim = published_claim(rating="mostly-false", at=NOW)
    response = client.get(fact_check_url(claim))
    html = response.content.decode()
    page_url = "http://testserver" + fact_check_url(claim)
    assert canonical(html) == page_url

    blocks = claim_review_blocks(html)
    assert len(blocks) == 1
    assert html.count("application/ld+json") == 1 + 1  # the block and the feed's <link>
    strict = blocks[0]
    [by_extruct] = extracted(html, page_url)
    assert by_extruct == strict
    assert strict == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": page_url,
        "datePublished": NOW.isoformat(),
        "author": {
            "@type": "Organization",
            "name": "Seoul Fact Desk",
            "url": "https://factdesk.example/",
        },
        "claimReviewed": "North Korea sent one million artillery rounds to Russia.",
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": 2,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": "Mostly false",
        },
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": "Blinken"},
            "datePublished": "2023-11-09",
            "appearance": {
                "@type": "NewsArticle",
                "url": "https://news.example/blinken-seoul",
                "headline": claim.article.title,
                "datePublished": "2023-11-09",
                "author": {"@type": "Person", "name": "Jane Reporter"},
                "publisher": {"@type": "Organization", "name": "Example News"},
            },
        },
    }
    assert "dateModified" not in strict


def test_claim_text_cannot_break_out_of_the_json_ld(client):
    """A statement closing the script element stays data inside the JSON-LD block."""
    statement = 'Seoul said </script><script>alert(1)</script> & "<!--" everything'
    claim = published_claim(statement=statement, claimant="</script><script>alert(2)")
    html = client.get(fact_check_url(claim)).content.decode()
    assert "<script>alert(" not in html
    assert "alert(1)" in html  # shown, escaped, as text
    [block] = claim_review_blocks(html)
    assert block["claimReviewed"] == statement
    assert block["itemReviewed"]["author"]["name"] == "</script><script>alert(2)"
    raw = SCRIPT_RE.search(html).group(1)
    assert "<" not in raw
    assert ">" not in raw
    assert "&" not in raw
    [by_extruct] = extracted(html, "http://testserver/")
    assert by_extruct["claimReviewed"] == statement


def test_unsafe_links_are_not_rendered(client):
    """A javascript: URL in the article or an archived copy never becomes a link."""
    article = ArticleFactory(url="javascript:alert(1)")
    claim = published_claim(article)
    Source.objects.filter(citations__claim=claim).update(archived_url="javascript:alert(2)")
    for url in (fact_check_url(claim), reverse("public:article_report", args=[article.pk])):
        html = client.get(url).content.decode()
        assert "javascript:" not in html


def test_a_correction_shows_with_its_date_and_note(client):
    """The page shows the latest approved verdict, the correction's note and date, and the
    earlier verdict marked as corrected; the JSON-LD carries dateModified."""
    first_at = NOW - datetime.timedelta(days=3)
    claim = published_claim(rating="true", at=first_at, reasoning="Original reasoning.")
    publish(
        claim,
        rating="mostly-false",
        at=NOW,
        reasoning="Corrected reasoning.",
        correction_note="The NIS later revised its estimate.",
    )
    html = client.get(fact_check_url(claim)).content.decode()
    assert "Corrected" in html
    assert "The NIS later revised its estimate." in html
    assert timezone.localtime(NOW).strftime("%-d %B %Y") in html
    assert "<s>True</s>" in html
    assert "Corrected reasoning." in html
    [block] = claim_review_blocks(html)
    assert block["reviewRating"]["alternateName"] == "Mostly false"
    assert block["datePublished"] == first_at.isoformat()
    assert block["dateModified"] == NOW.isoformat()


@pytest.mark.parametrize("status", [s for s in ClaimStatus.values if s != ClaimStatus.PUBLISHED])
def test_unpublished_claims_have_no_public_page(client, status):
    """A claim that is not published is a 404, even with an approved verdict on record."""
    claim = published_claim()
    Claim.objects.filter(pk=claim.pk).update(status=status, dismissal_reason="x")
    assert client.get(fact_check_url(claim)).status_code == 404
    report = reverse("public:article_report", args=[claim.article_id])
    assert client.get(report).status_code == 404


def test_a_published_claim_without_a_published_verdict_has_no_page(client):
    claim = ClaimFactory(status=ClaimStatus.PUBLISHED)
    Verdict.objects.create(
        claim=claim,
        rating=default_rating(),
        author=UserFactory(),
        state=VerdictState.SUBMITTED,
        reasoning=SECRET,
    )
    assert client.get(fact_check_url(claim)).status_code == 404
    assert SECRET not in client.get(reverse("public:index")).content.decode()


def unpublished_work(article) -> Claim:
    """Alongside a published claim: a claim in review, a dismissed one, a pending correction
    with its draft, a comment, a citation note and a source only unpublished claims cite."""
    body = article.body
    published = published_claim(article)
    Citation.objects.filter(claim=published).update(note=f"{SECRET} citation note")
    Comment.objects.create(claim=published, author=UserFactory(), body=f"{SECRET} comment")
    Verdict.objects.create(
        claim=published,
        rating=default_rating("true"),
        author=UserFactory(),
        state=VerdictState.SUBMITTED,
        reasoning=f"{SECRET} pending correction",
        correction_note=f"{SECRET} correction note",
    )
    in_review = ClaimFactory(
        article=article, start=12, end=20, statement=f"{SECRET} in review", claimant=SECRET
    )
    in_review.status = ClaimStatus.IN_REVIEW
    in_review.save()
    Verdict.objects.create(
        claim=in_review,
        rating=default_rating(),
        author=UserFactory(),
        state=VerdictState.SUBMITTED,
        reasoning=f"{SECRET} submitted reasoning",
    )
    CitationFactory(claim=in_review, source=SourceFactory(title=f"{SECRET} source"))
    ClaimFactory(
        article=article,
        start=21,
        end=30,
        statement=f"{SECRET} dismissed",
        status=ClaimStatus.DISMISSED,
        dismissal_reason=f"{SECRET} reason",
    )
    returned = ClaimFactory(article=article, start=31, end=40, statement=f"{SECRET} returned")
    Verdict.objects.create(
        claim=returned,
        rating=default_rating(),
        author=UserFactory(),
        state=VerdictState.RETURNED,
        reasoning=f"{SECRET} returned",
    )
    assert body == article.body
    return published


def test_no_page_shows_unpublished_work(client):
    """Drafts, submitted or returned verdicts, pending corrections, comments, citation
    notes, dismissed claims and claims in review appear on no public page."""
    article = ArticleFactory()
    published = unpublished_work(article)
    pages = [
        reverse("public:index"),
        reverse("public:article_report", args=[article.pk]),
        fact_check_url(published),
        reverse("public:methodology"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode(), url
    assert published.statement in client.get(pages[1]).content.decode()


@pytest.mark.parametrize("shown", [True, False])
def test_reviewer_names_follow_the_desk_setting(client, shown):
    """Reviewer and editor names appear only when the desk shows them."""
    Desk.objects.update_or_create(pk=1, defaults={"show_reviewer_names": shown})
    author = UserFactory(username="reviewer-rosa", first_name="Rosa", last_name="Quill")
    approver = UserFactory(username="editor-edgar")
    claim = published_claim(author=author, approver=approver)
    for url in (
        fact_check_url(claim),
        reverse("public:article_report", args=[claim.article_id]),
        reverse("public:index"),
    ):
        html = client.get(url).content.decode()
        assert "reviewer-rosa" not in html
        if url != reverse("public:index"):
            assert ("Rosa Quill" in html) is shown
            assert ("editor-edgar" in html) is shown
        else:
            assert "Rosa Quill" not in html


def test_public_pages_show_no_desk_navigation(client, reviewer):
    """Neither a reader nor a logged-in reviewer sees the desk's links on public pages."""
    claim = published_claim()
    for logged_in in (False, True):
        if logged_in:
            client.force_login(reviewer)
        html = client.get(fact_check_url(claim)).content.decode()
        assert reverse("claims:article_create") not in html
        assert reverse("claims:my_work") not in html
        assert "csrfmiddlewaretoken" not in html


# The article report ---------------------------------------------------------------------


def test_article_report_lists_each_published_fact_check(client):
    """The report has the article's metadata and each published claim with its verdict,
    reasoning, sources and a link to its own page; it carries no JSON-LD of its own."""
    article = article_with_claims(3)
    article.url = "https://news.example/a"
    article.author = "Kim Writer"
    article.published_on = datetime.date(2023, 11, 9)
    article.save()
    claims = publish_all(article, rating="half-true")
    response = client.get(reverse("public:article_report", args=[article.pk]))
    html = response.content.decode()
    assert article.title in html
    assert "Kim Writer" in html
    assert "9 November 2023" in html
    for claim in claims:
        assert claim.statement in html
        assert f'href="http://testserver{fact_check_url(claim)}"' in html
        assert claim.citations.get().source.url in html
    assert html.count("Half true") >= 3
    assert claim_review_blocks(html) == []
    assert canonical(html).endswith(reverse("public:article_report", args=[article.pk]))


def test_article_without_published_claims_has_no_report(client):
    article = article_with_claims(2)
    assert client.get(reverse("public:article_report", args=[article.pk])).status_code == 404


# Index and methodology ------------------------------------------------------------------


def test_index_lists_recent_fact_checks_latest_first(client):
    older = published_claim(statement="Older claim", at=NOW - datetime.timedelta(days=2))
    newer = published_claim(statement="Newer claim", at=NOW)
    html = client.get(reverse("public:index")).content.decode()
    assert html.index("Newer claim") < html.index("Older claim")
    assert fact_check_url(newer) in html
    assert fact_check_url(older) in html


def test_index_pages(client, monkeypatch):
    monkeypatch.setattr("claims.publishing.public.INDEX_PAGE_SIZE", 2)
    article = article_with_claims(3)
    publish_all(article)
    first = client.get(reverse("public:index")).content.decode()
    assert 'rel="next" href="?page=2"' in first
    assert client.get(reverse("public:index") + "?page=2").status_code == 200
    assert client.get(reverse("public:index") + "?page=3").status_code == 404
    assert client.get(reverse("public:index") + "?page=x").status_code == 404


def test_methodology_lists_the_scale_and_corrections_policy(client):
    html = client.get(reverse("public:methodology")).content.decode()
    assert "Corrections policy" in html
    for slug in ("true", "mostly-false", "false", "unproven", "misleading"):
        rating = default_rating(slug)
        assert rating.label in html
        assert rating.definition in html
    assert "5 of 5" in html
    assert "off the scale" in html


# Conditional GETs -----------------------------------------------------------------------


def public_urls(claim) -> list[str]:
    return [
        fact_check_url(claim),
        reverse("public:article_report", args=[claim.article_id]),
        reverse("public:index"),
    ]


def test_unchanged_pages_answer_conditional_gets_with_304(client):
    """ETag and Last-Modified on every public page; an unchanged page is a 304."""
    claim = published_claim()
    for url in [*public_urls(claim), reverse("public:methodology")]:
        response = client.get(url)
        assert response.status_code == 200
        etag = response["ETag"]
        assert client.get(url, headers={"if-none-match": etag}).status_code == 304, url
        if url != reverse("public:methodology"):
            modified = response["Last-Modified"]
            assert client.get(url, headers={"if-modified-since": modified}).status_code == 304


@pytest.mark.parametrize(
    "change",
    [
        "correction",
        "citation",
        "source",
        "article",
        "rating",
        "desk",
        "unpublish",
    ],
)
def test_a_change_makes_pages_fresh_again(client, change):
    """Whatever a page shows changes its ETag: a 304 only for an unchanged page."""
    claim = published_claim(at=NOW - datetime.timedelta(hours=1))
    urls = public_urls(claim)
    etags = {url: client.get(url)["ETag"] for url in urls}
    if change == "correction":
        publish(claim, rating="true", correction_note="Revised")
    elif change == "citation":
        CitationFactory(claim=claim)
    elif change == "source":
        source = claim.citations.get().source
        source.title = "Renamed"
        source.save()
    elif change == "article":
        claim.article.title = "New headline"
        claim.article.save()
    elif change == "rating":
        rating = default_rating("false")
        rating.label = "Wrong"
        rating.save()
    elif change == "desk":
        Desk.objects.update_or_create(pk=1, defaults={"show_reviewer_names": False})
    elif change == "unpublish":
        claim.status = ClaimStatus.RESEARCHING
        claim.save()
    for url in urls:
        if change in ("source", "citation") and url == reverse("public:index"):
            continue  # the index shows no sources
        response = client.get(url, headers={"if-none-match": etags[url]})
        assert response.status_code in (200, 404), (change, url)


@pytest.mark.parametrize("change", ["rating", "desk"])
def test_a_change_without_a_claim_timestamp_moves_last_modified(client, change):
    """A rating renamed or reviewer names hidden changes the pages: a client sending only
    If-Modified-Since (as crawlers do) gets them again, not a 304."""
    claim = published_claim(at=NOW - datetime.timedelta(hours=1))
    urls = [*public_urls(claim), reverse("public:feed_atom"), reverse("public:feed_claimreview")]
    modified = {url: client.get(url)["Last-Modified"] for url in urls}
    later = timezone.now() + datetime.timedelta(seconds=5)  # past the date's one-second grain
    if change == "rating":
        Rating.objects.filter(pk=default_rating("false").pk).update(label="Wrong", updated_at=later)
    else:
        Desk.objects.update_or_create(pk=1, defaults={"show_reviewer_names": True})
        Desk.objects.filter(pk=1).update(show_reviewer_names=False, updated_at=later)
    public_side_changed()  # a bulk update sends no signal (claims.publishing.freshness)
    for url in urls:
        response = client.get(url, headers={"if-modified-since": modified[url]})
        assert response.status_code == 200, (change, url)
        assert response["Last-Modified"] == http_date(later.timestamp()), url


def test_last_modified_reveals_nothing_about_unpublished_claims(client):
    """A claim that is not published gets no validators at all."""
    claim = ClaimFactory(status=ClaimStatus.RESEARCHING)
    response = client.get(fact_check_url(claim))
    assert response.status_code == 404
    assert not response.has_header("ETag")
    assert not response.has_header("Last-Modified")


def test_if_modified_since_in_the_past_gets_the_page(client):
    claim = published_claim()
    past = http_date((NOW - datetime.timedelta(days=1)).timestamp())
    response = client.get(fact_check_url(claim), headers={"if-modified-since": past})
    assert response.status_code == 200


# Query counts ---------------------------------------------------------------------------

# The public stamp (with the desk's settings), then the page's own queries (with the dates
# of the article's versions, for the "changed since" note).
PUBLIC_PAGE_QUERIES = 7


@pytest.mark.parametrize("count", [1, 25])
def test_public_pages_run_constant_queries(client, django_assert_max_num_queries, count):
    """Report, fact-check page and index run the same number of queries for 1 or 25
    claims (each with sources and a correction)."""
    article = article_with_claims(count)
    claims = publish_all(article, at=NOW - datetime.timedelta(days=1))
    for claim in claims:
        CitationFactory(claim=claim)
        publish(claim, rating="true", correction_note="Fixed")
    Desk.current()
    for url in public_urls(claims[-1]):
        with django_assert_max_num_queries(PUBLIC_PAGE_QUERIES):
            assert client.get(url).status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get(reverse("public:methodology")).status_code == 200


# Done means -----------------------------------------------------------------------------


def test_the_demo_editor_publishes_the_million_rounds_claim(client):
    """After the demo editor approves the one-million-rounds claim, its public page shows
    the verdict and sources with ClaimReview; the feeds and the API list it; nothing else
    is public."""
    load_demo_library()
    article = load_seed_article().article
    create_demo_accounts()
    reviewer = UserFactory(username="reviewer")
    editor = UserFactory(username="editor")
    claim = Claim.objects.get(article=article, quote__icontains="one million artillery")
    workflow.take(claim, by=reviewer)
    for source in Source.objects.filter(title__icontains="million")[:1]:
        editing.cite_source(claim, by=reviewer, source=source, stance="supports", excerpt="")
    primary = SourceFactory(kind=SourceKind.PRIMARY, title="NIS briefing")
    editing.cite_source(claim, by=reviewer, source=primary, stance="supports")
    editing.save_verdict_draft(
        claim,
        by=reviewer,
        rating=default_rating("mostly-true"),
        reasoning="South Korea's intelligence service said more than a million shells.",
        version=None,
    )
    workflow.submit_for_review(claim, by=reviewer)
    workflow.approve(claim, by=editor, override_reason="Single outlet reported the briefing.")

    page = client.get(fact_check_url(claim))
    html = page.content.decode()
    assert "Mostly true" in html
    assert "N.Korea has sent over a million artillery shells" in html
    [block] = extracted(html, "http://testserver/")
    assert block["@type"] == "ClaimReview"
    assert block["claimReviewed"] == claim.statement
    assert block["reviewRating"]["ratingValue"] == 4
    assert block["itemReviewed"]["datePublished"] == "2023-11-09"
    assert block["itemReviewed"]["author"]["@type"] == "Organization"
    assert block == claim_review_blocks(html)[0]

    atom = client.get(reverse("public:feed_atom")).content.decode()
    assert fact_check_url(claim) in atom
    feed = client.get(reverse("public:feed_claimreview")).json()
    assert [item["url"] for item in feed["dataFeedElement"]] == [block["url"]]
    api_claims = client.get("/api/claims").json()
    assert [c["id"] for c in api_claims["items"]] == [claim.pk]
    others = Claim.objects.filter(article=article).exclude(pk=claim.pk)
    assert others.exists()
    report = client.get(reverse("public:article_report", args=[article.pk])).content.decode()
    for other in others:
        assert other.statement not in report
