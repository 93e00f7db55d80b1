"""Freshness of the public side: one stamp for every public page, feed and anonymous API
answer, so that conditional GETs (ETag, Last-Modified) work the same everywhere.

The stamp sums up everything readers can see: published claims and their published
verdicts, those claims' articles, citations, sources and publishers, the rating scales and
the desk's settings. It is read in one query (the desk's settings row, with the latest
change and the number of rows of each kind beside it) and once per request. Any public
change changes it, for every page at once: simpler than a stamp per page, and a page
whose subject stopped being public (unpublished, deleted) cannot be answered with a 304
by a client holding its old ETag, because the stamp moved too.

Only public rows count: a draft, a submitted correction or an unpublished claim changes
nothing here, so polling the public side reveals nothing about the desk's work. While
nothing is published there is no stamp, hence no validators.

The summary is a large aggregate (tens of milliseconds on a big desk), so it is kept in
the cache, and each full answer is kept there too under the generation (below), the
stamp's ETag and the address asked: a repeated request costs three cache reads and no
query. Saving or deleting any row a public page shows (signals, `watch_public_rows`)
forgets the summary and the kept answers at once and again when the transaction commits,
by drawing a new "generation" that their keys carry; a summary computed from rows read
before the commit is thus stored under a generation no one asks for any more. With a
shared cache (Redis, REDIS_URL) this holds across processes; with each process's own
memory cache, other processes see a change within PUBLIC_STAMP_TIMEOUT seconds (a
setting, 10 by default), which also bounds changes made without signals (QuerySet.update,
raw SQL) unless their code calls `public_side_changed()`.
"""

import datetime
import hashlib
import logging
import secrets
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Func, IntegerField, QuerySet, Subquery
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, quote_etag

from claims.models import (
    ArchivedPage,
    Article,
    ArticleVersion,
    Citation,
    Claim,
    Desk,
    Publisher,
    Rating,
    RatingScale,
    Source,
    Verdict,
)


def _latest(rows: QuerySet) -> Subquery:
    """MAX(updated_at) of the rows, as a subquery (one value, NULL when there are none)."""
    return Subquery(
        rows.order_by().annotate(latest=Func(F("updated_at"), function="MAX")).values("latest")
    )


def _number(rows: QuerySet) -> Subquery:
    return Subquery(
        rows.order_by()
        .annotate(number=Func(F("pk"), function="COUNT", output_field=IntegerField()))
        .values("number")
    )


def _public_rows() -> dict[str, QuerySet]:
    claims = Claim.objects.published()
    return {
        "claims": claims,
        "verdicts": Verdict.objects.public(),
        "articles": Article.objects.filter(pk__in=claims.values("article")),
        "article_publishers": Publisher.objects.filter(pk__in=claims.values("article__publisher")),
        "citations": Citation.objects.filter(claim__in=claims),
        "sources": Source.objects.filter(citations__claim__in=claims),
        "source_publishers": Publisher.objects.filter(
            pk__in=Source.objects.filter(citations__claim__in=claims).values("publisher")
        ),
        "ratings": Rating.objects.all(),
        "scales": RatingScale.objects.all(),
    }


# Rows that can disappear from the public side without a later timestamp: counted too.
COUNTED = ("claims", "verdicts", "citations", "ratings")


def _desk_with_public_summary() -> Desk:
    summary = {}
    for name, rows in _public_rows().items():
        summary[f"latest_{name}"] = _latest(rows)
        if name in COUNTED:
            summary[f"number_of_{name}"] = _number(rows)
    summary["default_scale"] = Subquery(
        RatingScale.objects.filter(is_default=True).values("pk")[:1]
    )
    desk = Desk.objects.annotate(**summary).order_by("pk").first()
    if desk is None:  # a fresh database: create the settings row, then read again
        Desk.current()
        desk = Desk.objects.annotate(**summary).order_by("pk").first()
    desk.public_summary = {name: getattr(desk, name) for name in sorted(summary)}
    return desk


@dataclass(frozen=True)
class Stamp:
    """When the public side last changed, and an ETag of everything it shows."""

    last_modified: datetime.datetime
    etag: str


def _stamp(desk: Desk) -> Stamp | None:
    summary = desk.public_summary
    if not summary["number_of_verdicts"]:
        return None
    moments = [value for name, value in summary.items() if name.startswith("latest_") and value]
    signature = repr((sorted(summary.items()), desk.show_reviewer_names))
    return Stamp(
        last_modified=max([*moments, desk.updated_at]),
        etag=quote_etag(hashlib.sha256(signature.encode()).hexdigest()[:32]),
    )


logger = logging.getLogger(__name__)

GENERATION_KEY = "public-side:generation"
PAGE_TIMEOUT = 300  # seconds; a page's key holds the stamp's ETag, so it is never stale
# Larger answers (long API pages) are computed each time: with each process's own memory
# cache (300 entries at most) a process then keeps under 40 MB of pages.
PAGE_MAX_BYTES = 128 * 1024


