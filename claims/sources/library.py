"""The source library's upkeep: filling a source in from its page, checking excerpts,
merging duplicates and rating publishers.

Fetching happens in a background task queued by claims.sources.tasks (which imports this
module, never the other way round); everything here is synchronous
and safe to call from it. A failed fetch is recorded on the source, never raised.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import Exists, F, Q
from django.db.models.functions import Upper
from django.db.models.lookups import IContains, IRegex, PatternLookup
from django.utils import timezone

from claims.baked import BakedQuery
from claims.models import (
    Citation,
    Claim,
    ExcerptCheck,
    FetchStatus,
    Publisher,
    PublisherDomain,
    Source,
    SourceAlias,
)
from claims.search import MAX_WORDS, word_pattern
from claims.sources.archive import archive_fetched
from claims.sources.extraction import PageUnreadable, decode_html, extracted_page
from claims.sources.fetching import FetchRefused, fetch_page
from claims.sources.pagemeta import content_hash, excerpt_found
from claims.sources.publishers import publisher_for_url


def check_excerpt(citation: Citation, source: Source) -> bool:
    """Set the citation's excerpt check from the source's fetched text; True if it changed."""
    if not source.page_text or not citation.excerpt.strip():
        return False
    found = excerpt_found(citation.excerpt, source.page_text)
    check = ExcerptCheck.FOUND if found else ExcerptCheck.NOT_FOUND
    changed = check != citation.excerpt_check or not citation.checked_hash
    citation.excerpt_check = check
    if not citation.checked_hash:
        citation.checked_hash = source.content_hash
    return changed


# Publishers whose name matches a search, at most: a search that names more is too vague
# to narrow the library by publisher.
SEARCH_PUBLISHERS = 50


class _Like(IContains):
    """icontains whose value is already its LIKE pattern (`like_pattern`): the same SQL,
    and the value a parameter as it is, so that a baked query can take it."""

    def process_rhs(self, compiler, connection):
        return super(PatternLookup, self).process_rhs(compiler, connection)


def like_pattern(text: str, connection) -> str:
    """What icontains looks for: `text` anywhere, LIKE's own characters escaped."""
    return IContains.param_pattern % connection.ops.prep_for_like_query(text)


@dataclass(frozen=True)
class _Words:
    """A search's words as its SQL takes them: each one's LIKE pattern (what the trigram
    indexes serve) and regular expression (from the start of a word), and the whole
    query's LIKE pattern for the address."""

    likes: tuple[str, ...]
    patterns: tuple[str, ...]
    address: str

    @classmethod
    def of(cls, query: str, connection) -> "_Words":
        words = query.split()[:MAX_WORDS]
        return cls(
            tuple(like_pattern(word, connection) for word in words),
            tuple(word_pattern(word) for word in words),
            like_pattern(query, connection),
        )

    def values(self) -> dict[str, str]:
        """The words' patterns by name, as the baked queries take them."""
        named = {f"like{n}": like for n, like in enumerate(self.likes)}
        return named | {f"pattern{n}": pattern for n, pattern in enumerate(self.patterns)}


def _words_indexed(fields, likes, patterns) -> Q:
    """words_filter (each word from the start of a word), with each word's plain substring
    test before it: implied by the pattern, and what the trigram indexes serve, so that
    PostgreSQL narrows the rows by index before it checks the patterns.

    Each pattern is matched (ignoring case) against UPPER(field), as the substring test
    is: PostgreSQL tests the cheaper condition of a scan first, and a pattern on the bare
    field would cost less than UPPER() and LIKE, so a scan (the planner's choice for the
    2,000 publishers) would run the pattern on every row, three times the time.
    """
    matches = Q()
    for like, pattern in zip(likes, patterns, strict=True):
        matches &= reduce(
            or_, (Q(_Like(F(name), like)) & IRegex(Upper(name), pattern) for name in fields)
        )
    return matches


def _words_from(values: dict, count: int) -> tuple[list, list]:
    return [values[f"like{n}"] for n in range(count)], [values[f"pattern{n}"] for n in range(count)]


def _publishers_named(count: int, **values):
    likes, patterns = _words_from(values, count)
    publishers = Publisher.objects.filter(_words_indexed(["name"], likes, patterns))
    return publishers.values_list("pk", flat=True)[:SEARCH_PUBLISHERS]


