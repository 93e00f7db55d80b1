"""Pieces of the admin's long lists: a publisher filter chosen by typing its name, action
checkboxes written without a template render per row, row links reversed once, and rows
written from a plan of the columns made once per list."""

import contextlib
import datetime
from dataclasses import dataclass

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.templatetags.admin_list import ResultList, _coerce_field_name, results
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    display_for_field,
    display_for_value,
    get_fields_from_path,
    lookup_field,
)
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
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
        # format_html's work, written out: the object's name escaped into the label (the
        # translated text is not), the label as it is into the input.
        label = gettext("Select this object for an action - {}").format(conditional_escape(obj))
        return mark_safe(  # noqa: S308
            f'<input type="checkbox" name="{ACTION_CHECKBOX_NAME}" '
            f'value="{conditional_escape(obj.pk)}" class="action-select" aria-label="{label}">'
        )


@dataclass(frozen=True)
class _Column:
    """What the admin works out again in every cell of a column (`items_for_result`),
    worked out once: the field or the callable shown, how, with which classes."""

    name: object
    field: object  # the model field shown, or None (a callable, a method, a property)
    read: object  # the value of a row, or None: Django's lookup_field for each row
    empty: str  # what an empty value shows
    classes: tuple[str, ...]  # of a cell with a value (field-NAME, and nowrap, or not)
    base_class: str  # of a cell whose related row is missing: field-NAME
    boolean: bool
    link_tag: str  # "th" or "td" for the column that links to the row, else ""
    choices: dict | None  # a field's labels by value, as display_for_field reads them


def _field_and_attr(name, rows, model_admin):
    """lookup_field's field and attribute for the column `name`, from the first row whose
    value can be read (which of a field, an admin method or a callable a name is does not
    change from row to row); (None, None) if no row's can, as each cell then shows."""
    for row in rows:
        try:
            field, attr, _ = lookup_field(name, row, model_admin)
        except ObjectDoesNotExist:
            continue
        return field, attr
    return None, None


def _plan(changelist, rows) -> list[_Column]:
    """The columns of `changelist.list_display`, as items_for_result treats them."""
    model_admin = changelist.model_admin
    links = changelist.list_display_links
    columns, first_link = [], True
    for index, name in enumerate(changelist.list_display):
        empty = model_admin.get_empty_value_display()
        base = f"field-{_coerce_field_name(name, index)}"
        classes = [base]
        linked = links is not None and ((first_link and not links) or name in links)
        field, attr = _field_and_attr(name, rows, model_admin)
        empty = getattr(attr, "empty_value_display", empty)
        if field is None and isinstance(name, str) and LOOKUP_SEP in name:
            with contextlib.suppress(FieldDoesNotExist):
                field = get_fields_from_path(changelist.model, name)[-1]
        if field is not None and not field.auto_created:
            if isinstance(field, (models.DateField, models.TimeField, models.ForeignKey)):
                classes.append("nowrap")
        elif name == "action_checkbox":
            classes = ["action-checkbox"]
        boolean = getattr(attr, "boolean", False)
        if isinstance(attr, property) and hasattr(attr, "fget"):
            boolean = getattr(attr.fget, "boolean", False)
        if field is not None and not (isinstance(name, str) and LOOKUP_SEP in name):
            read = _attribute(name)
        elif callable(name):
            read = name
        elif isinstance(name, str) and name != "__str__" and hasattr(model_admin, name):
            read = getattr(model_admin, name)
        else:
            read = None
        link_tag = ""
        if linked:
            link_tag, first_link = ("th" if first_link else "td"), False
        columns.append(
            _Column(
                name, field, read, empty, tuple(classes), base, boolean, link_tag, _labels(field)
            )
        )
    return columns


def _labels(field) -> dict | None:
    """A choice field's labels by value (display_for_field builds this dict every cell)."""
    if field is None or field.auto_created or field.name == "password":
        return None
    try:
        return dict(field.flatchoices) if getattr(field, "flatchoices", None) else None
    except TypeError:  # list-like choices: display_for_field's own way
        return None


def _attribute(name: str):
    return lambda obj: getattr(obj, name)


class _PresetLinksChangeList(ChangeList):
    """A changelist whose rows' links are built from one reversed URL, with the list's
    filters (to come back to after saving) already added: the admin otherwise reverses
    each row's URL and resolves it again to add them, a sixth of a 50-row list's time; and
    whose rows are written from a plan of its columns (`result_rows`)."""

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

    def result_rows(self):
        """The rows `results(changelist)` gives, to the character, each row's cells
        joined: `items_for_result`'s work for every cell (which field, which classes,
        whether it links), done once per column (`_plan`). A list with editable fields
        goes to Django's own."""
        if self.formset or not self.result_list:
            yield from results(self)
            return
        columns = _plan(self, self.result_list)
        for result in self.result_list:
            yield ResultList(None, [mark_safe("".join(self._cells(columns, result)))])  # noqa: S308

    def _cells(self, columns: list[_Column], result):
        for column in columns:
            try:
                if column.read is None:
                    _, _, value = lookup_field(column.name, result, self.model_admin)
                else:
                    value = column.read(result)
            except ObjectDoesNotExist:
                shown, classes = self.model_admin.get_empty_value_display(), (column.base_class,)
            else:
                shown, classes = self._shown(column, value)
            row_class = f' class="{" ".join(classes)}"'
            if column.link_tag:
                yield self._linked(column.link_tag, row_class, shown, result)
            else:
                yield f"<td{row_class}>{conditional_escape(shown)}</td>"

    def _shown(self, column: _Column, value):
        field = column.field
        if field is None or field.auto_created:
            shown = display_for_value(value, column.empty, column.boolean)
            if isinstance(value, (datetime.date, datetime.time)):
                return shown, (*column.classes, "nowrap")
            return shown, column.classes
        if isinstance(field.remote_field, models.ManyToOneRel):
            return (column.empty if value is None else value), column.classes
        if column.choices is not None:
            try:
                return column.choices.get(value, column.empty), column.classes
            except TypeError:  # an unhashable value: display_for_field's own way
                pass
        shown = display_for_field(value, field, column.empty, avoid_link=bool(column.link_tag))
        return shown, column.classes

    def _linked(self, tag: str, row_class: str, shown, result) -> str:
        try:
            url = self.url_for_result(result)
        except NoReverseMatch:
            link = conditional_escape(shown)
        else:
            # url_for_result's URL already holds the list's filters (as items_for_result
            # adds them).
            popup = ""
            if self.is_popup:
                attname = str(self.to_field) if self.to_field else self.pk_attname
                popup = format_html(' data-popup-opener="{}"', result.serializable_value(attname))
            link = format_html('<a href="{}"{}>{}</a>', url, popup, shown)
        return f"<{tag}{SafeString(row_class)}>{link}</{tag}>"


class PresetLinksMixin:
    """A ModelAdmin whose list links rows as the admin does, and writes them, at a fraction
    of the cost (`{% desk_result_list %}` in admin/claims/csv_change_list.html)."""

    def get_changelist(self, request, **kwargs):
        return _PresetLinksChangeList
