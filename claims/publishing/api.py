"""The read API for integrations: articles, claims, verdicts and sources as JSON, paginated
and filterable, with an OpenAPI 3 schema at /api/openapi.json (and its docs at /api/docs).

django-ninja: it builds the OpenAPI schema from the type hints the endpoints already need,
validates query parameters with pydantic, and adds one small dependency to the desk.

Anonymous callers see what the public pages show: published claims with their published
verdicts, and the articles and sources those involve. A desk member (reviewer or editor)
sends `Authorization: Bearer <token>` and sees everything: every status, drafts, names.
Tokens are signed (no table): `manage.py api_token USERNAME` prints one; it expires after a
year and stops working when the user changes password, is deactivated or loses the role.
"""

import datetime
from dataclasses import dataclass
from typing import Annotated

from django.contrib.auth import get_user_model
from django.core import signing
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from ninja import Field, NinjaAPI, Path, Query, Schema
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import HttpBearer
from pydantic import AfterValidator

from claims.models import (
    Article,
    Citation,
    Claim,
    ClaimKind,
    ClaimStatus,
    Source,
    SourceKind,
    Verdict,
    VerdictState,
)
from claims.permissions import is_editor, is_reviewer
from claims.publishing.claimreview import claim_review
from claims.publishing.freshness import answers_anonymous_conditional_gets, public_desk
from claims.publishing.public import (
    desk_organisation,
    fact_check_path,
    is_public,
)

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# Bounds that keep generated or hostile numbers inside what databases store (bigint).
MAX_ID = 2**63 - 1
MAX_PAGE = 10**9

# Tokens ---------------------------------------------------------------------------------

TOKEN_SALT = "claims.publishing.api.token"  # noqa: S105 (a signing namespace, not a secret)
TOKEN_MAX_AGE = datetime.timedelta(days=365)


def _password_fingerprint(user) -> str:
    # Changing the password (or making it unusable) revokes the user's tokens.
    return salted_hmac(TOKEN_SALT, user.password, algorithm="sha256").hexdigest()[:20]


def issue_token(user) -> str:
    """A bearer token for the API, valid for TOKEN_MAX_AGE."""
    value = f"{user.pk}:{_password_fingerprint(user)}"
    return signing.TimestampSigner(salt=TOKEN_SALT).sign(value)


