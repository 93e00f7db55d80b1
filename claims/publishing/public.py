"""The public side: what readers (and search engines) see, without logging in.

Only published, approved content appears: a claim is public when its status is published
and it has at least one approved verdict with a publication date. Drafts, submitted or
returned verdicts, comments, citation notes and (unless the desk shows them) reviewer
names never reach these pages. Every page answers conditional GETs (ETag and
Last-Modified) and runs a fixed number of queries whatever the number of claims.
"""

import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import condition, require_safe

from claims.models import (
    Article,
    Citation,
    Claim,
    ClaimStatus,
    Desk,
    Rating,
    Verdict,
    VerdictState,
)
from claims.publishing.claimreview import Organisation, claim_review, ld_json_script

INDEX_PAGE_SIZE = 30

# What is public ------------------------------------------------------------------------


def published_verdicts() -> QuerySet[Verdict]:
    """Verdicts an editor approved and published (current ones and corrected ones)."""
    return Verdict.objects.filter(state=VerdictState.APPROVED, published_at__isnull=False)


def with_publication_dates(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """Annotate claims with their first and latest verdict publication (or None)."""
    public = published_verdicts().filter(claim=OuterRef("pk"))
    return claims.annotate(
        first_published_at=Subquery(
            public.order_by("published_at", "pk").values("published_at")[:1]
        ),
        last_published_at=Subquery(
            public.order_by("-published_at", "-pk").values("published_at")[:1]
        ),
    )


def published_claims() -> QuerySet[Claim]:
    """Claims readers may see: published, with at least one published verdict."""
    return with_publication_dates(Claim.objects.filter(status=ClaimStatus.PUBLISHED)).filter(
        first_published_at__isnull=False
    )


def is_public(claim: Claim) -> bool:
    """For a claim annotated by with_publication_dates()."""
    return claim.status == ClaimStatus.PUBLISHED and claim.first_published_at is not None


def public_verdicts() -> QuerySet[Verdict]:
    """Published verdicts of claims that are public."""
    return published_verdicts().filter(claim__in=published_claims().values("pk"))


def with_fact_check_data(claims: QuerySet[Claim], *, citations: bool = True) -> QuerySet[Claim]:
    """Load what a fact-check shows, in a fixed number of queries."""
    verdicts = (
        published_verdicts()
        .select_related("rating__scale", "author", "approved_by")
        .prefetch_related("rating__scale__ratings")
        .order_by("published_at", "pk")
    )
    lookups = [Prefetch("verdicts", queryset=verdicts, to_attr="published")]
    if citations:
        lookups.append(
            Prefetch(
                "citations",
                queryset=Citation.objects.select_related("source__publisher").order_by(
                    "stance", "created_at", "pk"
                ),
                to_attr="public_citations",
            )
        )
    return claims.select_related("article__publisher").prefetch_related(*lookups)


def desk_organisation() -> Organisation:
    return Organisation(
        name=getattr(settings, "DESK_ORGANISATION_NAME", "Fact-check desk"),
        url=getattr(settings, "DESK_ORGANISATION_URL", "http://127.0.0.1:8000/"),
    )


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

    @property
    def published_at(self):
        return self.claim.first_published_at

    @property
    def updated_at(self):
        return self.verdict.published_at

    @property
    def is_corrected(self) -> bool:
        return bool(self.corrected)


def fact_check_path(claim_id: int) -> str:
    return reverse("public:fact_check", args=[claim_id])


def fact_check(request: HttpRequest, claim: Claim, *, show_names: bool) -> FactCheck:
    """A claim loaded by with_fact_check_data() as a FactCheck; absolute URLs from `request`."""
    verdicts = claim.published
    current = verdicts[-1]
    url = request.build_absolute_uri(fact_check_path(claim.pk))
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
            organisation=desk_organisation(),
            first_published_at=claim.first_published_at,
        ),
        checked_by=person_name(current.author) if show_names else "",
        approved_by=person_name(current.approved_by) if show_names else "",
    )


def fact_checks(request: HttpRequest, claims, *, show_names: bool) -> list[FactCheck]:
    return [fact_check(request, claim, show_names=show_names) for claim in claims]


# Freshness: ETag and Last-Modified ----------------------------------------------------


def _desk(request: HttpRequest) -> Desk:
    if not hasattr(request, "_desk"):
        request._desk = Desk.current()
    return request._desk


