"""The public side: what readers (and search engines) see, without logging in.

Only published, approved content appears: a claim is public when its status is published
and it has at least one approved verdict with a publication date. Drafts, submitted or
returned verdicts, comments, citation notes and (unless the desk shows them) reviewer
names never reach these pages. Every page answers conditional GETs (ETag and
Last-Modified) and runs a fixed number of queries whatever the number of claims.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Length
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from claims.highlighting import Context, quote_context
from claims.models import (
    ArchivedPage,
    Article,
    ArticleVersion,
    Citation,
    Claim,
    ClaimStatus,
    Rating,
    Source,
    Verdict,
)
from claims.publishing.claimreview import Organisation, claim_review, ld_json_script
from claims.publishing.freshness import answers_conditional_gets, public_desk
from claims.views.articles import ARCHIVE_CSP, archived_response

INDEX_PAGE_SIZE = 30

# What is public: Claim.objects.published() and Verdict.objects.public() (claims.querysets).


def published_claims() -> QuerySet[Claim]:
    """Claims readers may see, with their first and latest publication dates."""
    return Claim.objects.published().with_publication_dates()


def is_public(claim: Claim) -> bool:
    """For a claim annotated by with_publication_dates()."""
    return claim.status == ClaimStatus.PUBLISHED and claim.first_published_at is not None


def with_fact_check_data(
    claims: QuerySet[Claim], *, citations: bool = True, with_article_length: bool = True
) -> QuerySet[Claim]:
    """Load what a fact-check shows, in a fixed number of queries. Lists without
    citations (the index, the feeds) show no context, so they count no article's length;
    a caller that counted it already says so with `with_article_length=False`."""
    verdicts = (
        Verdict.objects.published()
        .select_related("rating__scale", "author", "approved_by")
        .prefetch_related("rating__scale__ratings")
        .order_by("published_at", "pk")
    )
    lookups = [Prefetch("verdicts", queryset=verdicts, to_attr="published")]
    if citations:  # the whole fact-check: its sources, and whether the article changed since
        versions = ArticleVersion.objects.only("article_id", "number", "created_at")
        lookups += [
            Prefetch(
                "citations",
                queryset=Citation.objects.select_related(
                    "source__publisher", "source__archived_page"
                )
                .defer("source__page_text")  # a fetched page's whole text is never shown
                .order_by("stance", "created_at", "pk"),
                to_attr="public_citations",
            ),
            Prefetch(
                "article__versions", queryset=versions.order_by("number"), to_attr="versions_loaded"
            ),
        ]
    # The article is shown by its title and address, never its body (up to a megabyte).
    claims = claims.select_related("article__publisher").defer("article__body")
    if citations and with_article_length:
        # Whether the article goes on after the quote's context, without reading it. A
        # subquery rather than a join's Length: PostgreSQL then counts it after sorting
        # and limiting, for the rows shown only (each count decompresses a whole body).
        claims = claims.annotate(
            article_length=Subquery(
                Article.objects.filter(pk=OuterRef("article_id")).values(length=Length("body"))
            )
        )
    return claims.prefetch_related(*lookups)


def desk_organisation(request: HttpRequest | None = None) -> Organisation:
    """The desk as ClaimReview's author: its URL is DESK_ORGANISATION_URL, or else the
    site's own address as `request` reached it (the public index)."""
    url = getattr(settings, "DESK_ORGANISATION_URL", "")
    if not url and request is not None:
        url = request.build_absolute_uri(reverse("public:index"))
    name = getattr(settings, "DESK_ORGANISATION_NAME", "Fact-check desk")
    return Organisation(name=name, url=url)


def person_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


@dataclass
class FactCheck:
    """A public claim with its current verdict, the verdicts it corrected, its sources and
    its ClaimReview."""

    claim: Claim
    verdict: Verdict
    corrected: list[Verdict]
    citations: list[Citation]
    url: str
    claim_review: dict
    checked_by: str = ""
    approved_by: str = ""
    corrections: list[Verdict] = field(default_factory=list)
    checked_version: ArticleVersion | None = None  # the article's text the verdict checked
    latest_version: ArticleVersion | None = None

    @property
    def article_changed(self) -> bool:
        """The article has a version newer than the one the current verdict checked."""
        return bool(
            self.checked_version
            and self.latest_version
            and self.latest_version.number > self.checked_version.number
        )

    @property
    def published_at(self):
        return self.claim.first_published_at

    @property
    def updated_at(self):
        return self.verdict.published_at

    @property
    def is_corrected(self) -> bool:
        return bool(self.corrected)

    @property
    def context(self) -> Context:
        """The claim's words in the article, cut at whole words."""
        claim = self.claim
        return quote_context(
            claim.prefix,
            claim.suffix,
            more_before=claim.start > len(claim.prefix),
            more_after=claim.end + len(claim.suffix) < article_length(claim),
        )


def article_length(claim) -> int:
    """The length of the claim's article, counted by the database where the query did."""
    counted = getattr(claim, "article_length", None)
    return counted if counted is not None else len(claim.article.body)


def fact_check_path(claim_id: int) -> str:
    return reverse("public:fact_check", args=[claim_id])


