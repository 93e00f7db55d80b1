"""The Django admin for the desk's library and records."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from claims.models import (
    Article,
    Citation,
    Claim,
    Comment,
    Desk,
    Publisher,
    PublisherDomain,
    Rating,
    RatingScale,
    Reliability,
    Source,
    Verdict,
)
from claims.sources import library, library_csv

DOMAIN_CHANGES_SHOWN = 20


class PublisherDomainInline(admin.TabularInline):
    model = PublisherDomain
    extra = 1


class RateForm(forms.Form):
    reliability = forms.ChoiceField(choices=Reliability.choices)
    note = forms.CharField(
        label="Rationale", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class CsvUploadForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="UTF-8, comma-separated, with a header row.")


class CsvAdminMixin:
    """Import and export of the changelist as CSV, with a row-by-row import report."""

    change_list_template = "admin/claims/csv_change_list.html"
    csv_export = None
    csv_import = None
    csv_columns: list[str] = []

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "export-csv/",
                self.admin_site.admin_view(self.export_view),
                name="{}_{}_export_csv".format(*info),
            ),
            path(
                "import-csv/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import_csv".format(*info),
            ),
            *super().get_urls(),
        ]

    def csv_response(self, queryset) -> HttpResponse:
        name = self.model._meta.verbose_name_plural.replace(" ", "-")
        response = HttpResponse(
            type(self).csv_export(queryset), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{name}-{timezone.localdate():%Y-%m-%d}.csv"'
        )
        return response

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return self.csv_response(self.get_queryset(request))

    @admin.action(description="Export the selected rows as CSV")
    def export_selected(self, request, queryset):
        return self.csv_response(queryset)

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = CsvUploadForm(request.POST or None, request.FILES or None)
        report = error = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > library_csv.MAX_BYTES:
                error = "The file is larger than 5 MB."
            else:
                try:
                    report = type(self).csv_import(upload.read(), by=request.user)
                except library_csv.CsvRejected as rejected:
                    error = f"Nothing was changed: {rejected}"
        return TemplateResponse(
            request,
            "admin/claims/csv_import.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Import {self.model._meta.verbose_name_plural} from CSV",
                "opts": self.model._meta,
                "form": form,
                "report": report,
                "error": error,
                "columns": self.csv_columns,
            },
            status=422 if error else 200,
        )


class MergeSourcesForm(forms.Form):
    keep = forms.ModelChoiceField(queryset=Source.objects.none(), widget=forms.RadioSelect)

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = sources


@admin.register(Publisher)
class PublisherAdmin(CsvAdminMixin, SimpleHistoryAdmin):
    csv_export = staticmethod(library_csv.export_publishers)
    csv_import = staticmethod(library_csv.import_publishers)
    csv_columns = library_csv.PUBLISHER_COLUMNS
    list_display = ["name", "reliability", "reliability_rated_on", "domain_list", "source_count"]
    list_filter = ["reliability"]
    search_fields = ["name", "domains__domain"]
    inlines = [PublisherDomainInline]
    readonly_fields = ["domain_changes"]
    actions = ["rate_reliability", "export_selected"]

    def save_model(self, request, obj, form, change):
        # A new rating is dated today unless the admin gave its date.
        if "reliability" in form.changed_data and "reliability_rated_on" not in form.changed_data:
            obj.reliability_rated_on = timezone.localdate()
        super().save_model(request, obj, form, change)

    @admin.action(description="Set the reliability rating of the selected publishers")
    def rate_reliability(self, request, queryset):
        form = RateForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            count = library.rate_publishers(
                queryset,
                reliability=form.cleaned_data["reliability"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
            self.message_user(request, f"Rated {count} publisher(s).", messages.SUCCESS)
            return None
        return TemplateResponse(
            request,
            "admin/claims/publisher/rate.html",
            {
                **self.admin_site.each_context(request),
                "title": "Set reliability",
                "publishers": queryset,
                "form": form,
                "opts": self.model._meta,
                "action": "rate_reliability",
            },
        )

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

    @admin.display(description="Domain changes")
    def domain_changes(self, publisher):
        """The latest domain additions, changes and removals, with who made them."""
        if publisher.pk is None:
            return "—"
        records = (
            PublisherDomain.history.filter(publisher_id=publisher.pk)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")[:DOMAIN_CHANGES_SHOWN]
        )
        if not records:
            return "No changes recorded yet."
        verbs = {"+": "added", "~": "changed", "-": "removed"}
        return format_html(
            "<ul class='domain-changes'>{}</ul>",
            format_html_join(
                "",
                "<li>{}: {} {} by {}</li>",
                (
                    (
                        timezone.localtime(record.history_date).strftime("%Y-%m-%d %H:%M"),
                        record.domain,
                        verbs.get(record.history_type, record.history_type),
                        record.history_user or "the system",
                    )
                    for record in records
                ),
            ),
        )


@admin.register(Source)
class SourceAdmin(CsvAdminMixin, SimpleHistoryAdmin):
    csv_export = staticmethod(library_csv.export_sources)
    csv_import = staticmethod(library_csv.import_sources)
    csv_columns = library_csv.SOURCE_COLUMNS
    list_display = ["title", "publisher", "reliability", "kind", "published_on", "citing_claims"]
    list_filter = ["kind", "publisher__reliability", "publisher"]
    list_select_related = ["publisher"]
    search_fields = ["title", "url", "publisher__name", "author"]
    autocomplete_fields = ["publisher"]
    readonly_fields = [
        "fetch_status",
        "fetch_error",
        "fetched_at",
        "content_hash",
        "created_by",
        "created_at",
        "updated_at",
    ]
    exclude = ["page_text"]
    date_hierarchy = "published_on"
    actions = ["merge_duplicates", "fetch_again", "export_selected"]

    @admin.action(description="Merge the selected sources into one")
    def merge_duplicates(self, request, queryset):
        sources = queryset.select_related("publisher").annotate(
            citing=Count("citations", distinct=True)
        )
        if sources.count() < 2:
            self.message_user(request, "Select at least two sources to merge.", messages.ERROR)
            return None
        form = MergeSourcesForm(request.POST if "apply" in request.POST else None, sources=sources)
        if form.is_bound and form.is_valid():
            keep = form.cleaned_data["keep"]
            moved = library.merge_sources(
                keep, [s for s in sources if s.pk != keep.pk], by=request.user
            )
            self.message_user(
                request,
                f"Merged {sources.count() - 1} source(s) into “{keep}”; {moved} citation(s) moved.",
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/claims/source/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": "Merge duplicate sources",
                "sources": sources,
                "form": form,
                "opts": self.model._meta,
                "action": "merge_duplicates",
            },
        )

    @admin.action(description="Fetch the selected sources' pages again")
    def fetch_again(self, request, queryset):
        for source in queryset:
            library.queue_refresh(source, by=request.user)
        self.message_user(request, f"{queryset.count()} source(s) queued for fetching.")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

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


@admin.register(Desk)
class DeskAdmin(admin.ModelAdmin):
    """The single row of desk settings: it can be changed, not added or deleted."""

    list_display = ["__str__", "cross_checking", "show_reviewer_names"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