def _sources_found(count: int, publishers: int, **values):
    """The library search of the claim panel: the first matching sources, newest first, of
    a claim that exists (else none)."""
    likes, patterns = _words_from(values, count)
    matches = _words_indexed(["title"], likes, patterns) | Q(_Like(F("url"), values["address"]))
    if publishers:
        matches |= Q(publisher__in=[values[f"publisher{n}"] for n in range(publishers)])
    claim = Claim.objects.filter(pk=values["claim_id"], article_id=values["article_id"])
    found = Source.objects.filter(matches).filter(Exists(claim)).select_related("publisher")
    return found.only(*LISTED_SOURCE_FIELDS).order_by("-published_on", "title")[:LISTED_FOUND]


# Asked at each keystroke of a library search: built once per process and shape (the
# number of words, of publishers named) (claims/baked.py).
PUBLISHERS_NAMED = BakedQuery(_publishers_named)
SOURCES_FOUND = BakedQuery(_sources_found)
# Sources a library search lists.
LISTED_FOUND = 8


def _named(words: _Words) -> list[int]:
    """The publishers whose name the words find, at most SEARCH_PUBLISHERS."""
    if not words.likes:
        return []
    return PUBLISHERS_NAMED.fetch(len(words.likes), **words.values())


# What a list of library sources shows (title or host, publisher, kind, date): never a
# fetched page's whole text.
LISTED_SOURCE_FIELDS = ("url", "title", "kind", "published_on", "publisher__name")


def search_library(query: str, *, claim_id: int, article_id: int) -> list[Source]:
    """The sources a reviewer citing for the claim finds by typing `query`: whole words of
    the title or of the publisher's name, or part of the address; none if the claim does
    not exist. Two queries: the publishers named, then the sources, each answered from the
    trigram indexes of migration 0016 and the publisher key's index."""
    words = _Words.of(query, connections[router.db_for_read(Source)])
    publishers = _named(words)
    values = words.values() | {f"publisher{n}": pk for n, pk in enumerate(publishers)}
    values |= {"address": words.address, "claim_id": claim_id, "article_id": article_id}
    return SOURCES_FOUND.fetch(len(words.likes), len(publishers), **values)


def sources_matching(queryset, query: str, *, fields=("title", "url")):
    """The sources of `queryset` whose `fields` or publisher's name contain `query`.

    The publishers are looked up first (one small query), so the search is one OR of
    conditions on the source table alone, which PostgreSQL answers from the trigram
    indexes of migration 0016 and the publisher key's index rather than by a scan.
    """
    words = _Words.of(query, connections[queryset.db])
    # Words of the title and of the publisher's name match from the start of a word (a
    # search for "UN" finds neither "Council" nor "Jong-un"); the address by any part.
    word_fields = [name for name in fields if name != "url"]
    matches = _words_indexed(word_fields, words.likes, words.patterns) if word_fields else Q()
    if "url" in fields:
        matches |= Q(_Like(F("url"), words.address))
    publishers = _named(words)
    if publishers:
        matches |= Q(publisher__in=publishers)
    # No condition at all is no match (an empty Q() would be every source).
    return queryset.filter(matches) if matches else queryset.none()


@dataclass(frozen=True)
class RefreshResult:
    source: Source
    fetched: bool
    message: str


def refresh_source(source_id: int, *, by=None) -> RefreshResult:
    """Fetch a source's page; fill in empty metadata, keep its readable text and hash,
    and check the excerpts that cite it. A failure is recorded on the source."""
    source = Source.objects.get(pk=source_id)
    try:
        page = fetch_page(
            source.url,
            timeout=settings.FETCH_TIMEOUT_SECONDS,
            max_bytes=settings.FETCH_MAX_BYTES,
            allow_loopback=settings.FETCH_ALLOW_LOOPBACK,
        )
        # The page's article text: a quote from its menu or teasers is not "found".
        meta = extracted_page(decode_html(page.body, page.charset), url=page.url)
    except (FetchRefused, PageUnreadable) as error:
        source = record_fetch_failure(source_id, str(error), by=by)
        return RefreshResult(source, False, str(error))

    text = meta.body
    archived = archive_fetched(page, by=by)
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source_id)
        # What a reviewer typed always wins: only empty fields are filled in.
        source.title = source.title or meta.title
        source.author = source.author or meta.author
        source.published_on = source.published_on or meta.published_on
        # A page may call itself anything: what it says is kept as a suggestion for an
        # admin, and only a host an admin linked names the publisher.
        source.site_name = meta.site_name.strip()[:200]
        if source.publisher is None:
            source.publisher = publisher_for_url(source.url)
        source.page_text = text
        source.archived_page = archived
        source.content_hash = content_hash(text)
        source.fetch_status = FetchStatus.FETCHED
        source.fetch_error = ""
        source.fetched_at = page.fetched_at
        source._history_user = by
        source.save()
        for citation in source.citations.all():
            if check_excerpt(citation, source):
                citation._history_user = by
                citation.save(update_fields=["excerpt_check", "checked_hash", "updated_at"])
    return RefreshResult(source, True, "Fetched.")


