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