def token_user(token: str):
    """The active user a token was issued to, or None if it is forged, expired or revoked."""
    try:
        value = signing.TimestampSigner(salt=TOKEN_SALT).unsign(token, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    pk, _, fingerprint = value.partition(":")
    user = get_user_model().objects.filter(pk=pk, is_active=True).first() if pk.isdigit() else None
    if user is None or not constant_time_compare(fingerprint, _password_fingerprint(user)):
        return None
    return user


@dataclass(frozen=True)
class Caller:
    """Who is asking: a desk member sees everything, anyone else what is public."""

    user: object = None
    is_desk: bool = False

    def __bool__(self) -> bool:  # ninja treats a falsy result as "not authenticated"
        return True


class DeskToken(HttpBearer):
    def authenticate(self, request, token: str) -> Caller:
        user = token_user(token)
        if user is None:
            raise AuthenticationError(message="The token is invalid, expired or revoked.")
        if not (is_reviewer(user) or is_editor(user)):
            raise AuthorizationError(message="The token's user is not a reviewer or editor.")
        return Caller(user=user, is_desk=True)


def anonymous(request) -> Caller:
    """No Authorization header: the public view."""
    return Caller()


class DeskAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        # The token is optional (anonymous callers get the public view): say so with an
        # empty security requirement next to the bearer one.
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                if "security" in operation and {} not in operation["security"]:
                    operation["security"].append({})
        return schema


DESCRIPTION = """Read access to the desk's articles, claims, verdicts and sources.

Without a token you see what the public fact-check pages show: published claims with their
published verdicts (each with its schema.org ClaimReview), and the articles and sources they
involve. A reviewer or editor sends `Authorization: Bearer <token>` (an administrator prints
one with `manage.py api_token USERNAME`) and sees everything, drafts and every status included.

Lists are paginated (`?page=`, `?page_size=` up to 200) and answer `{"items": [...], "count": N}`.
Answers without a token carry the public pages' `ETag` and `Last-Modified`: send
`If-None-Match` or `If-Modified-Since` to get a 304 while nothing public has changed.
Dates and moments are ISO 8601; a moment without a zone is UTC."""

api = DeskAPI(
    title="Fact-check desk API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[DeskToken(), anonymous],
)
# Anonymous callers see the public side: the public pages' validators and 304s.
api.add_decorator(answers_anonymous_conditional_gets, mode="view")


def _caller(request) -> Caller:
    return request.auth


def _show_names(request) -> bool:
    caller = _caller(request)
    if caller.is_desk:
        return True
    return public_desk(request).show_reviewer_names


# Schemas --------------------------------------------------------------------------------


class Pages(PageNumberPagination):
    """?page=N (from 1) and ?page_size=N (default 50, at most 200); answers carry `items`
    and the total `count`."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)


def _aware_utc(value: datetime.datetime) -> datetime.datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    try:
        return value.astimezone(datetime.UTC)
    except OverflowError as error:
        raise ValueError("The moment is out of range.") from error


# A moment in a filter: ISO 8601; without a zone it is UTC.
Moment = Annotated[datetime.datetime, AfterValidator(_aware_utc)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class Invalid(Schema):
    detail: list[dict]


class Message(Schema):
    detail: str


class PublisherRef(Schema):
    id: int
    name: str


class ArticleOut(Schema):
    id: int
    title: str
    url: str
    publisher: PublisherRef | None
    author: str
    published_on: datetime.date | None
    report_url: str | None
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_report_url(obj: Article, context) -> str | None:
        if not obj.has_published_claims:
            return None
        return context["request"].build_absolute_uri(
            reverse("public:article_report", args=[obj.pk])
        )


class SourceOut(Schema):
    id: int
    url: str
    title: str
    publisher: PublisherRef | None
    author: str
    published_on: datetime.date | None
    kind: SourceKind
    archived_url: str
    created_at: datetime.datetime
    updated_at: datetime.datetime


class RatingOut(Schema):
    label: str
    slug: str
    position: int | None


class VerdictOut(Schema):
    id: int
    claim_id: int
    rating: RatingOut
    reasoning: str
    state: VerdictState
    approved_at: datetime.datetime | None
    published_at: datetime.datetime | None
    correction_note: str
    author: str | None
    approved_by: str | None
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_author(obj: Verdict, context) -> str | None:
        return obj.author.get_username() if _show_names(context["request"]) else None

    @staticmethod
    def resolve_approved_by(obj: Verdict, context) -> str | None:
        if obj.approved_by is None or not _show_names(context["request"]):
            return None
        return obj.approved_by.get_username()


class CitationOut(Schema):
    source_id: int
    stance: str
    excerpt: str


class ClaimOut(Schema):
    id: int
    article_id: int
    statement: str
    quote: str
    start: int
    end: int
    claimant: str
    kind: ClaimKind
    status: ClaimStatus
    first_published_at: datetime.datetime | None
    last_published_at: datetime.datetime | None
    fact_check_url: str | None
    verdict: VerdictOut | None
    citations: list[CitationOut]
    claim_review: dict | None
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_fact_check_url(obj: Claim, context) -> str | None:
        if not is_public(obj):
            return None
        return context["request"].build_absolute_uri(fact_check_path(obj.pk))

    @staticmethod
    def resolve_verdict(obj: Claim) -> Verdict | None:
        """The current published verdict."""
        return obj.published[-1] if obj.published else None

    @staticmethod
    def resolve_citations(obj: Claim) -> list[Citation]:
        return obj.all_citations

    @staticmethod
    def resolve_claim_review(obj: Claim, context) -> dict | None:
        if not is_public(obj) or not obj.published:
            return None
        return claim_review(
            obj,
            obj.published[-1],
            url=context["request"].build_absolute_uri(fact_check_path(obj.pk)),
            organisation=desk_organisation(context["request"]),
            first_published_at=obj.first_published_at,
        )


class UpdatedFilter(Schema):
    updated_after: Moment | None = None
    updated_before: Moment | None = None


def _updated(queryset: QuerySet, filters: UpdatedFilter) -> QuerySet:
    if filters.updated_after:
        queryset = queryset.filter(updated_at__gt=filters.updated_after)
    if filters.updated_before:
        queryset = queryset.filter(updated_at__lt=filters.updated_before)
    return queryset


class ArticleFilter(UpdatedFilter):
    published_after: datetime.date | None = None
    published_before: datetime.date | None = None


class ClaimFilter(UpdatedFilter):
    status: ClaimStatus | None = None
    article: Id | None = None
    kind: ClaimKind | None = None
    published_after: Moment | None = None
    published_before: Moment | None = None


class VerdictFilter(UpdatedFilter):
    state: VerdictState | None = None
    claim: Id | None = None
    published_after: Moment | None = None
    published_before: Moment | None = None


class SourceFilter(UpdatedFilter):
    kind: SourceKind | None = None
    published_after: datetime.date | None = None
    published_before: datetime.date | None = None


# What each caller may see ----------------------------------------------------------------


def visible_claims(request) -> QuerySet[Claim]:
    return Claim.objects.visible_to(_caller(request).user).with_publication_dates()


def visible_verdicts(request) -> QuerySet[Verdict]:
    """Anonymous callers: the public verdicts; a desk member: those they may see (none of
    a claim they are to cross-check)."""
    return Verdict.objects.visible_to(_caller(request).user)


def visible_articles(request) -> QuerySet[Article]:
    public = Claim.objects.published().filter(article=OuterRef("pk"))
    articles = Article.objects.annotate(has_published_claims=Exists(public))
    if _caller(request).is_desk:
        return articles
    return articles.filter(has_published_claims=True)


def visible_sources(request) -> QuerySet[Source]:
    if _caller(request).is_desk:
        return Source.objects.all()
    cited = Citation.objects.filter(
        source=OuterRef("pk"), claim__in=Claim.objects.published().values("pk")
    )
    return Source.objects.filter(Exists(cited))


def _claims_loaded(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    verdicts = (
        Verdict.objects.published()
        .select_related("rating__scale", "author", "approved_by")
        .prefetch_related("rating__scale__ratings")
        .order_by("published_at", "pk")
    )
    return (
        claims.select_related("article__publisher")
        .defer("article__body")  # the API gives the article's id, title and address
        .prefetch_related(
            Prefetch("verdicts", queryset=verdicts, to_attr="published"),
            Prefetch(
                "citations", queryset=Citation.objects.order_by("pk"), to_attr="all_citations"
            ),
        )
    )


# Endpoints ------------------------------------------------------------------------------

ERRORS = {401: Message, 403: Message, 422: Invalid}


@api.get("/articles", response={200: list[ArticleOut], **ERRORS}, tags=["articles"])
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_articles(request, filters: Query[ArticleFilter]):
    """Articles (anonymous callers: those with published fact-checks)."""
    articles = _updated(visible_articles(request).select_related("publisher"), filters)
    if filters.published_after:
        articles = articles.filter(published_on__gt=filters.published_after)
    if filters.published_before:
        articles = articles.filter(published_on__lt=filters.published_before)
    return articles.order_by("pk")


@api.get(
    "/articles/{article_id}", response={200: ArticleOut, 404: Message, **ERRORS}, tags=["articles"]
)
def get_article(request, article_id: Path[Id]):
    return get_object_or_404(visible_articles(request).select_related("publisher"), pk=article_id)


@api.get("/claims", response={200: list[ClaimOut], **ERRORS}, tags=["claims"])
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_claims(request, filters: Query[ClaimFilter]):
    """Claims with their current published verdict, citations and ClaimReview (anonymous
    callers: published claims only)."""
    claims = _updated(visible_claims(request), filters)
    if filters.status:
        claims = claims.filter(status=filters.status)
    if filters.article is not None:
        claims = claims.filter(article_id=filters.article)
    if filters.kind:
        claims = claims.filter(kind=filters.kind)
    if filters.published_after:
        claims = claims.filter(last_published_at__gt=filters.published_after)
    if filters.published_before:
        claims = claims.filter(first_published_at__lt=filters.published_before)
    return _claims_loaded(claims).order_by("pk")


@api.get("/claims/{claim_id}", response={200: ClaimOut, 404: Message, **ERRORS}, tags=["claims"])
def get_claim(request, claim_id: Path[Id]):
    return get_object_or_404(_claims_loaded(visible_claims(request)), pk=claim_id)


@api.get("/verdicts", response={200: list[VerdictOut], **ERRORS}, tags=["verdicts"])
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_verdicts(request, filters: Query[VerdictFilter]):
    """Verdicts (anonymous callers: published ones of published claims, including those a
    correction replaced)."""
    verdicts = _updated(visible_verdicts(request), filters)
    if filters.state:
        verdicts = verdicts.filter(state=filters.state)
    if filters.claim is not None:
        verdicts = verdicts.filter(claim_id=filters.claim)
    if filters.published_after:
        verdicts = verdicts.filter(published_at__gt=filters.published_after)
    if filters.published_before:
        verdicts = verdicts.filter(published_at__lt=filters.published_before)
    return verdicts.select_related("rating", "author", "approved_by").order_by("pk")


@api.get(
    "/verdicts/{verdict_id}", response={200: VerdictOut, 404: Message, **ERRORS}, tags=["verdicts"]
)
def get_verdict(request, verdict_id: Path[Id]):
    verdicts = visible_verdicts(request).select_related("rating", "author", "approved_by")
    return get_object_or_404(verdicts, pk=verdict_id)


@api.get("/sources", response={200: list[SourceOut], **ERRORS}, tags=["sources"])
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_sources(request, filters: Query[SourceFilter]):
    """Sources in the library (anonymous callers: those cited by published claims)."""
    sources = _updated(visible_sources(request), filters)
    if filters.kind:
        sources = sources.filter(kind=filters.kind)
    if filters.published_after:
        sources = sources.filter(published_on__gt=filters.published_after)
    if filters.published_before:
        sources = sources.filter(published_on__lt=filters.published_before)
    return sources.select_related("publisher").order_by("pk")


@api.get(
    "/sources/{source_id}", response={200: SourceOut, 404: Message, **ERRORS}, tags=["sources"]
)
def get_source(request, source_id: Path[Id]):
    return get_object_or_404(visible_sources(request).select_related("publisher"), pk=source_id)
