"""The source library's upkeep: filling a source in from its page, checking excerpts,
merging duplicates and rating publishers.

Fetching happens in a background task (claims.sources.tasks); everything here is synchronous
and safe to call from it. A failed fetch is recorded on the source, never raised.
"""

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claims.models import (
    Citation,
    ExcerptCheck,
    FetchStatus,
    Publisher,
    PublisherDomain,
    Source,
)
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


def _publisher_named(name: str, url: str, by) -> Publisher | None:
    """The publisher a page names: an existing one by name, or a new unrated one with the
    page's domain (admins rate and merge them later)."""
    name = name.strip()[:200]
    if not name:
        return None
    existing = Publisher.objects.filter(name__iexact=name).first()
    if existing is not None:
        return existing
    publisher = Publisher(name=name)
    publisher._history_user = by
    publisher.save()
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    if host and not PublisherDomain.objects.filter(domain=host).exists():
        domain = PublisherDomain(publisher=publisher, domain=host)
        domain._history_user = by
        domain.save()
    return publisher


# Publishers whose name matches a search, at most: a search that names more is too vague
# to narrow the library by publisher.
SEARCH_PUBLISHERS = 50


def sources_matching(queryset, query: str, *, fields=("title", "url")):
    """The sources of `queryset` whose `fields` or publisher's name contain `query`.

    The publishers are looked up first (one small query), so the search is one OR of
    conditions on the source table alone, which PostgreSQL answers from the trigram
    indexes of migration 0014 and the publisher key's index rather than by a scan.
    """
    matches = Q()
    for name in fields:
        matches |= Q(**{f"{name}__icontains": query})
    publishers = list(
        Publisher.objects.filter(name__icontains=query).values_list("pk", flat=True)[
            :SEARCH_PUBLISHERS
        ]
    )
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
        if source.publisher is None:
            source.publisher = publisher_for_url(source.url) or _publisher_named(
                meta.site_name, source.url, by
            )
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


def stuck_fetches(sources) -> set[int]:
    """The ids of those sources whose fetch has been pending longer than FETCH_STUCK_SECONDS:
    queued that long without a worker starting it, or running that long (its worker is
    likely gone). No query unless one of them has been pending that long.

    A pending source's `updated_at` is when its fetch was queued (the fetch saves the source
    when it ends; an edit meanwhile only makes it look younger).
    """
    from claims.sources.tasks import live_fetches

    limit = timezone.now() - timedelta(seconds=settings.FETCH_STUCK_SECONDS)
    old = {s.pk for s in sources if s.fetch_status == FetchStatus.PENDING and s.updated_at < limit}
    if not old:
        return set()
    started = live_fetches(old).filter(started_at__gte=limit)
    return old - set(started.values_list("args_kwargs__args__0", flat=True))


def fetchable_sources(sources) -> set[int]:
    """The ids of those sources a reviewer may fetch now: not pending, or stuck pending."""
    sources = list(sources)
    idle = {s.pk for s in sources if s.fetch_status != FetchStatus.PENDING}
    return idle | stuck_fetches(sources)


def queue_refresh(source: Source, *, by=None) -> bool:
    """Fetch the source's page in the background once the current transaction commits.

    Never two live fetches of one source: while a fetch is pending this refuses (False),
    unless that fetch is stuck; then it is retired and a new one queued.
    """
    from claims.sources.tasks import fetch_source, retire_fetches

    with transaction.atomic():
        current = Source.objects.select_for_update().get(pk=source.pk)
        if current.fetch_status == FetchStatus.PENDING:
            if not stuck_fetches([current]):
                return False
            retire_fetches(source.pk)
        source.fetch_status = FetchStatus.PENDING
        source._history_user = by
        source.save(update_fields=["fetch_status", "updated_at"])
        transaction.on_commit(lambda: fetch_source.enqueue(source.pk))
    return True


@transaction.atomic
def merge_sources(keep: Source, duplicates, *, by) -> int:
    """Move every citation of the duplicates to the kept source, then delete them.

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
        duplicate._history_user = by
        duplicate.delete()
    keep._history_user = by
    keep.save()
    return moved


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
