"""Requests the desk cannot read are answered 400 before the CSRF check or any view runs.

Django answers a form body it cannot decode (a urlencoded body declared `charset=utf-16`)
with a BadRequest raised on every read of `request.POST`; its 400 view runs the CSRF check,
which reads the body again, so the client got a 500 instead. Reading the parameters once
here, first, turns every such body (undecodable, broken multipart, too large, too many
fields) into one plain 400.

No text the desk reads may contain a NUL character: PostgreSQL can neither store nor
compare it (a library search for one was a 500). What is typed in a form is refused by the
form's own field, with the message beside it and the text kept (Django's CharField refuses
NUL); everything read without a form (the address, the query string, the cookies) is
refused here. Uploaded files are not looked into: their own checks say what is wrong.
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
    """Why the request's address, parameters or cookies cannot be used, or ""."""
    if NUL in request.path:
        return "The address contains a NUL character."
    try:
        query = request.GET
        if request.method == "POST":
            request.POST  # noqa: B018 - parsed now, so that a body that cannot be is a 400
    except (BadRequest, SuspiciousOperation, MultiPartParserError, ValueError) as error:
        return f"The form data cannot be read ({error})."
    for name, pairs in [("query", query.lists()), ("cookies", request.COOKIES.items())]:
        for key, values in pairs:
            if NUL in key or any(NUL in value for value in _texts(values)):
                return f"The {name} contains a NUL character, which no text may contain."
    return ""


def _texts(values) -> list[str]:
    return values if isinstance(values, list) else [values]


def bad_request(problem: str) -> HttpResponseBadRequest:
    """A self-contained 400 page: no template, session or database that could fail again."""
    return HttpResponseBadRequest(
        format_html(
            '<!doctype html><html lang="en"><meta charset="utf-8">'
            "<title>Request refused · Fact-check desk</title>"
            "<main><h1>That request could not be accepted</h1>"
            "<p>It was too large or malformed, so nothing was changed.</p><p>{}</p>"
            '<p><a href="/">Back to the articles</a></p></main>',
            problem,
        ),
        content_type="text/html; charset=utf-8",
    )
