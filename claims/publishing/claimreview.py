"""A published claim as schema.org ClaimReview: the one serialiser behind the public pages,
the feeds and the API.

Pure: no queries of its own. Callers load the claim's article (and its publisher) and the
verdict's rating with its scale's ratings (`prefetch_related("rating__scale__ratings")`),
which give bestRating and worstRating.

Follows https://schema.org/ClaimReview and the fact-check markup that search engines and
aggregators read: numbers only from the scale's positions (1 is the worst, higher is
truer), the label always as alternateName, the claim's statement (never the verdict) as
claimReviewed.
"""

import datetime
import json
import re
from typing import NamedTuple

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from claims.detection.referents import is_title
from claims.models import Article, Claim, Rating, Verdict
from claims.sources.canonical import safe_link


class Organisation(NamedTuple):
    """Who publishes the fact-checks: ClaimReview's author."""

    name: str
    url: str


# Words that mark a claimant as an institution rather than a person; a claimant naming
# several parties ("Washington and Seoul") is treated as an organisation too.
ORGANISATION_WORDS = re.compile(
    r"\b(ministry|department|agency|government|office|council|committee|commission|"
    r"service|services|army|military|forces|command|chiefs|staff|party|parliament|"
    r"congress|senate|assembly|court|police|bank|fund|union|association|institute|"
    r"university|company|corporation|inc|ltd|news|press|media|network|broadcast|"
    r"newspaper|times|post|herald|organisation|organization|group|un|nato|eu|"
    r"white house|kremlin|pentagon|pyongyang|seoul|washington|moscow|beijing|tokyo)\b"
    r"|\band\b|,|&",
    re.IGNORECASE,
)


# Words of a claimant that describes people without naming them: "Officials", "US
# officials", "A senior official", "Experts".
DESCRIPTION_WORDS = re.compile(
    r"\A(?:the|a|an|some|many|several|most|other|two|three|four|five)\b"
    r"|\b(?:officials?|experts?|analysts?|sources?|authorities|critics?|residents?|"
    r"witnesses|observers?|diplomats?|lawmakers?|legislators?|scientists?|researchers?|"
    r"people|activists?|protesters?|spokes(?:man|woman|person)|aides?|advisers?|"
    r"advisors?|insiders?|someone|somebody|they)\b",
    re.IGNORECASE,
)


def claimant_type(name: str) -> str | None:
    """ "Organization" for an institution or several parties; None for a claimant naming
    nobody (a title such as "The head of American diplomacy", a description such as
    "Officials"): neither a person nor a body, so no ClaimReview author; else "Person"."""
    if ORGANISATION_WORDS.search(name):
        return "Organization"
    if is_title(name) or DESCRIPTION_WORDS.search(name):
        return None
    return "Person"


def iso(moment: datetime.datetime | datetime.date) -> str:
    """ISO 8601, to the second for a moment (aware, as stored)."""
    if isinstance(moment, datetime.datetime):
        return moment.replace(microsecond=0).isoformat()
    return moment.isoformat()


def scale_bounds(rating: Rating) -> tuple[int, int] | None:
    """(worst, best) positions of the rating's scale, or None when it has no range."""
    positions = [r.position for r in rating.scale.ratings.all() if r.position is not None]
    if not positions or min(positions) < 1 or max(positions) <= min(positions):
        return None
    return min(positions), max(positions)


def review_rating(rating: Rating) -> dict:
    """ClaimReview's reviewRating: numbers only for a rating with a position on a range."""
    data: dict = {"@type": "Rating"}
    bounds = scale_bounds(rating)
    if rating.position is not None and bounds is not None:
        worst, best = bounds
        data.update(ratingValue=rating.position, bestRating=best, worstRating=worst)
    data["alternateName"] = rating.label
    return data


def claim_author(claim: Claim) -> dict | None:
    """Who made the claim: the claimant, else the article's author or publisher. None for
    a claimant naming nobody: the article did not make that claim, and a made-up Person
    would mislead whoever reads the markup."""
    article = claim.article
    if claim.claimant.strip():
        name = claim.claimant.strip()
        kind = claimant_type(name)
        return None if kind is None else {"@type": kind, "name": name}
    if article.author.strip():
        return {"@type": "Person", "name": article.author.strip()}
    if article.publisher is not None:
        return {"@type": "Organization", "name": article.publisher.name}
    return None


def appearance(article: Article) -> dict:
    """The article the claim appeared in."""
    data: dict = {"@type": "NewsArticle" if article.publisher_id else "CreativeWork"}
    if safe_link(article.url):
        data["url"] = safe_link(article.url)
    data["headline"] = article.title
    if article.published_on:
        data["datePublished"] = iso(article.published_on)
    if article.author.strip():
        data["author"] = {"@type": "Person", "name": article.author.strip()}
    if article.publisher is not None:
        data["publisher"] = {"@type": "Organization", "name": article.publisher.name}
    return data


def claim_review(
    claim: Claim,
    verdict: Verdict,
    *,
    url: str,
    organisation: Organisation,
    first_published_at: datetime.datetime | None = None,
) -> dict:
    """The ClaimReview of a claim's current (approved, published) verdict.

    `url` is the fact-check page's canonical URL; `first_published_at` is when the claim's
    first verdict was published, so that a later correction shows as dateModified.
    """
    published = verdict.published_at or verdict.approved_at
    first = first_published_at or published
    item: dict = {"@type": "Claim"}
    author = claim_author(claim)
    if author is not None:
        item["author"] = author
    if claim.article.published_on:
        item["datePublished"] = iso(claim.article.published_on)
    item["appearance"] = appearance(claim.article)
    data: dict = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "datePublished": iso(first),
    }
    if published and first and published > first:
        data["dateModified"] = iso(published)
    data.update(
        author={"@type": "Organization", "name": organisation.name, "url": organisation.url},
        claimReviewed=claim.statement.strip(),
        reviewRating=review_rating(verdict.rating),
        itemReviewed=item,
    )
    return data


# Django's json_script escapes these so that no string can close the <script> element
# or open a comment; it only emits type="application/json", hence this twin.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def ld_json_script(data: dict) -> SafeString:
    """`data` as a <script type="application/ld+json"> element, safe inside HTML."""
    text = json.dumps(data, cls=DjangoJSONEncoder).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308
