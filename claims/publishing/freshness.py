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
"""

import datetime
import hashlib
from dataclasses import dataclass
from functools import wraps

from django.db.models import F, Func, IntegerField, QuerySet, Subquery
from django.http import HttpRequest
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, quote_etag

from claims.models import (
    Article,
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


def public_desk(request: HttpRequest) -> Desk:
    """The desk's settings, read once per request together with the public stamp."""
    if not hasattr(request, "_public_desk"):
        request._public_desk = _desk_with_public_summary()
    return request._public_desk


def public_stamp(request: HttpRequest) -> Stamp | None:
    """The desk's public freshness stamp, or None while nothing is published."""
    return _stamp(public_desk(request))


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
            response = view(request, *args, **kwargs)
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
