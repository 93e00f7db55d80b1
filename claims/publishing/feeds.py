"""Feeds of published fact-checks: Atom for readers, a paginated ClaimReview feed (a
schema.org DataFeed) for aggregators. Both list only what the public pages show, the
latest publication or correction first, and answer conditional GETs as the pages do."""

from django.contrib.syndication.views import Feed
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, linebreaks
from django.views.decorators.http import require_safe

from claims.publishing.claimreview import iso
from claims.publishing.freshness import answers_conditional_gets
from claims.publishing.public import (
    FactCheck,
    desk_organisation,
    fact_checks,
    published_claims,
    with_fact_check_data,
)

ATOM_ITEMS = 50
CLAIM_REVIEWS_PER_PAGE = 50


def latest_first():
    return with_fact_check_data(
        published_claims().order_by("-last_published_at", "-pk"), citations=False
    )


class FactCheckFeed(Feed):
    feed_type = Atom1Feed
    title = "Fact-checks"
    subtitle = "Published fact-checks: each claim with its rating and reasoning."

    def get_object(self, request: HttpRequest, *args, **kwargs) -> HttpRequest:
        # Items need absolute URLs; the feed object is shared between requests, so the
        # request travels as the feed's object rather than as an attribute.
        return request

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # The validators are the public pages' (see atom_feed): the latest item's date
        # would miss changes such as a renamed rating or an edited article title.
        response.headers.pop("Last-Modified", None)
        return response

    def link(self) -> str:
        return reverse("public:index")

    def feed_url(self) -> str:
        return reverse("public:feed_atom")

    def author_name(self) -> str:
        return desk_organisation().name

    def author_link(self, request: HttpRequest) -> str:
        return desk_organisation(request).url

    def items(self, request: HttpRequest) -> list[FactCheck]:
        return fact_checks(request, latest_first()[:ATOM_ITEMS], show_names=False)

    def item_title(self, item: FactCheck) -> str:
        return f"{item.verdict.rating.label}: {item.claim.statement}"

    def item_description(self, item: FactCheck) -> str:
        # Atom carries this as type="html": user text must arrive escaped.
        parts = [f"<p><strong>{escape(item.verdict.rating.label)}.</strong></p>"]
        parts.append(linebreaks(escape(item.verdict.reasoning)))
        for verdict in item.corrections:
            parts.append(
                f"<p><em>Correction ({verdict.published_at:%d %B %Y}):</em> "
                f"{escape(verdict.correction_note)}</p>"
            )
        return "".join(parts)

    def item_link(self, item: FactCheck) -> str:
        return item.url

    def item_guid(self, item: FactCheck) -> str:
        return item.url

    def item_pubdate(self, item: FactCheck):
        return item.published_at

    def item_updateddate(self, item: FactCheck):
        return item.updated_at

    def item_categories(self, item: FactCheck) -> list[str]:
        return [item.verdict.rating.label]


# Feed readers poll: an unchanged feed is a 304 (validators as the public pages').
atom_feed = require_safe(answers_conditional_gets(FactCheckFeed()))


@require_safe
@answers_conditional_gets
def claim_review_feed(request: HttpRequest) -> JsonResponse:
    """Published fact-checks as ClaimReview objects in a schema.org DataFeed, a page at a
    time (?page=N); the next and previous pages are in the Link header."""
    paginator = Paginator(latest_first(), CLAIM_REVIEWS_PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404("No such page.") from error
    checks = fact_checks(request, page.object_list, show_names=False)
    base = request.build_absolute_uri(reverse("public:feed_claimreview"))
    data = {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "name": f"{desk_organisation().name}: fact-checks",
        "url": base if page.number == 1 else f"{base}?page={page.number}",
        "dataFeedElement": [check.claim_review for check in checks],
    }
    if checks:
        data["dateModified"] = iso(max(check.updated_at for check in checks))
    response = JsonResponse(data, content_type="application/ld+json")
    links = []
    if page.has_next():
        links.append(f'<{base}?page={page.next_page_number()}>; rel="next"')
    if page.has_previous():
        links.append(f'<{base}?page={page.previous_page_number()}>; rel="prev"')
    if links:
        response["Link"] = ", ".join(links)
    response["X-Total-Count"] = str(paginator.count)
    return response