def record_fetch_failure(
    source_id: int, reason: str, *, by=None, only_if_pending: bool = False
) -> Source | None:
    """Record that the source's page could not be fetched, and why; with `only_if_pending`,
    only over a fetch still pending (a later fetch may have succeeded meanwhile)."""
    with transaction.atomic():
        source = Source.objects.select_for_update().filter(pk=source_id).first()
        if source is None or (only_if_pending and source.fetch_status != FetchStatus.PENDING):
            return None
        source.fetch_status = FetchStatus.FAILED
        source.fetch_error = reason[:2000]
        source.fetched_at = timezone.now()
        source._history_user = by
        source.save()
    return source


@transaction.atomic
def merge_sources(keep: Source, duplicates, *, by) -> int:
    """Move every citation of the duplicates to the kept source, then delete them; their
    URLs stay as aliases of the kept source (citing one of them finds it).

    A claim citing both keeps its citation of the kept source (the duplicate's excerpt
    and note are appended to it so nothing is lost). Returns the citations moved.
    """
    moved = 0
    keep = Source.objects.select_for_update().get(pk=keep.pk)
    for duplicate in duplicates:
        if duplicate.pk == keep.pk:
            continue
        for citation in Citation.objects.select_for_update().filter(source=duplicate):
            existing = Citation.objects.filter(claim=citation.claim_id, source=keep).first()
            if existing is not None:
                for name in ("excerpt", "note"):
                    extra = getattr(citation, name).strip()
                    if extra and extra not in getattr(existing, name):
                        joined = "\n\n".join(filter(None, [getattr(existing, name), extra]))
                        setattr(existing, name, joined)
                existing._history_user = by
                existing.save()
                citation._history_user = by
                citation.delete()
            else:
                citation.source = keep
                citation._history_user = by
                citation.save()
            moved += 1
        for name in ("title", "author", "published_on", "publisher", "archived_url", "summary"):
            if not getattr(keep, name) and getattr(duplicate, name):
                setattr(keep, name, getattr(duplicate, name))
        # The duplicate's URL (and the URLs merged into it before) go on finding the source.
        SourceAlias.objects.filter(source=duplicate).update(source=keep)
        url = duplicate.url
        duplicate._history_user = by
        duplicate.delete()
        SourceAlias.objects.create(url=url, source=keep)
    keep._history_user = by
    keep.save()
    return moved


def source_host(url: str) -> str:
    """The host a publisher's domain rule would name for this URL (without "www.")."""
    return (urlsplit(url).hostname or "").lower().rstrip(".").removeprefix("www.")


@transaction.atomic
def link_host(source: Source, publisher: Publisher, *, by) -> int:
    """An admin's decision: the source's host belongs to `publisher`. Adds the domain rule
    (unless the host is ruled already) and files every source of that host that has no
    publisher under it; returns how many sources were filed."""
    host = source_host(source.url)
    if not host:
        return 0
    if not PublisherDomain.objects.filter(domain=host).exists():
        domain = PublisherDomain(publisher=publisher, domain=host)
        domain._history_user = by
        domain.save()
    filed = 0
    # The rule decides, as for a new source: the host's subdomains are filed too.
    unfiled = Source.objects.select_for_update().filter(publisher__isnull=True, url__icontains=host)
    for other in unfiled:
        found = publisher_for_url(other.url)
        if found is not None:
            other.publisher = found
            other._history_user = by
            other.save()
            filed += 1
    return filed


@transaction.atomic
def rate_publishers(publishers, *, reliability: str, note: str, by) -> int:
    """Set the reliability rating (with its rationale and today's date) of publishers."""
    count = 0
    for publisher in publishers:
        publisher.reliability = reliability
        if note:
            publisher.reliability_note = note
        publisher.reliability_rated_on = timezone.localdate()
        publisher._history_user = by
        publisher.save()
        count += 1
    return count
