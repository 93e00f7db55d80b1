"""The desk's scheduled check of articles imported by URL for a new version.

Every ARTICLE_REFETCH_HOURS (0 turns it off) each article imported from a web page the desk
fetched (not pasted, not uploaded) has its page fetched again. The desk worker calls
`queue_due_checks` between passes (at most once a minute; `manage.py refetch_articles` does
the same once, for a cron job or by hand). A check is due when the last one was queued, or
the article imported, a period ago. Queueing stamps the article's `check_queued_at` by a
conditional update, in the transaction that queues the task, on rows locked with SKIP
LOCKED: two workers looking at once queue a due article once.

The check (`check_article`, a task) fetches the page with the desk's safe fetcher and reads
it with the import's extraction:

- the page's text is the article's, or the text last read from its kept page: only the
  check's time is recorded;
- a different text becomes the article's next version through `revise_article` (by nobody,
  marked re-fetched; the page archived as for an import), which re-anchors every claim or
  flags it for a reviewer;
- a failed fetch, or a text that is empty or less than MIN_SHARE of the article's (a page
  that now says "not found", an extraction that missed the article) changes nothing: the
  reason is recorded on the article and the next period tries again. Such a cut, if real,
  is brought in by a reviewer ("Bring in a new version").
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Coalesce
from django.dispatch import receiver
from django.tasks import TaskResultStatus, task
from django.tasks.signals import task_finished
from django.utils import timezone

from claims.anchoring import text_hash
from claims.importing import ArticleRejected, article_text
from claims.models import ArchivedPage, Article, ArticleVersion
from claims.page_import import fetched_article_page, read_article_page
from claims.permissions import can_revise_article, require
from claims.revisions import RevisionRefused, revise_article
from claims.sources.archive import ArchiveUnreadable, archive_fetched, archived_content
from claims.sources.extraction import PageUnreadable

logger = logging.getLogger("claims.refetch")

# A text read from the page that is shorter than this share of the article's is taken for
# a failed extraction (or an error page), not for a new version.
MIN_SHARE = 0.5
QUEUE_BATCH = 200  # checks queued at most per call; the rest at the next call


class CheckRefused(ValueError):
    """This article's page cannot be checked for a new version; the message says why."""


@dataclass(frozen=True)
class Check:
    """What a check of an article's page found."""

    state: str  # "unchanged" | "revised" | "failed"
    message: str
    version: ArticleVersion | None = None


def refetchable_articles():
    """Articles imported from a web page the desk fetched, with a URL to fetch again."""
    return Article.objects.exclude(url="").filter(archived_page__url__gt="")


def is_refetchable(article: Article) -> bool:
    page = article.archived_page
    return bool(article.url and page is not None and page.url)


def due_checks(now):
    """Refetchable articles whose last check was queued (or import made) a period ago."""
    period = timedelta(hours=settings.ARTICLE_REFETCH_HOURS)
    return (
        refetchable_articles()
        .annotate(last_queued=Coalesce("check_queued_at", "created_at"))
        .filter(last_queued__lte=now - period)
    )


def check_pending(article: Article, now=None) -> bool:
    """A check of the article is queued or running, and not stuck (FETCH_STUCK_SECONDS)."""
    queued, checked = article.check_queued_at, article.checked_at
    if queued is None or (checked is not None and checked >= queued):
        return False
    now = now or timezone.now()
    return queued > now - timedelta(seconds=settings.FETCH_STUCK_SECONDS)


def claim_due_checks(*, now=None, limit: int = QUEUE_BATCH) -> list[int]:
    """Stamp the due articles as queued now and return their ids; none when turned off.
    Each due article is stamped by one caller only, however many look at once."""
    if settings.ARTICLE_REFETCH_HOURS <= 0:
        return []
    now = now or timezone.now()
    with transaction.atomic():
        due = (
            due_checks(now)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("last_queued", "pk")
            .values_list("pk", "check_queued_at")[:limit]
        )
        claimed = [pk for pk, seen in due if stamp_queued(pk, seen=seen, now=now)]
    return claimed


def stamp_queued(article_id: int, *, seen, now) -> bool:
    """Stamp the article's check as queued `now` if its stamp is still the one `seen`:
    a caller that read the same row first and stamped it already wins (False here)."""
    return bool(
        Article.objects.filter(pk=article_id, check_queued_at=seen).update(check_queued_at=now)
    )


def queue_due_checks(*, now=None) -> int:
    """Queue a check of every due article (see claim_due_checks); returns how many."""
    with transaction.atomic():
        claimed = claim_due_checks(now=now)
        transaction.on_commit(lambda: [check_article.enqueue(pk) for pk in claimed])
    return len(claimed)


