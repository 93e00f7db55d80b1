"""Splitting an article body into runs of text marked by the claims that cover them."""

from dataclasses import dataclass, field
from itertools import pairwise


@dataclass
class Segment:
    text: str
    start: int
    claims: list = field(default_factory=list)

    @property
    def claim(self):
        """The claim a click on this run opens: the narrowest one covering it."""
        return min(self.claims, key=lambda claim: claim.end - claim.start, default=None)

    @property
    def is_first_of_claim(self) -> bool:
        return any(claim.start == self.start for claim in self.claims)


def text_segments(text: str, claims) -> list[Segment]:
    """The text cut at every claim boundary, each run with the claims covering it.

    Overlapping and nested claims are allowed; spans outside the text are ignored, and so
    are orphaned claims, whose span counts in an older version of the text.
    """
    spans = [
        c
        for c in claims
        if 0 <= c.start < c.end <= len(text) and not getattr(c, "is_orphaned", False)
    ]
    cuts = sorted({0, len(text), *(c.start for c in spans), *(c.end for c in spans)})
    starting: dict[int, list] = {}
    ending: dict[int, list] = {}
    for claim in spans:
        starting.setdefault(claim.start, []).append(claim)
        ending.setdefault(claim.end, []).append(claim)
    segments = []
    open_claims: list = []
    for left, right in pairwise(cuts):
        for claim in ending.get(left, []):
            open_claims.remove(claim)
        open_claims.extend(starting.get(left, []))
        segments.append(Segment(text=text[left:right], start=left, claims=list(open_claims)))
    return segments


@dataclass(frozen=True)
class Context:
    """The words around a quote, as readers see them: whole words only, with whether the
    text goes on beyond them (shown as an ellipsis)."""

    before: str
    after: str
    more_before: bool
    more_after: bool


def quote_context(prefix: str, suffix: str, *, more_before: bool, more_after: bool) -> Context:
    """A quote's stored prefix and suffix (a fixed number of characters, so usually cut in
    a word) trimmed to whole words where the text goes on beyond them."""
    before, after = prefix, suffix
    if more_before:
        cut = next((i for i, char in enumerate(before) if char.isspace()), len(before))
        before = before[cut:].lstrip()
    if more_after:
        cut = next((i for i in range(len(after) - 1, -1, -1) if after[i].isspace()), 0)
        after = after[:cut].rstrip()
    return Context(before, after, more_before, more_after)
