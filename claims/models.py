"""The desk's domain: articles, their claims, the source library, citations and verdicts.

Names follow PRODUCT.md. Constraints that keep the data honest live in the database
(check and unique constraints), so that no write path can bypass them.
"""

import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from claims.anchoring import SpanError, TextQuoteSelector, check_span, text_hash
from claims.choices import (
    ClaimKind,
    ClaimOrigin,
    ClaimStatus,
    ExcerptCheck,
    FetchStatus,
    ImportState,
    Reliability,
    SourceKind,
    Stance,
    VerdictState,
)
from claims.querysets import ArticleQuerySet, ClaimQuerySet, RatingQuerySet, VerdictQuerySet
from claims.sources.canonical import CanonicalURL, canonical_url


class Publisher(models.Model):
    """An outlet or institution, with its web domains and the desk's reliability rating."""

    name = models.CharField(max_length=200, unique=True)
    homepage = models.URLField(max_length=500, blank=True)
    reliability = models.CharField(
        max_length=20, choices=Reliability.choices, default=Reliability.UNRATED
    )
    reliability_note = models.TextField(
        blank=True, help_text="Why the desk rates this publisher so; shown to reviewers."
    )
    reliability_rated_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reliability__in=Reliability.values),
                name="publisher_reliability_valid",
            ),
        ]

    def __str__(self):
        return self.name


class PublisherDomain(models.Model):
    """A web domain of a publisher (registrable domain; subdomains match too)."""

    publisher = models.ForeignKey(Publisher, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=253, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.CheckConstraint(
                condition=Q(domain=models.functions.Lower("domain")) & ~Q(domain=""),
                name="publisherdomain_lowercase",
            ),
        ]

    def __str__(self):
        return self.domain


class ArchivedPage(models.Model):
    """A web page as the desk got it, fetched or uploaded, kept in the desk's own storage
    as a WARC file (the page's bytes and the response headers), never changed."""

    url = models.URLField(
        max_length=2000, blank=True, help_text="Where it was fetched from; empty if uploaded."
    )
    warc = models.FileField(upload_to="archive/%Y/%m/")
    content_type = models.CharField(max_length=100, default="text/html")
    charset = models.CharField(max_length=40, blank=True, help_text="As the server declared it.")
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the page's bytes.")
    size = models.PositiveIntegerField(help_text="The page's bytes.")
    captured_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self):
        return f"{self.url or 'uploaded page'} ({self.captured_at:%Y-%m-%d %H:%M})"


class Source(models.Model):
    """One document in the shared library. One canonical URL is one source."""

    url = models.URLField(
        "canonical URL", max_length=2000, unique=True, help_text="Normalised on save."
    )
    title = models.CharField(max_length=500, blank=True)
    publisher = models.ForeignKey(
        Publisher, on_delete=models.SET_NULL, null=True, blank=True, related_name="sources"
    )
    author = models.CharField(max_length=300, blank=True)
    published_on = models.DateField(null=True, blank=True)
    kind = models.CharField(max_length=20, choices=SourceKind.choices, default=SourceKind.NEWS)
    summary = models.TextField(blank=True, help_text="What the document says, in brief.")
    archived_url = models.URLField("archived copy", max_length=2000, blank=True)
    archived_page = models.ForeignKey(
        ArchivedPage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The page as the desk last fetched it.",
    )
    site_name = models.CharField(
        "publisher the page names",
        max_length=200,
        blank=True,
        help_text="What the fetched page says its publisher is (og:site_name): a suggestion "
        "for an admin to confirm, never trusted. Only an admin links a host to a publisher.",
    )
    fetch_status = models.CharField(
        max_length=20, choices=FetchStatus.choices, default=FetchStatus.NOT_FETCHED
    )
    fetch_error = models.TextField(blank=True, help_text="Why the last fetch failed.")
    fetched_at = models.DateTimeField(null=True, blank=True)
    page_text = models.TextField(blank=True, help_text="The page's readable text when fetched.")
    content_hash = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the readable text when fetched."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["page_text"])

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SourceKind.values), name="source_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="source_url_http",
            ),
        ]

    def __str__(self):
        return self.title or self.url

    def save(self, *args, **kwargs):
        # A URL from anywhere but canonical_url() (the admin, a shell) is canonicalised
        # here, so that no write path stores another form; a CanonicalURL is trusted.
        if not isinstance(self.url, CanonicalURL):
            self.url = canonical_url(self.url)
        super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        source = super().from_db(db, field_names, values, **kwargs)
        if "url" in source.__dict__:  # stored canonical: saving it again trusts it
            source.url = CanonicalURL(source.url)
        return source

    @property
    def display_title(self) -> str:
        """The title, or for a page not (yet) described the host it is on, never the raw URL."""
        if self.title:
            return self.title
        host = (urlsplit(self.url).hostname or "").removeprefix("www.")
        return f"Untitled page on {host}" if host else "Untitled page"

    @property
    def wayback_save_url(self) -> str:
        """The Wayback Machine page that archives this source's URL when opened."""
        return f"https://web.archive.org/save/{self.url}"


