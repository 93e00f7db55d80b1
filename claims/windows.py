"""The workspace in windows: its first screen costs the same at 50 or 5,000 claims.

The article text arrives in windows of about TEXT_WINDOW_CHARS characters, cut after a
paragraph break or a space so no word is split; each window marks the claims that overlap
it. The claim list arrives in windows of LIST_WINDOW_CLAIMS rows in text order, after or
before a cursor (a row's start, end and id), filtered or not. The reviewer's browser asks
for the next window as they scroll (or press `j`/`k` past the last row); without script,
each window is a page of its own.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, F, Func, Q, QuerySet

from claims.highlighting import Segment, text_segments

TEXT_WINDOW_CHARS = 6_000
LIST_WINDOW_CLAIMS = 50
# How far past a window's nominal end a cut looks for a paragraph break, then a space.
CUT_REACH = 400
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def cut_position(body: str, number: int) -> int:
    """Where text window `number` starts: after the first paragraph break (or else the
    first space) at or past number × TEXT_WINDOW_CHARS, never inside a word."""
    nominal = number * TEXT_WINDOW_CHARS
    if number <= 0:
        return 0
    if nominal >= len(body):
        return len(body)
    reach = body[nominal : nominal + CUT_REACH]
    for mark in ("\n", " "):
        found = reach.find(mark)
        if found != -1:
            cut = nominal + found
            while cut < len(body) and body[cut].isspace():
                cut += 1
            return cut
    return nominal  # a run without spaces: cut where the window ends


def window_count(body: str) -> int:
    """How many text windows the body has (at least one)."""
    number = 1
    while cut_position(body, number) < len(body):
        number += 1
    return number


def window_at(body: str, offset: int) -> int:
    """The text window that holds character `offset`."""
    number = max(0, offset) // TEXT_WINDOW_CHARS
    while number > 0 and offset < cut_position(body, number):
        number -= 1
    while cut_position(body, number + 1) <= offset and cut_position(body, number + 1) < len(body):
        number += 1
    return number


def utf16_length(text: str) -> int:
    """The text's length in UTF-16 code units, as a browser counts it."""
    return len(text) + len(_ASTRAL.findall(text))


@dataclass
class TextWindow:
    number: int
    start: int
    end: int
    utf16_start: int  # where the window starts, as the browser counts (selection offsets)
    segments: list[Segment]
    is_last: bool
    claims: list  # the claims marked in it

    @property
    def is_first(self) -> bool:
        return self.number == 0


def text_bounds(body: str, number: int) -> tuple[int, int]:
    return cut_position(body, number), cut_position(body, number + 1)


def _overlap(start: int, end: int) -> Q:
    return Q(start__lt=end, end__gt=start, is_orphaned=False)


def _one_of(keys: QuerySet):
    """The claim is one of `keys` (a subquery of ids). On PostgreSQL as `id = ANY(ARRAY(…))`:
    beside the text window's condition, `IN (…)` made the planner read every claim of the
    article (4 ms at 5,000); an array lets it read both from their indexes (0.3 ms)."""
    if connection.vendor != "postgresql":
        return Q(pk__in=keys)
    return _AnyOf(F("pk"), ArraySubquery(keys))


class _AnyOf(Func):
    """`value = ANY(array)`, a condition."""

    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = BooleanField()


def overlapping(claims: QuerySet, start: int, end: int) -> QuerySet:
    """Claims whose words overlap [start, end) of the current text (not orphaned ones)."""
    return claims.filter(_overlap(start, end))


def text_window(body: str, number: int, claims) -> TextWindow:
    """Window `number` of the body with the given claims (those overlapping it) marked.

    A claim that begins in an earlier window is marked from this window's first character;
    positions stay those of the whole text."""
    start, end = text_bounds(body, number)
    clipped = []
    for claim in claims:
        if claim.end <= start or claim.start >= end or getattr(claim, "is_orphaned", False):
            continue
        clipped.append(
            _Clipped(claim, max(claim.start, start) - start, min(claim.end, end) - start)
        )
    segments = text_segments(body[start:end], clipped)
    for segment in segments:
        segment.start += start
        segment.claims = [part.claim for part in segment.claims]
    return TextWindow(
        number=number,
        start=start,
        end=end,
        utf16_start=utf16_length(body[:start]),
        segments=segments,
        is_last=end >= len(body),
        claims=[part.claim for part in clipped],
    )


