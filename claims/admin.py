"""The Django admin for the desk's library and records.

Admins keep the source library, publishers, the rating scale and the desk settings here.
Claims and verdicts are records of the workflow: their workflow fields are read-only, and
the claim actions (accept, dismiss, assign, release) call claims/workflow.py like the
workspace does.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from claims import workflow
from claims.admin_lists import ChosenPublisherFilter, PlainCheckboxMixin, PresetLinksMixin
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
    SourceAlias,
    Verdict,
    VerdictState,
)
from claims.permissions import can_edit_claim, reviewers
from claims.sources import csv_format, library, tasks
from claims.sources.csv_admin import CsvAdminMixin
from claims.views.rows import RELIABILITY_LABELS

DOMAIN_CHANGES_SHOWN = 20


class PublisherDomainInline(admin.TabularInline):
    model = PublisherDomain
    extra = 1


class RateForm(forms.Form):
    reliability = forms.ChoiceField(choices=Reliability.choices)
    note = forms.CharField(
        label="Rationale", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class MergeSourcesForm(forms.Form):
    keep = forms.ModelChoiceField(queryset=Source.objects.none(), widget=forms.RadioSelect)

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = sources


@admin.register(Publisher)
class PublisherAdmin(CsvAdminMixin, SimpleHistoryAdmin):
    csv_export = staticmethod(csv_format.export_publishers)
    csv_kind = "publishers"
    csv_columns = csv_format.PUBLISHER_COLUMNS
    list_display = ["name", "reliability", "reliability_rated_on", "domain_list", "source_count"]
    list_filter = ["reliability"]
    search_fields = ["name", "domains__domain"]
    # Explicit: the annotated queryset drops Meta.ordering, and the source form's
    # publisher autocomplete pages through it (unordered, the pages may overlap).
    ordering = ["name"]
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


class SourceAliasInline(admin.TabularInline):
    """The URLs of duplicates merged into this source: citing one finds it."""

    model = SourceAlias
    extra = 0
    fields = ["url", "created_at"]
    readonly_fields = ["url", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Source)
class SourceAdmin(PresetLinksMixin, PlainCheckboxMixin, CsvAdminMixin, SimpleHistoryAdmin):
    csv_export = staticmethod(csv_format.export_sources)
    csv_kind = "sources"
    csv_columns = csv_format.SOURCE_COLUMNS
    list_display = ["title", "publisher", "reliability", "kind", "published_on", "citing_claims"]
    # No filter listing every publisher (thousands) and no date hierarchy (two more scans
    # of the matching sources per page): the publisher is searched by name instead.
    list_filter = ["kind", "publisher__reliability", ChosenPublisherFilter, "published_on"]
    list_select_related = ["publisher"]
    list_per_page = 50  # a search of a 100,000-source library: rendering rows is the cost
    search_fields = ["title", "url", "author"]  # and the publisher's name: get_search_results
    show_full_result_count = False
    autocomplete_fields = ["publisher"]
    readonly_fields = [
        "site_name",
        "fetch_status",
        "fetch_error",
        "fetched_at",
        "content_hash",
        "created_by",
        "created_at",
        "updated_at",
    ]
    exclude = ["page_text"]
    inlines = [SourceAliasInline]
    actions = ["merge_duplicates", "fetch_again", "confirm_site_name", "export_selected"]

    class Media:  # the publisher filter's autocomplete, as the source form's
        css = {
            "screen": [
                "admin/css/vendor/select2/select2.min.css",
                "admin/css/autocomplete.css",
                "claims/admin-publisher-filter.css",
            ]
        }
        js = [
            "admin/js/vendor/jquery/jquery.min.js",
            "admin/js/vendor/select2/select2.full.min.js",
            "admin/js/jquery.init.js",
            "admin/js/autocomplete.js",
            "claims/admin-publisher-filter.js",
        ]

    @admin.action(description="File the selected sources under the publisher their page names")
    def confirm_site_name(self, request, queryset):
        """The admin confirms what a page says about itself (Source.site_name): its host is
        linked to that publisher (an existing one of that name, or a new unrated one)."""
        filed = 0
        for source in queryset.exclude(site_name=""):
            publisher = Publisher.objects.filter(name__iexact=source.site_name).first()
            if publisher is None:
                publisher = Publisher(name=source.site_name)
                publisher._history_user = request.user
                publisher.save()
            filed += library.link_host(source, publisher, by=request.user)
        self.message_user(request, f"{filed} source(s) filed under the publisher their page names.")

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
            tasks.queue_refresh(source, by=request.user)
        self.message_user(request, f"{queryset.count()} source(s) queued for fetching.")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_queryset(self, request):
        # A count per row shown, rather than a GROUP BY over every matching source.
        # (One citation per claim and source: counting citations counts claims.)
        citing = (
            Citation.objects.filter(source=OuterRef("pk"))
            .order_by()
            .values("source")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .defer("page_text", "summary", "fetch_error")
            .annotate(citing_claims=Coalesce(Subquery(citing), 0))
        )

    def get_search_results(self, request, queryset, search_term):
        found, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            found |= library.sources_matching(queryset, term, fields=())
        return found, duplicates

    @admin.display(description="Reliability", ordering="publisher__reliability")
    def reliability(self, source):
        if source.publisher is None:
            return "—"
        # get_reliability_display(), without building the labels' dict for every row.
        return RELIABILITY_LABELS.get(source.publisher.reliability, source.publisher.reliability)

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


# Claims, citations and verdicts: the workflow's records --------------------------------
#
# The workflow (claims/workflow.py) is the only way a claim's status, assignee or verdict
# moves: it checks who may act, runs the evidence checks, raises the version and records
# the history. Here its fields are read-only, a claim in review or published is read-only
# as a whole (what readers see changes only through a correction), verdicts are read and
# never written, history is never reverted, and the actions call the workflow.


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """History to read, never to revert: a past record would bring back an old status,
    verdict or citation without the workflow's checks."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history saves a posted history form whatever revert_disabled says.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