class SourceAlias(models.Model):
    """Another URL of a source: a duplicate's, kept when an admin merged it into this one,
    so that citing the old URL finds the merged source."""

    url = models.URLField(max_length=2000, unique=True)
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="aliases")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "source aliases"

    def __str__(self):
        return self.url


class LibraryImport(models.Model):
    """An admin's CSV file of publishers or sources, kept from its preview until the import
    the admin confirms (claims.sources.library_csv). Its random id is the token in the
    preview's address; only the admin who uploaded the file may see or confirm it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20)  # a file format: "publishers" or "sources"
    file_name = models.CharField(max_length=255, blank=True)
    text = models.TextField(help_text="The file's text, as checked (5 MB at most).")
    preview = models.JSONField(help_text="What each row would do: counts and rows listed.")
    plan_digest = models.CharField(
        max_length=64, help_text="SHA-256 of every row's planned action and changes."
    )
    state = models.CharField(
        max_length=20, choices=ImportState.choices, default=ImportState.PREVIEWED
    )
    report = models.JSONField(null=True, blank=True, help_text="What the import did.")
    error = models.TextField(blank=True, help_text="Why the import wrote nothing.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} CSV {self.file_name or self.pk} ({self.state})"

    @property
    def confirmable(self) -> bool:
        """Previewed, and no row of the file is refused."""
        return self.state == ImportState.PREVIEWED and not self.preview["counts"]["refused"]


class Article(models.Model):
    """The text being checked. Its body is fixed once claims point into it."""

    title = models.CharField(max_length=500)
    url = models.URLField(max_length=2000, blank=True)
    publisher = models.ForeignKey(
        Publisher, on_delete=models.SET_NULL, null=True, blank=True, related_name="articles"
    )
    author = models.CharField(max_length=300, blank=True)
    published_on = models.DateField(null=True, blank=True)
    body = models.TextField()
    body_hash = models.CharField(max_length=64, unique=True, editable=False)
    archived_page = models.ForeignKey(
        ArchivedPage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The web page the article was imported from, as the desk got it.",
    )
    # The scheduled check of an article imported by URL for a new version (claims.refetch).
    check_queued_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When a check of its page was queued."
    )
    checked_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the last check of its page ended."
    )
    check_error = models.TextField(
        blank=True, editable=False, help_text="Why the last check of its page failed."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="article_body_not_empty"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        new_hash = text_hash(self.body)
        if self.pk and new_hash != self.body_hash and self.claims.exists():
            raise ValidationError(
                "The article text is fixed once claims point into it; bring in a new version."
            )
        self.body_hash = new_hash
        adding = self._state.adding
        with transaction.atomic():
            super().save(*args, **kwargs)
            if adding:  # the text first imported is the article's first version
                ArticleVersion.objects.create(
                    article=self,
                    number=1,
                    body=self.body,
                    body_hash=self.body_hash,
                    archived_page=self.archived_page,
                    created_by=self.created_by,
                    created_at=self.created_at,
                )

    def get_absolute_url(self):
        return reverse("claims:article_detail", args=[self.pk])


class ArticleVersion(models.Model):
    """One text of an article as the desk had it: the first import and every revision.

    The article's body is its latest version's; older versions are never changed.
    """

    # No index of its own: the unique (article, number) constraint's index serves.
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="versions", db_index=False
    )
    number = models.PositiveIntegerField(help_text="1 for the text first imported.")
    body = models.TextField()
    body_hash = models.CharField(max_length=64, db_index=True)
    archived_page = models.ForeignKey(
        ArchivedPage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The web page this text was read from, as the desk got it.",
    )
    claim_outcomes = models.JSONField(
        default=list,
        blank=True,
        help_text="What bringing in this text did to each claim: claim, outcome, quote.",
    )
    refetched = models.BooleanField(
        default=False, help_text="Brought in by the desk's scheduled check of the article's page."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["article", "number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="articleversion_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="articleversion_from_1"),
        ]

    def __str__(self):
        return f"{self.article} (version {self.number})"


class Claim(models.Model):
    """One checkable assertion in an article, anchored to its exact words."""

    # No index of its own: the unique (article, start, end) constraint's index serves.
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="claims", db_index=False
    )
    quote = models.TextField(help_text="The exact words of the article.")
    start = models.PositiveIntegerField(help_text="Code-point offset of the quote's start.")
    end = models.PositiveIntegerField(help_text="Code-point offset just after the quote.")
    prefix = models.CharField(max_length=64, blank=True)
    suffix = models.CharField(max_length=64, blank=True)
    anchor_hash = models.CharField(
        max_length=64, help_text="SHA-256 of the article text the span was counted in."
    )
    is_orphaned = models.BooleanField(
        default=False,
        help_text="The quote could not be found again in the article's latest version: "
        "a reviewer is to look at it.",
    )
    kept_on_version = models.BooleanField(
        default=False,
        help_text="A reviewer left the orphaned claim on the version it was found in (kept "
        "as checked there, or dismissed): no longer flagged.",
    )
    statement = models.TextField(help_text="A self-contained restatement to check.")
    claimant = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=20, choices=ClaimKind.choices, default=ClaimKind.OTHER)
    score = models.FloatField(default=0.0, help_text="Check-worthiness, 0 to 1.")
    signals = models.JSONField(
        default=list, blank=True, help_text="What produced the score: name, weight, evidence."
    )
    origin = models.CharField(
        max_length=20, choices=ClaimOrigin.choices, default=ClaimOrigin.DETECTED
    )
    status = models.CharField(
        max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.DETECTED
    )
    dismissal_reason = models.TextField(blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_claims",
    )
    version = models.PositiveIntegerField(default=1, help_text="Raised on every change.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClaimQuerySet.as_manager()
    # History is looked up by claim; indexes on the other keys would only slow imports.
    history = HistoricalRecords(no_db_index=["article", "assignee", "created_by"])

    class Meta:
        ordering = ["article", "start", "end"]
        indexes = [models.Index(fields=["status", "assignee"])]
        permissions = [("assign_claim", "Can assign claims to anyone")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="claim_span_nonempty"),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=1), name="claim_score_0_1"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ClaimStatus.values), name="claim_status_valid"
            ),
            models.CheckConstraint(condition=Q(kind__in=ClaimKind.values), name="claim_kind_valid"),
            models.CheckConstraint(
                condition=Q(origin__in=ClaimOrigin.values), name="claim_origin_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ClaimStatus.DISMISSED) | ~Q(dismissal_reason=""),
                name="claim_dismissal_has_reason",
            ),
            models.CheckConstraint(condition=~Q(quote=""), name="claim_quote_not_empty"),
            models.CheckConstraint(condition=~Q(statement=""), name="claim_statement_not_empty"),
            # One claim per span of a text: an orphaned claim keeps the span and the hash
            # of the version it was last found in, so it never blocks the current text.
            models.UniqueConstraint(
                fields=["article", "start", "end", "anchor_hash"],
                name="claim_unique_span_per_text",
            ),
        ]

    def __str__(self):
        return self.statement

    def get_absolute_url(self):
        return reverse("claims:claim_detail", args=[self.article_id, self.pk])

    @cached_property
    def link(self) -> str:
        """Its address; the workspace sets it for a window's claims from one reverse()."""
        return self.get_absolute_url()

    @property
    def is_flagged(self) -> bool:
        """Orphaned by a revision and waiting for a reviewer (claims.resolving)."""
        return self.is_orphaned and not self.kept_on_version

    @property
    def selector(self) -> TextQuoteSelector:
        return TextQuoteSelector(exact=self.quote, prefix=self.prefix, suffix=self.suffix)

    def anchor_to(self, text: str, start: int, end: int, *, body_hash: str = "") -> None:
        """Point the claim at text[start:end], recording its quote selector and text hash.

        `body_hash` may pass text_hash(text) when the caller already has it.
        """
        from claims.anchoring import quote_selector

        selector = quote_selector(text, start, end)
        self.start, self.end = start, end
        self.quote, self.prefix, self.suffix = selector.exact, selector.prefix, selector.suffix
        self.anchor_hash = body_hash or text_hash(text)
        self.is_orphaned = self.kept_on_version = False

    def clean(self):
        super().clean()
        if self.article_id is None:
            return
        try:
            check_span(self.article.body, self.start, self.end, self.quote)
        except SpanError as error:
            raise ValidationError({"quote": str(error)}) from error


