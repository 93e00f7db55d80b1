"""Importing an article: validate its text, store it once, and propose its claims.

One function, `import_article`, serves the management command, the web form and the demo
loader. Bad input raises ArticleRejected with a message meant for the person importing,
and writes nothing.
"""

import datetime
import functools
import json
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from claims.anchoring import quote_selector, text_hash
from claims.detection import ACCEPT_THRESHOLD, ProposedClaim, detected_batches
from claims.models import ArchivedPage, Article, Claim, ClaimOrigin, ClaimStatus, Publisher
from claims.sources.canonical import CanonicalURL, UnsafeURL, canonical_url
from claims.sources.publishers import publisher_for_url

# Characters that never appear in an article's text: C0 controls but tab and newlines.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ArticleRejected(ValueError):
    """The article cannot be imported; the message says why, in plain words."""


@dataclass(frozen=True)
class ImportResult:
    article: Article
    created: bool
    claims_created: int


def article_text(raw: str | bytes) -> str:
    """The article body to store: decoded, newlines normalised, trimmed; or ArticleRejected."""
    limit = settings.ARTICLE_MAX_CHARS
    if isinstance(raw, bytes):
        if len(raw) > limit * 4:
            raise ArticleRejected(_too_long(limit))
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ArticleRejected(
                "The file is not UTF-8 text (is it a binary file such as a PDF or an image?)."
            ) from None
    text = raw.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise ArticleRejected("The article text is empty.")
    if len(text) > limit:
        raise ArticleRejected(_too_long(limit))
    if CONTROL_CHARS.search(text):
        raise ArticleRejected(
            "The text contains control characters: it looks like a binary file, not an article."
        )
    return text


def _too_long(limit: int) -> str:
    return f"The article is too long: the limit is {limit:,} characters."


@transaction.atomic
def import_article(
    *,
    body: str | bytes,
    title: str,
    url: str = "",
    author: str = "",
    published_on: datetime.date | None = None,
    publisher: Publisher | None = None,
    archived_page: ArchivedPage | None = None,
    by=None,
) -> ImportResult:
    """Store an article and its proposed claims; importing the same text again changes nothing.

    Each proposed claim records its span, quote selector, claimant, kind and
    check-worthiness score with the signals behind it. Claims scoring at or above the
    detector's threshold are accepted for checking; the others wait as detected.
    archived_page is the web page the text was read from (claims.page_import).
    """
    text = article_text(body)
    title = (title or "").strip()
    if not title:
        raise ArticleRejected("Give the article a title.")
    if url and not isinstance(url, CanonicalURL):  # the form's field canonicalised it already
        try:
            url = canonical_url(url)
        except UnsafeURL as error:
            raise ArticleRejected(f"Article URL: {error}") from error

    existing = Article.objects.filter(body_hash=text_hash(text)).first()
    if existing is not None:
        return ImportResult(article=existing, created=False, claims_created=0)

    try:
        with transaction.atomic():
            article = Article.objects.create(
                title=title[:500],
                url=url,
                author=author.strip()[:300],
                published_on=published_on,
                publisher=publisher or (publisher_for_url(url) if url else None),
                body=text,
                archived_page=archived_page,
                created_by=by,
            )
    except IntegrityError:
        # The same text was imported by someone else since the check: theirs is the article.
        existing = Article.objects.filter(body_hash=text_hash(text)).first()
        if existing is None:
            raise
        return ImportResult(article=existing, created=False, claims_created=0)
    now = timezone.now()
    created = 0
    # A long article's claims come in batches: the first is stored while the rest are
    # still being detected (see claims.detection.pool).
    for batch in detected_batches(text):
        rows = [_claim_row(article, proposal, by, now) for proposal in one_per_span(batch)]
        _insert_rows(Claim, rows)
        created += len(rows)
    _insert_creation_history(article, by=by, now=now)
    return ImportResult(article=article, created=True, claims_created=created)


