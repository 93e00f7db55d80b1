"""Requests the desk cannot read are answered 400 before the CSRF check or any view runs.

Django answers a form body it cannot decode (a urlencoded body declared `charset=utf-16`)
with a BadRequest raised on every read of `request.POST`; its 400 view runs the CSRF check,
which reads the body again, so the client got a 500 instead. Reading the parameters once
here, first, turns every such body (undecodable, broken multipart, too large, too many
fields) into one plain 400.

Text containing a NUL character is refused in the same place: PostgreSQL can neither store
nor compare it (a search for it was a 500), and no text the desk keeps may contain one
(Django's form fields refuse it as well). Uploaded files are not looked into: their own
checks say what is wrong with them.
"""

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpRequest, HttpResponseBadRequest
from django.http.multipartparser import MultiPartParserError
from django.utils.html import format_html

NUL = "\x00"


class RefuseUnreadableRequests:
    """Answer 400 to a request whose address, parameters or cookies cannot be read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        problem = unreadable(request)
        if problem:
            return bad_request(problem)
        return self.get_response(request)


def unreadable(request: HttpRequest) -> str:
    """Why the request's address, query, form fields or cookies cannot be used, or ""."""
    if NUL in request.path:
        return "The address contains a NUL character."
    try:
        named = {"query": request.GET, "cookies": request.COOKIES}
        if request.method == "POST":
            named["form"] = request.POST
    except (BadRequest, SuspiciousOperation, MultiPartParserError, ValueError) as error:
        return f"The form data cannot be read ({error})."
    for name, values in named.items():
        pairs = values.lists() if hasattr(values, "lists") else values.items()
        for key, value in pairs:
            if NUL in key or any(NUL in item for item in _texts(value)):
                return f"The {name} contains a NUL character, which no text may contain."
    return ""


def _texts(value) -> list[str]:
    return value if isinstance(value, list) else [value]


def bad_request(problem: str) -> HttpResponseBadRequest:
    """A self-contained 400 page: no template, session or database that could fail again."""
    return HttpResponseBadRequest(
        format_html(
            '<!doctype html><html lang="en"><meta charset="utf-8">'
            "<title>Request refused · Fact-check desk</title>"
            "<main><h1>That request could not be accepted</h1><p>{}</p>"
            '<p>Nothing was changed.</p><p><a href="/">Back to the articles</a></p></main>',
            problem,
        ),
        content_type="text/html; charset=utf-8",
    )