def _stamp_timeout() -> int:
    """How long a summary is kept (seconds): the bound on changes no signal reports, and
    across processes without a shared cache."""
    return getattr(settings, "PUBLIC_STAMP_TIMEOUT", 10)


def _cache_get(key: str):
    try:
        return cache.get(key)
    except Exception as error:  # each backend raises its own; a page is still answered
        logger.warning("Public side: the cache did not answer: %s", error)
        return None


def _cache_set(key: str, value, timeout: int) -> None:
    try:
        cache.set(key, value, timeout)
    except Exception as error:
        logger.warning("Public side: the cache did not answer: %s", error)


def _new_generation() -> None:
    _cache_set(GENERATION_KEY, secrets.token_hex(8), None)


def public_side_changed() -> None:
    """Forget the public summary (and so every kept page): now, and again when the current
    transaction commits, so that no summary read before the commit outlives it."""
    _new_generation()
    transaction.on_commit(_new_generation)


def _forget(sender, **kwargs) -> None:
    public_side_changed()


# Every model the summary or a public page reads.
WATCHED = (
    Article,
    ArticleVersion,
    ArchivedPage,
    Citation,
    Claim,
    Desk,
    Publisher,
    Rating,
    RatingScale,
    Source,
    Verdict,
)


def watch_public_rows() -> None:
    """Forget the summary whenever a row it reads is saved or deleted (AppConfig.ready);
    and the kept pages whenever a user is (pages may show reviewers' names, which the
    summary does not read)."""
    for model in (*WATCHED, get_user_model()):
        uid = f"public-side:{model._meta.label}"
        post_save.connect(_forget, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_forget, sender=model, dispatch_uid=f"{uid}:delete")


def _kept_desk_with_public_summary() -> Desk:
    # The generation is read before the summary's query, so a change committed after that
    # read leaves this summary under a generation already replaced.
    generation = _cache_get(GENERATION_KEY)
    key = f"public-side:summary:{generation}"
    desk = _cache_get(key)
    if desk is None:
        desk = _desk_with_public_summary()
        _cache_set(key, desk, _stamp_timeout())
    desk.generation = generation
    return desk


def public_desk(request: HttpRequest) -> Desk:
    """The desk's settings, read once per request together with the public stamp."""
    if not hasattr(request, "_public_desk"):
        request._public_desk = _kept_desk_with_public_summary()
    return request._public_desk


def public_stamp(request: HttpRequest) -> Stamp | None:
    """The desk's public freshness stamp, or None while nothing is published."""
    return _stamp(public_desk(request))


def _kept_answer(view, request: HttpRequest, stamp: Stamp, *args, **kwargs) -> HttpResponse:
    """The view's answer, kept under the generation, the stamp's ETag and the absolute
    address asked (the public side's answers depend on nothing else): any save of a row a
    page shows draws a new generation, and a change no signal reported moves the ETag
    once the summary is read again, so a kept answer is not served after either."""
    if request.method != "GET":
        return view(request, *args, **kwargs)
    generation = public_desk(request).generation
    address = request.build_absolute_uri()
    signature = f"{generation} {stamp.etag} {address}"
    key = "public-side:page:" + hashlib.sha256(signature.encode()).hexdigest()
    kept = _cache_get(key)
    if kept is not None:
        status, headers, content = kept
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response.headers[name] = value
        return response
    response = view(request, *args, **kwargs)
    if (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and len(response.content) <= PAGE_MAX_BYTES
    ):
        kept = (response.status_code, list(response.headers.items()), response.content)
        _cache_set(key, kept, PAGE_TIMEOUT)
    return response


def answers_conditional_gets(view):
    """Answer a GET from the public stamp: a 304 when the client's copy is current, and
    the stamp's ETag and Last-Modified on every full answer (none on errors)."""

    @wraps(view)
    def answer(request: HttpRequest, *args, **kwargs):
        stamp = public_stamp(request)
        if stamp is None:
            return view(request, *args, **kwargs)
        last_modified = int(stamp.last_modified.timestamp())
        response = get_conditional_response(request, etag=stamp.etag, last_modified=last_modified)
        if response is None:
            response = _kept_answer(view, request, stamp, *args, **kwargs)
        if response.status_code in (200, 304):
            response.headers["ETag"] = stamp.etag
            response.headers["Last-Modified"] = http_date(last_modified)
        return response

    return answer


def answers_anonymous_conditional_gets(view):
    """As answers_conditional_gets for callers without an Authorization header (who see the
    public side); answers to a token carry no validators, and caches keep them apart."""
    conditional = answers_conditional_gets(view)

    @wraps(view)
    def answer(request: HttpRequest, *args, **kwargs):
        anonymous = "HTTP_AUTHORIZATION" not in request.META
        response = (conditional if anonymous else view)(request, *args, **kwargs)
        patch_vary_headers(response, ["Authorization"])
        return response

    return answer