def _insert_creation_history(article: Article, *, by, now) -> None:
    """A creation ("+") history record for every claim of the article, written by the
    database from the claims table: the article must have no other claims yet."""
    history = Claim.history.model
    ops = connection.ops
    columns = {field.attname: field.column for field in Claim._meta.concrete_fields}
    own = {
        "history_date": ops.adapt_datetimefield_value(now),
        "history_change_reason": None,
        "history_type": "+",
        "history_user_id": by.pk if by else None,
    }
    targets, selected, params = [], [], []
    for field in history._meta.concrete_fields:
        if field.primary_key:
            continue  # history_id: the database's
        targets.append(ops.quote_name(field.column))
        if field.attname in own:
            selected.append("%s")
            params.append(own[field.attname])
        else:
            selected.append(ops.quote_name(columns[field.attname]))
    params.append(article.pk)
    # Only quoted identifiers from the models' own metadata go into the SQL; values are
    # always parameters.
    sql = (
        f"INSERT INTO {ops.quote_name(history._meta.db_table)} ({', '.join(targets)}) "  # noqa: S608
        f"SELECT {', '.join(selected)} FROM {ops.quote_name(Claim._meta.db_table)} "
        f"WHERE {ops.quote_name(columns['article_id'])} = %s "
        f"ORDER BY {ops.quote_name(columns['id'])}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _insert_rows(model, rows: list[dict]) -> None:
    """Insert rows of column values into the model's table.

    A 1 MB article proposes thousands of claims; building model instances and the ORM's
    bulk_create spend most of their time preparing each value, so the rows go in with one
    executemany (COPY on PostgreSQL), values adapted per field type as the ORM would (JSON
    and datetimes); the database's constraints still check each row. The creation history
    is then copied from the table by the database itself (`_insert_creation_history`).
    """
    if not rows:
        return
    # The primary key (the claim's id) is the database's.
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    ops = connection.ops
    # Column by column: each column's values are adapted in one list comprehension.
    values = []
    for field in fields:
        column = [row[field.attname] for row in rows]
        if isinstance(field, models.JSONField):
            column = [
                value if value is None else json.dumps(value, cls=field.encoder) for value in column
            ]
        elif isinstance(field, models.DateTimeField):
            # Every row carries the same timestamps: adapt each distinct one once.
            adapt = functools.cache(ops.adapt_datetimefield_value)
            column = [value if value is None else adapt(value) for value in column]
        values.append(column)
    params = list(zip(*values, strict=True))
    columns = ", ".join(ops.quote_name(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Only quoted identifiers from the model's own metadata go into the SQL; values are
    # always parameters.
    table = ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows in one go: several times faster than INSERTs.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in params:
                    copy.write_row(row)
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
            cursor.executemany(sql, params)


def one_per_span(proposals: list[ProposedClaim]) -> list[ProposedClaim]:
    """The detector's proposals, one per span (the database allows no two on one span)."""
    by_span = {}
    for proposal in proposals:
        span = (proposal.start, proposal.end)
        if span not in by_span or proposal.score > by_span[span].score:
            by_span[span] = proposal
    return sorted(by_span.values(), key=lambda proposal: (proposal.start, proposal.end))


def _claim_row(article: Article, proposal: ProposedClaim, by, now) -> dict:
    """The column values of a detected claim, anchored on the proposal's span."""
    body = article.body
    selector = quote_selector(body, proposal.start, proposal.end)
    return {
        "article_id": article.pk,
        "quote": selector.exact,
        "start": proposal.start,
        "end": proposal.end,
        "prefix": selector.prefix,
        "suffix": selector.suffix,
        "anchor_hash": article.body_hash,
        "is_orphaned": False,
        "kept_on_version": False,
        "statement": proposal.statement or proposal.quote,
        "claimant": proposal.claimant[:300],
        "kind": proposal.kind,
        "score": min(1.0, max(0.0, proposal.score)),
        "signals": [
            {"name": signal.name, "weight": signal.weight, "evidence": signal.evidence}
            for signal in proposal.signals
        ],
        "origin": ClaimOrigin.DETECTED,
        "status": (
            ClaimStatus.ACCEPTED if proposal.score >= ACCEPT_THRESHOLD else ClaimStatus.DETECTED
        ),
        "dismissal_reason": "",
        "assignee_id": None,
        "version": 1,
        "created_by_id": by.pk if by else None,
        "created_at": now,
        "updated_at": now,
    }
