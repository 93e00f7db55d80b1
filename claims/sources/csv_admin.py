"""The admin's CSV export and import of the source library (publishers and sources).

An uploaded file is checked as a whole in the request (a bad one is refused at once and
changes nothing); its rows are imported by the background worker
(claims.sources.tasks.import_library_csv) while the admin watches a progress page that
reloads itself until the row-by-row report is ready.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from claims.sources import library_csv, tasks


class CsvUploadForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="UTF-8, comma-separated, with a header row.")


class CsvAdminMixin:
    """Import and export of a model admin's changelist as CSV."""

    change_list_template = "admin/claims/csv_change_list.html"
    csv_export = None
    csv_kind = ""  # a file format of library_csv: "publishers" or "sources"
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
                "import-csv/<str:result_id>/",
                self.admin_site.admin_view(self.import_progress_view),
                name="{}_{}_import_csv_progress".format(*info),
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

    def import_view(self, request):
        if not self.may_import(request):
            raise PermissionDenied
        form = CsvUploadForm(request.POST or None, request.FILES or None)
        error = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > library_csv.MAX_BYTES:
                    raise library_csv.CsvRejected("the file is larger than 5 MB.")
                checked = library_csv.check_file(upload.read(), self.csv_kind)
            except library_csv.CsvRejected as rejected:
                error = f"Nothing was changed: {rejected}"
            else:
                result = tasks.import_library_csv.enqueue(
                    kind=checked.kind, text=checked.text, rows=checked.rows, by_id=request.user.pk
                )
                if result.is_finished:  # a queue that runs its tasks at once (tests)
                    return self.import_page(request, tasks.csv_import_of(result))
                info = self.model._meta.app_label, self.model._meta.model_name
                return redirect(
                    reverse("admin:{}_{}_import_csv_progress".format(*info), args=[result.id])
                )
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

    def import_progress_view(self, request, result_id: str):
        if not self.may_import(request):
            raise PermissionDenied
        job = tasks.csv_import(result_id, kind=self.csv_kind)
        if job is None:
            raise Http404("No such import.")
        return self.import_page(request, job)

    def import_page(self, request, job: tasks.CsvImport) -> TemplateResponse:
        """Where an import stands; the page reloads itself until the import is finished."""
        return TemplateResponse(
            request,
            "admin/claims/csv_import_progress.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Importing {self.model._meta.verbose_name_plural} from CSV",
                "opts": self.model._meta,
                "job": job,
                "refresh_seconds": 2,
            },
        )