class RatingScale(models.Model):
    """The verdict labels a desk uses. Exactly one scale is the default."""

    name = models.CharField(max_length=100, unique=True)
    is_default = models.BooleanField(default=False)
    description = models.TextField(blank=True)
    # Public pages show the default scale: their Last-Modified takes this into account.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="ratingscale_one_default",
            ),
        ]

    def __str__(self):
        return self.name


class Rating(models.Model):
    """One verdict label. `position` is ClaimReview's ratingValue (higher is truer)."""

    scale = models.ForeignKey(RatingScale, on_delete=models.CASCADE, related_name="ratings")
    label = models.CharField(max_length=100, help_text="ClaimReview's alternateName.")
    slug = models.SlugField(max_length=100)
    position = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1 is the worst; empty for ratings off the scale."
    )
    definition = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0, help_text="Display order.")
    updated_at = models.DateTimeField(auto_now=True)  # public pages' Last-Modified

    objects = RatingQuerySet.as_manager()

    class Meta:
        ordering = ["scale", "order"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "label"], name="rating_unique_label"),
            models.UniqueConstraint(fields=["scale", "slug"], name="rating_unique_slug"),
            models.UniqueConstraint(
                fields=["scale", "position"],
                condition=Q(position__isnull=False),
                name="rating_unique_position",
            ),
            models.CheckConstraint(
                condition=Q(position__isnull=True) | Q(position__gte=1),
                name="rating_position_from_1",
            ),
        ]

    def __str__(self):
        return self.label


