"""The Django admin for the desk's library and records."""

from django.contrib import admin
from django.db.models import Count
from simple_history.admin import SimpleHistoryAdmin

from claims.models import (
    Article,
    Citation,
    Claim,
    Comment,
    Publisher,
    PublisherDomain,
    Rating,
    RatingScale,
    Source,
    Verdict,
)


class PublisherDomainInline(admin.TabularInline):
    model = PublisherDomain
    extra = 1


@admin.register(Publisher)
class PublisherAdmin(SimpleHistoryAdmin):
    list_display = ["name", "reliability", "reliability_rated_on", "domain_list", "source_count"]
    list_filter = ["reliability"]
    search_fields = ["name", "domains__domain"]
    inlines = [PublisherDomainInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(source_count=Count("sources", distinct=True))
            .prefetch_related("domains")
        )

    @admin.display(description="Domains")
    def domain_list(self, publisher):
        return ", ".join(domain.domain for domain in publisher.domains.all())

    @admin.display(description="Sources", ordering="source_count")
    def source_count(self, publisher):
        return publisher.source_count


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "publisher", "reliability", "kind", "published_on", "citing_claims"]
    list_filter = ["kind", "publisher__reliability", "publisher"]
    list_select_related = ["publisher"]
    search_fields = ["title", "url", "publisher__name", "author"]
    autocomplete_fields = ["publisher"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    date_hierarchy = "published_on"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(citing_claims=Count("citations__claim", distinct=True))
        )

    @admin.display(description="Reliability", ordering="publisher__reliability")
    def reliability(self, source):
        return source.publisher.get_reliability_display() if source.publisher else "—"

    @admin.display(description="Citing claims", ordering="citing_claims")
    def citing_claims(self, source):
        return source.citing_claims


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "published_on", "claim_count", "created_at"]
    list_filter = ["publisher"]
    list_select_related = ["publisher"]
    search_fields = ["title", "url", "author"]
    autocomplete_fields = ["publisher"]
    readonly_fields = ["body_hash", "created_by", "created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(claim_count=Count("claims"))

    def get_readonly_fields(self, request, obj=None):
        # The text is fixed once claims point into it.
        if obj is not None and obj.claims.exists():
            return [*self.readonly_fields, "body"]
        return self.readonly_fields

    @admin.display(description="Claims", ordering="claim_count")
    def claim_count(self, article):
        return article.claim_count


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["source", "stance", "excerpt", "note", "added_by"]
    readonly_fields = ["added_by"]


@admin.register(Claim)
class ClaimAdmin(SimpleHistoryAdmin):
    list_display = ["statement", "article", "claimant", "kind", "status", "score", "assignee"]
    list_filter = ["status", "kind", "origin", "is_orphaned"]
    list_select_related = ["article", "assignee"]
    search_fields = ["statement", "quote", "claimant", "article__title"]
    raw_id_fields = ["article", "assignee", "created_by"]
    readonly_fields = [
        "quote",
        "start",
        "end",
        "prefix",
        "suffix",
        "anchor_hash",
        "signals",
        "version",
        "created_at",
        "updated_at",
    ]
    inlines = [CitationInline]


@admin.register(Citation)
class CitationAdmin(SimpleHistoryAdmin):
    list_display = ["claim", "source", "stance", "added_by", "created_at"]
    list_filter = ["stance"]
    list_select_related = ["claim", "source", "added_by"]
    search_fields = ["claim__statement", "source__title", "source__url", "excerpt"]
    raw_id_fields = ["claim", "source", "added_by"]


class RatingInline(admin.TabularInline):
    model = Rating
    extra = 0
    prepopulated_fields = {"slug": ["label"]}


@admin.register(RatingScale)
class RatingScaleAdmin(admin.ModelAdmin):
    list_display = ["name", "is_default", "rating_count"]
    inlines = [RatingInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(rating_count=Count("ratings"))

    @admin.display(description="Ratings")
    def rating_count(self, scale):
        return scale.rating_count


@admin.register(Verdict)
class VerdictAdmin(SimpleHistoryAdmin):
    list_display = ["claim", "rating", "state", "author", "approved_by", "published_at"]
    list_filter = ["state", "rating"]
    list_select_related = ["claim", "rating", "author", "approved_by"]
    search_fields = ["claim__statement", "reasoning", "correction_note"]
    raw_id_fields = ["claim", "author", "approved_by"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["claim", "author", "created_at", "excerpt"]
    list_select_related = ["claim", "author"]
    search_fields = ["body", "claim__statement"]
    raw_id_fields = ["claim", "author"]

    @admin.display(description="Comment")
    def excerpt(self, comment):
        return comment.body[:80]
