"""`{% desk_result_list cl %}`: the admin's `{% result_list cl %}`, with the rows of a
changelist that writes its own (claims/admin_lists.py) taken from it."""

from django import template
from django.contrib.admin.templatetags.admin_list import (
    result_headers,
    result_hidden_fields,
    result_list,
)
from django.contrib.admin.templatetags.base import InclusionAdminNode

register = template.Library()


def desk_result_list(cl) -> dict:
    if not hasattr(cl, "result_rows"):
        return result_list(cl)
    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": list(cl.result_rows()),
    }


@register.tag(name="desk_result_list")
def desk_result_list_tag(parser, token):
    return InclusionAdminNode(
        "desk_result_list",
        parser,
        token,
        func=desk_result_list,
        template_name="change_list_results.html",
        takes_context=False,
    )
