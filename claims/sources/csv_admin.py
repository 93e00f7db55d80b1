"""The admin's CSV export and import of the source library (publishers and sources).

An upload is read as a whole and previewed in the request: a page says what each row would
do, and nothing is written. The file waits with its preview (LibraryImport, under a random
id that only its uploader may open) until the admin confirms it; only a file whose rows are
all accepted can be confirmed. The background worker then imports it, all or nothing
(claims.sources.tasks.import_library_csv), while the same page reloads itself until the
import is done or has failed, having written nothing.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from claims.models import ImportState, LibraryImport
from claims.sources import csv_format, library_csv, tasks

ACTION_NAMES = {
    "refused": "refused",
    "created": "new",
    "updated": "update",
    "alias": "update through an alias",
    "unchanged": "unchanged",
}


class CsvUploadForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="UTF-8, comma-separated, with a header row.")


class CsvAdminMixin:
    """Import and export of a model admin's changelist as CSV."""

    change_list_template = "admin/claims/csv_change_list.html"
    csv_export = None
    csv_kind = ""  # a file format of csv_format: "publishers" or "sources"
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
            path(
                "import-csv/<uuid:import_id>/",
                self.admin_site.admin_view(self.import_detail_view),
                name="{}_{}_import_csv_detail".format(*info),
            ),
            path(
                "import-csv/<uuid:import_id>/confirm/",
                self.admin_site.admin_view(require_POST(self.import_confirm_view)),
                name="{}_{}_import_csv_confirm".format(*info),
            ),
            path(
                "import-csv/<uuid:import_id>/preview-again/",
                self.admin_site.admin_view(require_POST(self.import_again_view)),
                name="{}_{}_import_csv_again".format(*info),
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

    def may_import(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def import_url(self, name: str, job: LibraryImport) -> str:
        info = self.model._meta.app_label, self.model._meta.model_name
        return reverse("admin:{}_{}_import_csv_{}".format(*info, name), args=[job.pk])

    def import_view(self, request):
        """The upload form; a good file is previewed (nothing written) and kept."""
        if not self.may_import(request):
            raise PermissionDenied
        form = CsvUploadForm(request.POST or None, request.FILES or None)
        error = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > csv_format.MAX_BYTES:
                    raise csv_format.CsvRejected("the file is larger than 5 MB.")
                job = library_csv.preview_upload(
                    upload.read(), kind=self.csv_kind, by=request.user, file_name=upload.name
                )
            except csv_format.CsvRejected as rejected:
                error = f"Nothing was changed: {rejected}"
            else:
                return redirect(self.import_url("detail", job))
        return TemplateResponse(
            request,
            "admin/claims/csv_import.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Import {self.model._meta.verbose_name_plural} from CSV",
                "opts": self.model._meta,
                "form": form,
                "error": error,
                "columns": self.csv_columns,
            },
            status=422 if error else 200,
        )

    def import_of(self, request, import_id) -> LibraryImport:
        """The request's admin's own import of this kind of file (the file's text left
        unread); 404 for anyone else's, or an unknown id."""
        if not self.may_import(request):
            raise PermissionDenied
        job = (
            LibraryImport.objects.defer("text")
            .filter(pk=import_id, kind=self.csv_kind, created_by=request.user)
            .first()
        )
        if job is None:
            raise Http404("No such import.")
        return job

    def import_detail_view(self, request, import_id):
        """The preview, with the confirm button if every row is accepted; once confirmed,
        where the import stands (the page reloads itself until it is finished)."""
        job = self.import_of(request, import_id)
        data = job.report if job.state == ImportState.IMPORTED else job.preview
        rows = [{**row, "action_name": ACTION_NAMES[row["action"]]} for row in data["rows"]]
        return TemplateResponse(
            request,
            "admin/claims/csv_import_detail.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Import {self.model._meta.verbose_name_plural} from CSV",
                "opts": self.model._meta,
                "job": job,
                "states": ImportState,
                "data": data,
                "counts": [(ACTION_NAMES[a], data["counts"][a]) for a in library_csv.ACTIONS],
                "refused": [row for row in rows if row["action"] == "refused"],
                "accepted": [row for row in rows if row["action"] != "refused"],
                "truncated": data["total"] > len(rows),
                "rows_listed": library_csv.ROWS_LISTED,
                "refresh_seconds": 2,
            },
        )

    def import_confirm_view(self, request, import_id):
        job = self.import_of(request, import_id)
        if not tasks.queue_import(job, by=request.user):
            messages.error(request, "This file cannot be imported: see why below.")
        return redirect(self.import_url("detail", job))

    def import_again_view(self, request, import_id):
        """A failed import's file previewed again against the library as it is now."""
        job = self.import_of(request, import_id)
        if job.state != ImportState.FAILED:
            raise Http404("Only a failed import is previewed again.")
        library_csv.preview_again(LibraryImport.objects.get(pk=job.pk))
        return redirect(self.import_url("detail", job))