@dataclass
class _Clipped:
    claim: object
    start: int
    end: int
    is_orphaned: bool = False


# The claim list's order and its cursors.
ORDER = ("start", "end", "pk")


def cursor_key(claim) -> tuple[int, int, int]:
    return claim.start, claim.end, claim.pk


def cursor_of(claim) -> str:
    return "{}.{}.{}".format(*cursor_key(claim))


def parse_cursor(value: str | None) -> tuple[int, int, int] | None:
    """A cursor from a request, or None if it is missing or malformed."""
    if not value:
        return None
    parts = value.split(".")
    if len(parts) != 3 or not all(part.isdigit() and len(part) <= 12 for part in parts):
        return None
    start, end, pk = (int(part) for part in parts)
    return start, end, pk


def _after(cursor: tuple[int, int, int], *, inclusive: bool = False) -> Q:
    start, end, pk = cursor
    last = Q(pk__gte=pk) if inclusive else Q(pk__gt=pk)
    return Q(start__gt=start) | Q(start=start, end__gt=end) | (Q(start=start, end=end) & last)


@dataclass
class ListWindow:
    claims: list
    earlier: str | None  # the cursor to load the rows before this window, if any
    later: str | None  # the cursor to load the rows after it, if any


@dataclass(frozen=True)
class ListRequest:
    """Which window of the claim list: after a cursor, before one, from a claim on (the
    one open in the panel), or the first."""

    after: tuple[int, int, int] | None = None
    before: tuple[int, int, int] | None = None
    starting_at: tuple[int, int, int] | None = None
    size: int = LIST_WINDOW_CLAIMS

    def rows(self, claims: QuerySet) -> QuerySet:
        """The window's rows and one more (to know whether there are more), sliced."""
        if self.before is not None:
            earlier = claims.exclude(_after(self.before, inclusive=True))
            return earlier.order_by("-start", "-end", "-pk")[: self.size + 1]
        if self.after is not None:
            claims = claims.filter(_after(self.after))
        elif self.starting_at is not None:
            claims = claims.filter(_after(self.starting_at, inclusive=True))
        return claims.order_by(*ORDER)[: self.size + 1]

    def window(self, rows: list) -> ListWindow:
        """The window made of rows() as fetched, put in text order."""
        rows = sorted(rows, key=lambda claim: (claim.start, claim.end, claim.pk))
        more = len(rows) > self.size
        if self.before is not None:
            rows = rows[-self.size :]
            return ListWindow(
                claims=rows,
                earlier=cursor_of(rows[0]) if more else None,
                later=cursor_of(rows[-1]) if rows else None,
            )
        rows = rows[: self.size]
        opened_later = self.after is not None or self.starting_at is not None
        return ListWindow(
            claims=rows,
            earlier=cursor_of(rows[0]) if opened_later and rows else None,
            later=cursor_of(rows[-1]) if more else None,
        )


def list_window(claims: QuerySet, listing: ListRequest) -> ListWindow:
    """One window of the claim list. One query."""
    return listing.window(list(listing.rows(claims)))


@dataclass
class Screen:
    text: TextWindow
    listing: ListWindow


def screen(
    body: str, claims: QuerySet, listed: QuerySet, listing: ListRequest, text_number: int
) -> Screen:
    """A text window with its claims marked and a window of the claim list, in one query.

    `claims` are the article's claims as the text marks them; `listed` the same claims as
    the list's filters leave them."""
    start, end = text_bounds(body, text_number)
    keys = listing.rows(listed).values("pk")
    rows = list(
        claims.filter(_overlap(start, end) | _one_of(keys))
        .annotate(listed=ExpressionWrapper(_one_of(keys), output_field=BooleanField()))
        .order_by(*ORDER)
    )
    return Screen(
        text=text_window(body, text_number, rows),
        listing=listing.window([claim for claim in rows if claim.listed]),
    )