def fact_check(request: HttpRequest, claim: Claim, *, show_names: bool) -> FactCheck:
    """A claim loaded by with_fact_check_data() as a FactCheck; absolute URLs from `request`."""
    verdicts = claim.published
    current = verdicts[-1]
    url = request.build_absolute_uri(fact_check_path(claim.pk))
    versions = getattr(claim.article, "versions_loaded", [])
    checked = [v for v in versions if v.created_at <= current.published_at] or versions[:1]
    return FactCheck(
        claim=claim,
        verdict=current,
        corrected=list(reversed(verdicts[:-1])),
        corrections=[v for v in reversed(verdicts) if v.correction_note],
        citations=getattr(claim, "public_citations", []),
        url=url,
        claim_review=claim_review(
            claim,
            current,
            url=url,
            organisation=desk_organisation(request),
            first_published_at=claim.first_published_at,
        ),
        checked_by=person_name(current.author) if show_names else "",
        approved_by=person_name(current.approved_by) if show_names else "",
        checked_version=checked[-1] if checked else None,
        latest_version=versions[-1] if versions else None,
    )


def fact_checks(request: HttpRequest, claims, *, show_names: bool) -> list[FactCheck]:
    return [fact_check(request, claim, show_names=show_names) for claim in claims]


# Pages ---------------------------------------------------------------------------------


@require_safe
@answers_conditional_gets
def index(request: HttpRequest):
    """Recent fact-checks, the latest publication (or correction) first."""
    claims = with_fact_check_data(
        published_claims()
        .select_related("article")
        .defer("article__body")
        .order_by("-last_published_at", "-pk"),
        citations=False,
    )
    paginator = Paginator(claims, INDEX_PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404("No such page.") from error
    return render(
        request,
        "public/index.html",
        {
            "page": page,
            "fact_checks": fact_checks(request, page.object_list, show_names=False),
            "canonical_url": request.build_absolute_uri(
                reverse("public:index") + (f"?page={page.number}" if page.number > 1 else "")
            ),
        },
    )


@require_safe
@answers_conditional_gets
def article_report(request: HttpRequest, article_id: int):
    """An article's published fact-checks with their verdicts, reasoning and sources."""
    # The body's length counted once, not once per claim.
    article = get_object_or_404(
        Article.objects.select_related("publisher").defer("body").annotate(length=Length("body")),
        pk=article_id,
    )
    claims = list(
        with_fact_check_data(
            published_claims().filter(article=article).order_by("start", "end"),
            with_article_length=False,
        )
    )
    for claim in claims:
        claim.article_length = article.length
    if not claims:
        # The desk's work on an article stays private until something is published.
        raise Http404("No published fact-checks for this article.")
    desk = public_desk(request)
    checks = fact_checks(request, claims, show_names=desk.show_reviewer_names)
    return render(
        request,
        "public/article_report.html",
        {
            "article": article,
            "fact_checks": checks,
            "last_updated": max(check.updated_at for check in checks),
            "canonical_url": request.build_absolute_uri(
                reverse("public:article_report", args=[article.pk])
            ),
        },
    )


@require_safe
@answers_conditional_gets
def fact_check_detail(request: HttpRequest, claim_id: int):
    """One published fact-check, with its ClaimReview JSON-LD."""
    claim = get_object_or_404(with_fact_check_data(published_claims()), pk=claim_id)
    desk = public_desk(request)
    check = fact_check(request, claim, show_names=desk.show_reviewer_names)
    return render(
        request,
        "public/fact_check.html",
        {
            "check": check,
            "article": claim.article,
            "canonical_url": check.url,
            "claim_review_script": ld_json_script(check.claim_review),
        },
    )


def publicly_cited_pages() -> QuerySet[ArchivedPage]:
    """The desk's archived copies of sources that a published claim cites: public once the
    fact-check citing them is, and only then (a draft's sources stay the desk's)."""
    cited = Source.objects.filter(
        archived_page=OuterRef("pk"), citations__claim__in=Claim.objects.published()
    )
    return ArchivedPage.objects.filter(Exists(cited))


@require_safe
@csp_override(ARCHIVE_CSP)
def archived_source(request: HttpRequest, page_id: int):
    """The desk's archived copy of a source cited by a published fact-check, read-only and
    inert (the same sandbox policy as the desk's own archive page)."""
    archived = get_object_or_404(publicly_cited_pages(), pk=page_id)
    return archived_response(archived, cache_control="public, max-age=300")


@require_safe
@answers_conditional_gets
def methodology(request: HttpRequest):
    """How the desk rates claims and corrects its fact-checks."""
    ratings = list(
        Rating.objects.default_scale()
        .select_related("scale")
        # The scale from true to false, then the labels off the scale.
        .order_by(F("position").desc(nulls_last=True), "order")
    )
    positions = [r.position for r in ratings if r.position is not None]
    return render(
        request,
        "public/methodology.html",
        {
            "ratings": ratings,
            "scale": ratings[0].scale if ratings else None,
            "best": max(positions, default=None),
            "worst": min(positions, default=None),
            "desk_name": desk_organisation().name,
            "canonical_url": request.build_absolute_uri(reverse("public:methodology")),
        },
    )