class Citation(models.Model):
    """A claim citing a source, with the excerpt that matters."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    stance = models.CharField(max_length=20, choices=Stance.choices)
    excerpt = models.TextField(blank=True)
    note = models.TextField(blank=True)
    excerpt_check = models.CharField(
        max_length=20, choices=ExcerptCheck.choices, default=ExcerptCheck.UNCHECKED
    )
    copied_from = models.ForeignKey(
        Claim,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The earlier claim this citation was copied from, for a reviewer to check.",
    )
    checked_hash = models.CharField(
        max_length=64,
        blank=True,
        help_text="The source page's content hash when the excerpt was checked.",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "source"], name="citation_unique_source"),
            models.CheckConstraint(
                condition=Q(stance__in=Stance.values), name="citation_stance_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_stance_display()}: {self.source}"

    @property
    def page_changed(self) -> bool:
        """The source page changed since the excerpt was checked against it."""
        return bool(
            self.checked_hash
            and self.source.content_hash
            and self.checked_hash != self.source.content_hash
        )


class Verdict(models.Model):
    """A reviewer's rating of a claim with the reasoning.

    A change after publication is a new verdict with a correction note; the old one stays.
    """

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="verdicts")
    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="verdicts")
    reasoning = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verdicts"
    )
    state = models.CharField(
        max_length=20, choices=VerdictState.choices, default=VerdictState.DRAFT
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_verdicts",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    correction_note = models.TextField(
        blank=True, help_text="Set on a verdict that corrects a published one: what changed."
    )
    review_note = models.TextField(
        blank=True, help_text="The editor's (or cross-checker's) note when sending it back."
    )
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who sent it back: an editor, or the cross-checker whose rating differed.",
    )
    override_reason = models.TextField(
        blank=True, help_text="Why the editor approved with unmet evidence checks."
    )
    cross_check_rating = models.ForeignKey(
        Rating, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cross_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cross_checked_verdicts",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VerdictQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["claim", "created_at"]
        permissions = [("approve_verdict", "Can approve verdicts or send them back")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=VerdictState.values), name="verdict_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(cross_checked_by__isnull=True) | ~Q(cross_checked_by=F("author")),
                name="verdict_cross_checker_not_author",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("author")),
                name="verdict_approver_not_author",
            ),
            models.CheckConstraint(
                condition=~Q(state=VerdictState.APPROVED)
                | (Q(approved_by__isnull=False) & Q(approved_at__isnull=False)),
                name="verdict_approved_has_approver",
            ),
            models.UniqueConstraint(
                fields=["claim", "author"],
                condition=Q(state__in=[VerdictState.DRAFT, VerdictState.SUBMITTED]),
                name="verdict_one_open_per_author",
            ),
        ]
        indexes = [
            # My work's queue of verdicts waiting for approval or a cross-check, oldest
            # first: read in order instead of sorting every submitted verdict.
            models.Index(
                fields=["submitted_at"],
                condition=Q(state=VerdictState.SUBMITTED),
                name="verdict_submitted_queue",
            ),
        ]

    def __str__(self):
        return f"{self.rating} ({self.get_state_display()})"


class Desk(models.Model):
    """The desk's own settings, kept by admins (a single row)."""

    cross_checking = models.BooleanField(
        default=False,
        help_text="A second reviewer rates each claim without seeing the first rating; "
        "differing ratings go back to the first reviewer.",
    )
    show_reviewer_names = models.BooleanField(
        default=True, help_text="Name the reviewer and editor on public fact-check pages."
    )
    updated_at = models.DateTimeField(auto_now=True)  # public pages' Last-Modified

    class Meta:
        verbose_name = "desk settings"
        verbose_name_plural = "desk settings"

    def __str__(self):
        return "Desk settings"

    @classmethod
    def current(cls) -> "Desk":
        desk, _ = cls.objects.get_or_create(pk=1)
        return desk


class Comment(models.Model):
    """Discussion on a claim."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="comment_body_not_empty"),
        ]

    def __str__(self):
        return self.body[:60]


class ArticleStamp(models.Model):
    """How many times what an article's workspace lists has changed: its claims and their
    verdicts. The database counts them itself, by triggers (migration 0021), so no way of
    writing escapes the count: a form, the admin, a bulk update or raw SQL. Article 0 counts
    the changes that concern every article: the rating scale (a rating added, relabelled or
    removed, another scale made the default; migration 0022), a user's name, the desk's
    cross-checking. The workspace keeps its first screen in the cache under these counts
    (claims.views.workspace.first_screen), and the desk its rating scale under article 0's
    (claims.views.workspace.default_ratings).

    On PostgreSQL the count moves as the change commits (a deferred trigger): a reader that
    sees the new count sees the change, and the row is locked only while committing.
    """

    EVERY_ARTICLE = 0

    article_id = models.BigIntegerField(primary_key=True)
    changes = models.BigIntegerField(default=0)

    def __str__(self):
        return f"Article {self.article_id}: {self.changes} change(s)"