def claim_is_open(request, claim: Claim | None) -> bool:
    """The claim may change here as it could in the workspace: not in review, not published."""
    return claim is None or can_edit_claim(request.user, claim)


def workflow_action(description: str):
    """An action that moves claims through the workflow: offered to those who may change
    claims, on the list of claims and on a claim's page."""
    return admin.action(
        description=description,
        permissions=["change"],
        location=[ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM],
    )


def claim_label(claim: Claim) -> str:
    return f"“{Truncator(claim.statement).chars(60)}”"


class DismissForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why the claims are not worth checking; kept on each claim and in its history.",
    )


class AssignForm(forms.Form):
    to = forms.ModelChoiceField(queryset=None, label="Assign to", empty_label=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = reviewers()


class ClaimAdminForm(forms.ModelForm):
    """A claim's change form, refused when someone saved the claim after it was loaded."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        # Locked until the admin's save commits (the change view runs in a transaction).
        current = (
            Claim.objects.select_for_update()
            .values_list("version", flat=True)
            .get(pk=self.instance.pk)
        )
        if cleaned.get("loaded_version") != current:
            raise forms.ValidationError(
                "This claim was changed by someone else while you were editing it. "
                "Open it again to see their change before making yours."
            )
        return cleaned


class CitationInline(admin.TabularInline):
    model = Citation
    fk_name = "claim"
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["source", "stance", "excerpt", "note", "added_by"]
    readonly_fields = ["added_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source", "added_by")

    # `claim` is the claim whose page shows the inline.
    def has_add_permission(self, request, claim=None):
        return super().has_add_permission(request, claim) and claim_is_open(request, claim)

    def has_change_permission(self, request, claim=None):
        return super().has_change_permission(request, claim) and claim_is_open(request, claim)

    def has_delete_permission(self, request, claim=None):
        return super().has_delete_permission(request, claim) and claim_is_open(request, claim)


WORKFLOW_HELP = (
    "The status and the assignee move only through the workflow: use the actions "
    "(on this page or on the list of claims), or the claim's panel in the workspace."
)


@admin.register(Claim)
class ClaimAdmin(ReadOnlyHistoryAdmin):
    """Claims are added in the workspace (anchored to the article's words) or detected at
    import; here an open claim's text is corrected and the workflow is driven by actions."""

    form = ClaimAdminForm
    list_display = ["statement", "article", "claimant", "kind", "status", "score", "assignee"]
    list_filter = ["status", "kind", "origin", "is_orphaned"]
    list_select_related = ["article", "assignee"]
    search_fields = ["statement", "quote", "claimant", "article__title"]
    show_full_result_count = False
    # Newest first, from the primary key's index. The model's order (by article date, then
    # place in the text) sorts every claim of every article joined to its article before
    # the first page shows: 13.5 ms at 5,555 claims, growing with the desk.
    ordering = ["-pk"]

    def get_queryset(self, request):
        # The article is shown by its title: never copy its body into every row.
        return super().get_queryset(request).defer("article__body")

    fieldsets = [
        (None, {"fields": ["article", "statement", "claimant", "kind"]}),
        (
            "Workflow",
            {
                "fields": ["status", "assignee", "dismissal_reason", "version"],
                "description": WORKFLOW_HELP,
            },
        ),
        (
            "Place in the article",
            {
                "fields": [
                    *("quote", "start", "end", "prefix", "suffix", "anchor_hash"),
                    *("is_orphaned", "kept_on_version"),
                ]
            },
        ),
        ("Detection", {"fields": ["score", "signals", "origin"]}),
        ("Record", {"fields": ["created_by", "created_at", "updated_at"]}),
    ]
    readonly_fields = [
        # The workflow's fields.
        "status",
        "assignee",
        "dismissal_reason",
        "version",
        # Where the claim is and who made it: a claim does not move to another article.
        "article",
        "quote",
        "start",
        "end",
        "prefix",
        "suffix",
        "anchor_hash",
        "signals",
        "origin",
        "created_by",
        "created_at",
        "updated_at",
    ]
    inlines = [CitationInline]
    actions = ["accept_claims", "dismiss_claims", "assign_claims", "release_claims"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and claim_is_open(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and claim_is_open(request, obj)

    def get_fieldsets(self, request, obj=None):
        if obj is None or not self.has_change_permission(request, obj):
            return self.fieldsets
        first, *others = self.fieldsets
        return [(None, {"fields": [*first[1]["fields"], "loaded_version"]}), *others]

    def save_model(self, request, obj, form, change):
        # Saving an unchanged form would still record a history entry and move updated_at.
        if not form.has_changed():
            return
        # A reviewer's form opened before this save now meets a conflict, not an overwrite.
        obj.version += 1
        super().save_model(request, obj, form, change)

    # Actions: each claim goes through the workflow; each refusal is reported.

    def run_transition(self, request, claims, transition, *, done: str) -> None:
        changed = 0
        for claim in claims.order_by("pk"):
            try:
                transition(claim)
            except workflow.TransitionRefused as refusal:
                self.message_user(request, f"{claim_label(claim)}: {refusal}", messages.ERROR)
            else:
                changed += 1
        if changed:
            self.message_user(request, f"{done} {changed} claim(s).", messages.SUCCESS)

    def ask(self, request, claims, form, *, action: str, title: str, submit: str):
        """The page where an action asks for what it needs (a reason, a reviewer)."""
        return TemplateResponse(
            request,
            "admin/claims/claim/action_form.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "claims": claims.select_related("article", "assignee"),
                "form": form,
                "opts": self.model._meta,
                "action": action,
                "submit": submit,
            },
        )

    @workflow_action("Accept the selected claims (worth checking)")
    def accept_claims(self, request, queryset):
        self.run_transition(
            request,
            queryset,
            lambda claim: workflow.accept(claim, by=request.user),
            done="Accepted",
        )

    @workflow_action("Dismiss the selected claims, with a reason")
    def dismiss_claims(self, request, queryset):
        form = DismissForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self.ask(
                request,
                queryset,
                form,
                action="dismiss_claims",
                title="Dismiss claims",
                submit="Dismiss",
            )
        reason = form.cleaned_data["reason"]
        self.run_transition(
            request,
            queryset,
            lambda claim: workflow.dismiss(claim, by=request.user, reason=reason),
            done="Dismissed",
        )
        return None

    @workflow_action("Assign the selected claims to a reviewer")
    def assign_claims(self, request, queryset):
        form = AssignForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self.ask(
                request,
                queryset,
                form,
                action="assign_claims",
                title="Assign claims",
                submit="Assign",
            )
        reviewer = form.cleaned_data["to"]
        self.run_transition(
            request,
            queryset,
            lambda claim: workflow.assign(claim, by=request.user, to=reviewer),
            done="Assigned",
        )
        return None

    @workflow_action("Release the selected claims (unassign, back to the pool)")
    def release_claims(self, request, queryset):
        self.run_transition(
            request,
            queryset,
            lambda claim: workflow.release(claim, by=request.user),
            done="Released",
        )


class CitationAdminForm(forms.ModelForm):
    user = None  # set by CitationAdmin.get_form: the admin saving the form

    def clean_claim(self):
        claim = self.cleaned_data["claim"]
        if not can_edit_claim(self.user, claim):
            raise forms.ValidationError(
                f"This claim is {claim.get_status_display().lower()}: "
                "its citations cannot change now."
            )
        return claim


@admin.register(Citation)
class CitationAdmin(ReadOnlyHistoryAdmin):
    """Citations of an open claim; those of a claim in review or published are read-only
    (the public page lists them)."""

    form = CitationAdminForm
    list_display = ["claim", "source", "stance", "added_by", "created_at"]
    list_filter = ["stance"]
    list_select_related = ["claim", "source", "added_by"]
    search_fields = ["claim__statement", "source__title", "source__url", "excerpt"]
    raw_id_fields = ["claim", "source", "added_by"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or claim_is_open(request, obj.claim)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or claim_is_open(request, obj.claim)
        )


# Drafts and returned verdicts are nobody's pending or published work.
DELETABLE_VERDICT_STATES = frozenset({VerdictState.DRAFT, VerdictState.RETURNED})


@admin.register(Verdict)
class VerdictAdmin(ReadOnlyHistoryAdmin):
    """Verdicts to read. Their author drafts them in the claim panel; they move only through
    the workflow (submitted, cross-checked, approved on the review page after the evidence
    checks, sent back, corrected with a note), so nothing here adds or changes one."""

    list_display = ["claim", "rating", "state", "author", "approved_by", "published_at"]
    list_filter = ["state", "rating"]
    list_select_related = ["claim", "rating", "author", "approved_by"]
    search_fields = ["claim__statement", "reasoning", "correction_note"]
    fields = [
        "claim",
        "in_the_workspace",
        "state",
        "rating",
        "reasoning",
        "correction_note",
        "author",
        "submitted_at",
        "cross_checked_by",
        "cross_check_rating",
        "review_note",
        "approved_by",
        "approved_at",
        "published_at",
        "override_reason",
        "version",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields  # the history pages show the same form

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.state in DELETABLE_VERDICT_STATES
        )

    @admin.display(description="Workflow")
    def in_the_workspace(self, verdict):
        return format_html(
            '<a href="{}">Open the claim in the workspace</a> to review, approve, send back '
            "or correct its verdict.",
            verdict.claim.get_absolute_url(),
        )


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