def queue_check(article: Article, *, by) -> bool:
    """A reviewer's "check for a new version now": queue a check unless one is pending
    (False). NotAllowed for others; CheckRefused for an article not imported by URL."""
    require(can_revise_article(by), "Only reviewers and editors check an article's page.")
    with transaction.atomic():
        articles = Article.objects.select_for_update(of=("self",)).select_related("archived_page")
        current = articles.get(pk=article.pk)
        if not is_refetchable(current):
            raise CheckRefused(
                "This article was not imported from a web page: bring in its new text by hand."
            )
        if check_pending(current) or not stamp_queued(
            current.pk, seen=current.check_queued_at, now=timezone.now()
        ):
            return False
        transaction.on_commit(lambda: check_article.enqueue(current.pk))
    return True


def refusal(current: str, fetched: str) -> str:
    """Why a text read from the article's page is not taken as its new version, or ""."""
    if not fetched.strip():
        return "No article text was found on the page: the article is kept as it is."
    if len(fetched) < MIN_SHARE * len(current):
        return (
            f"The page's text is much shorter than the article's ({len(fetched):,} characters "
            f"against {len(current):,}): it looks like an error page or a failed reading, and "
            "is not taken as a new version. If the article was really cut, bring it in by hand."
        )
    return ""


def check_for_new_version(article_id: int) -> Check:
    """Fetch the article's page and bring in its text as a new version if it changed;
    the outcome is recorded on the article (checked_at, check_error)."""
    article = Article.objects.select_related("archived_page").filter(pk=article_id).first()
    if article is None:
        return Check("failed", "The article no longer exists.")
    if not is_refetchable(article):
        return _recorded(article_id, Check("failed", "The article has no page to fetch."))
    kept = article.archived_page
    try:
        page = fetched_article_page(article.url)
        if hashlib.sha256(page.body).hexdigest() == kept.sha256:
            return _recorded(article_id, Check("unchanged", "The page is the one kept."))
        text = read_article_page(page.body, charset=page.charset, url=page.url).body
        reason = refusal(article.body, text)
        if reason:
            raise ArticleRejected(reason)
        text = article_text(text)
    except (ArticleRejected, PageUnreadable) as error:
        return _recorded(article_id, Check("failed", str(error)))
    if text_hash(text) in (article.body_hash, _text_hash_of(kept)):
        return _recorded(article_id, Check("unchanged", "The article's text has not changed."))
    try:
        with transaction.atomic():
            archived = archive_fetched(page)
            version, outcomes = revise_article(
                article, body=text, archived_page=archived, refetched=True
            )
    except RevisionRefused as error:
        return _recorded(article_id, Check("failed", str(error)))
    flagged = sum(o.is_flagged for o in outcomes)
    message = f"Version {version.number} brought in: {flagged} claim(s) flagged for review."
    return _recorded(article_id, Check("revised", message, version))


def _text_hash_of(page: ArchivedPage) -> str:
    """The hash of the article text read from a kept page ("" if it cannot be read)."""
    try:
        content = archived_content(page)
        text = read_article_page(content.body, charset=content.charset, url=page.url).body
        return text_hash(article_text(text))
    except (ArchiveUnreadable, PageUnreadable, ArticleRejected):
        return ""


def _recorded(article_id: int, check: Check) -> Check:
    error = check.message if check.state == "failed" else ""
    Article.objects.filter(pk=article_id).update(checked_at=timezone.now(), check_error=error)
    if error:
        logger.info("Article %s: check for a new version failed: %s", article_id, error)
    return check


@task
def check_article(article_id: int) -> str:
    """Check an article's page for a new version; returns what happened."""
    return check_for_new_version(article_id).message


@receiver(task_finished)
def check_failed(sender, task_result, **kwargs):
    """A check that raised, or whose workers kept dying, is recorded on its article."""
    if task_result.status != TaskResultStatus.FAILED or not task_result.args:
        return
    if task_result.task.module_path != check_article.module_path:
        return
    lines = task_result.errors[-1].traceback.strip().splitlines() if task_result.errors else []
    reason = (lines[-1].partition(": ")[2] or lines[-1]) if lines else "unknown error"
    _recorded(task_result.args[0], Check("failed", f"The check stopped: {reason}"))


def last_check(article: Article) -> dict:
    """What the article page says about the checks of its page."""
    return {
        "refetchable": is_refetchable(article),
        "every_hours": settings.ARTICLE_REFETCH_HOURS,
        "pending": check_pending(article),
        "checked_at": article.checked_at,
        "error": article.check_error,
    }
