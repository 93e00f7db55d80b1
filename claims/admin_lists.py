"""Pieces of the admin's long lists: a publisher filter chosen by typing its name, action
checkboxes written without a template render per row, and row links reversed once."""

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.views.main import ChangeList
from django.utils.html import format_html
from django.utils.translation import gettext

from claims.models import Publisher


class ChosenPublisherFilter(admin.SimpleListFilter):
    """The sources of one publisher (`?publisher=ID`, as a publisher's source count links),
    chosen by typing its name (the admin's autocomplete of the source form's publisher)
    rather than from a list of every publisher of the library (thousands)."""

    title = "publisher"
    parameter_name = "publisher"
    template = "admin/claims/source/publisher_filter.html"

    def lookups(self, request, model_admin):
        chosen = self.value()
        if not chosen or not chosen.isdigit():
            return []
        return list(Publisher.objects.filter(pk=chosen).values_list("pk", "name"))

    def has_output(self):
        return True  # the search box, even with no publisher chosen

    def choices(self, changelist):
        # One entry for the template: the chosen publisher, and the list's other filters
        # and search kept as the form's hidden fields.
        kept = {
            name: value
            for name, value in changelist.get_filters_params().items()
            if name != self.parameter_name
        }
        if changelist.query:
            kept["q"] = changelist.query
        yield {
            "chosen": self.lookup_choices[0] if self.lookup_choices else None,
            "kept": [(name, value) for name, values in kept.items() for value in _listed(values)],
            "clear": changelist.get_query_string(remove=[self.parameter_name]),
        }

    def queryset(self, request, queryset):
        chosen = self.value()
        if chosen and chosen.isdigit():
            return queryset.filter(publisher_id=chosen)
        return queryset


def _listed(values) -> list:
    return values if isinstance(values, list) else [values]


class PlainCheckboxMixin:
    """The changelist's action checkbox as the widget renders it, without a template
    render per row (a third of a 100-row list's time)."""

    def action_checkbox(self, obj):
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            obj.pk,
            label,
        )


class _PresetLinksChangeList(ChangeList):
    """A changelist whose rows' links are built from one reversed URL, with the list's
    filters (to come back to after saving) already added: the admin otherwise reverses
    each row's URL and resolves it again to add them, a sixth of a 50-row list's time."""

    _PLACEHOLDER = "0"

    def url_for_result(self, result):
        if not hasattr(self, "_link"):
            url = super().url_for_result(self.model(pk=self._PLACEHOLDER))
            # The filters' query is the same for every row: added once here, so that the
            # row template has none left to add.
            context = {"preserved_filters": self.preserved_filters, "opts": self.opts}
            self._link = add_preserved_filters(context, url).partition(url)
            self.preserved_filters = ""
        before, path, query = self._link
        pk = getattr(result, self.pk_attname)
        if isinstance(pk, int):  # reversed as it is; other keys may need quoting
            head, _, tail = path.rpartition(f"/{self._PLACEHOLDER}/")
            path = f"{head}/{pk}/{tail}"
        else:
            path = super().url_for_result(result)
        return before + path + query


class PresetLinksMixin:
    """A ModelAdmin whose list links rows as the admin does, at a fraction of the cost."""

    def get_changelist(self, request, **kwargs):
        return _PresetLinksChangeList