def _ratings_signature() -> list:
    return list(
        Rating.objects.order_by("pk").values_list(
            "pk",
            "scale_id",
            "scale__is_default",
            "label",
            "slug",
            "position",
            "definition",
            "order",
            "updated_at",
            "scale__updated_at",
        )
    )


def freshness(request: HttpRequest, claims: QuerySet[Claim], *, sources: bool = True):
    """(last change, ETag) of a page built from these published claims, their published
    verdicts (and sources), the desk settings and the rating scale; (None, None) when
    nothing is public, so that no validator says anything about unpublished work.

    Computed once per request: the condition decorator asks for both.
    """
    key = (str(claims.query), sources)
    cache = request.__dict__.setdefault("_freshness", {})
    if key in cache:
        return cache[key]
    published = Q(verdicts__state=VerdictState.APPROVED, verdicts__published_at__isnull=False)
    counts = {
        "n_claims": Count("pk", distinct=True),
        "n_verdicts": Count("verdicts", filter=published, distinct=True),
    }
    moments = {
        "t_claim": Max("updated_at"),
        "t_verdict": Max("verdicts__updated_at", filter=published),
        "t_article": Max("article__updated_at"),
        "t_article_publisher": Max("article__publisher__updated_at"),
    }
    if sources:
        counts["n_citations"] = Count("citations", distinct=True)
        moments |= {
            "t_citation": Max("citations__updated_at"),
            "t_source": Max("citations__source__updated_at"),
            "t_publisher": Max("citations__source__publisher__updated_at"),
        }
    values = claims.filter(status=ClaimStatus.PUBLISHED).order_by().aggregate(**counts, **moments)
    if not values["n_verdicts"]:
        cache[key] = (None, None)
        return cache[key]
    desk, ratings = _desk(request), _ratings_signature()
    signature = repr((sorted(values.items()), desk.show_reviewer_names, ratings))
    # Renaming a rating or changing the desk's settings changes pages too: a client that
    # sends only If-Modified-Since must not be told nothing changed.
    last_change = max(
        [values[name] for name in moments if values[name]]
        + [desk.updated_at]
        + [moment for rating in ratings for moment in rating[-2:]]
    )
    cache[key] = (last_change, hashlib.sha256(signature.encode()).hexdigest()[:32])
    return cache[key]


def every_claim(**kwargs) -> QuerySet[Claim]:
    """The claims the index and the feeds are built from (only the published ones count)."""
    return Claim.objects.all()


def fresh_as(claims_for, *, sources: bool = True):
    """condition() with validators from freshness() of the claims a page is built from."""

    def etag(request, *args, **kwargs):
        return freshness(request, claims_for(*args, **kwargs), sources=sources)[1]

    def last_modified(request, *args, **kwargs):
        return freshness(request, claims_for(*args, **kwargs), sources=sources)[0]

    return condition(etag_func=etag, last_modified_func=last_modified)


# Pages ---------------------------------------------------------------------------------


@require_safe
@fresh_as(every_claim, sources=False)
def index(request: HttpRequest):
    """Recent fact-checks, the latest publication (or correction) first."""
    claims = with_fact_check_data(
        published_claims().select_related("article").order_by("-last_published_at", "-pk"),
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
@fresh_as(lambda article_id: Claim.objects.filter(article_id=article_id))
def article_report(request: HttpRequest, article_id: int):
    """An article's published fact-checks with their verdicts, reasoning and sources."""
    article = get_object_or_404(Article.objects.select_related("publisher"), pk=article_id)
    claims = list(
        with_fact_check_data(published_claims().filter(article=article).order_by("start", "end"))
    )
    if not claims:
        # The desk's work on an article stays private until something is published.
        raise Http404("No published fact-checks for this article.")
    desk = _desk(request)
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
@fresh_as(lambda claim_id: Claim.objects.filter(pk=claim_id))
def fact_check_detail(request: HttpRequest, claim_id: int):
    """One published fact-check, with its ClaimReview JSON-LD."""
    claim = get_object_or_404(with_fact_check_data(published_claims()), pk=claim_id)
    desk = _desk(request)
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


def _methodology_etag(request):
    signature = repr((_ratings_signature(), _desk(request).show_reviewer_names))
    return hashlib.sha256(signature.encode()).hexdigest()[:32]


@require_safe
@condition(etag_func=_methodology_etag)
def methodology(request: HttpRequest):
    """How the desk rates claims and corrects its fact-checks."""
    ratings = list(
        Rating.objects.filter(scale__is_default=True)
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
