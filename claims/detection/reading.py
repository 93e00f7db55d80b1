"""Reading a text: its proposed claims in one reading (`proposed_claims`), or in parts
read apart, on several processors, with exactly the same result: `part_cuts` cuts the
text, `detect_part` reads each part, `PartJoiner` takes them in order and settles what
depends on earlier parts (see claims.detection.pool).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from claims.detection.claimants import Context
from claims.detection.claims import ProposedClaim, claims_in_sentence
from claims.detection.sentences import Sentence, sentences
from claims.detection.signals import Hit, Hits, scan
from claims.detection.text import word_set


def proposed_claims(text: str) -> list[ProposedClaim]:
    """Every assertion the text makes, as proposed claims sorted by position.

    Low-scoring proposals are included; greetings and empty fragments are left out.
    """
    return PartJoiner().add(detect_part(text, 0, first=True))


# A part after the first starts without knowing the last person named before it (the
# claimant of a "he" or "she"). Its sentences read before it names anyone are read again
# by `PartJoiner`, which knows. (Article text has no control characters.)
_EARLIER_PERSON = "\x00"
# A paragraph break right after a sentence's end: no sentence, signal word, name or
# number spans it, so the text on either side can be read apart (see `part_cuts`).
_PART_BREAK_RE = re.compile(r"(?<=[.!?…])[\"'”’»)\]]*\n[^\S\n]*\n\s*")
# Words that make a two-word name an institution rather than a person ("Washington Post").
_INSTITUTION_WORDS = word_set(
    """Post Times News Agency Ministry Department House Council Office Party Bank Court
    University Institute Company Corporation Group Army Navy Forces Command Street Journal"""
)

_NamedAt = dict[str, list[tuple[int, str]]]


@dataclass(frozen=True)
class Part:
    """The claims of a part of a text (offsets into the whole text) and what joining the
    parts needs: where full names appear, the last person named, sentences to read again."""

    claims: list[ProposedClaim]
    full_names: _NamedAt  # each word of a two-word name -> (position, that name)
    last_person: str  # the last person named as a claimant, or _EARLIER_PERSON if none
    unsettled: list[tuple[Sentence, list[Hit]]]  # read before a person was named


def part_cuts(text: str, parts: int) -> list[int]:
    """Up to parts - 1 offsets that cut the text into parts of about equal size, each at a
    paragraph break after a sentence's end, so that `detect_part` reads each part exactly
    as `proposed_claims` reads it within the whole text."""
    cuts: list[int] = []
    for index in range(1, parts):
        start = max(len(text) * index // parts, cuts[-1] if cuts else 0)
        match = _PART_BREAK_RE.search(text, start)
        if match is None or match.end() >= len(text):
            break
        cuts.append(match.end())
    return cuts


def detect_part(part: str, offset: int, *, first: bool = False) -> Part:
    """The claims of part (the text from `offset` to a cut of `part_cuts`, or the whole
    text), as `proposed_claims` finds them within the whole text once `PartJoiner` has
    settled what depends on earlier parts."""
    context = Context(last_person="" if first else _EARLIER_PERSON)
    hits = scan(part)
    claims = []
    unsettled = []
    for sent in sentences(part):
        if context.last_person == _EARLIER_PERSON:
            unsettled.append((sent, hits.between(sent.start, sent.end)))
        claims.extend(claims_in_sentence(sent, context, hits))
    claims.sort(key=lambda claim: (claim.start, claim.end))
    if offset:
        claims = [
            claim._replace(
                start=claim.start + offset,
                end=claim.end + offset,
                sentence_start=claim.sentence_start + offset,
                sentence_end=claim.sentence_end + offset,
            )
            for claim in claims
        ]
        unsettled = [
            (Sentence(sent.start + offset, sent.end + offset, sent.text), _shifted(found, offset))
            for sent, found in unsettled
        ]
    return Part(claims, _full_names(hits.hits, offset), context.last_person, unsettled)


def _shifted(hits: list[Hit], offset: int) -> list[Hit]:
    return [(start + offset, end + offset, signal, words) for start, end, signal, words in hits]


def _full_names(hits: list[Hit], offset: int) -> _NamedAt:
    """Each word of the two-word names in hits (the last two capitalised words of a name,
    "Foreign Minister Park Jin" -> "Park Jin", not an institution) -> (position, name)."""
    found: _NamedAt = {}
    tails: dict[str, str | None] = {}
    for start, _end, signal, name in hits:  # hits are sorted by position
        if signal != "named_entity" or " " not in name:
            continue
        if name not in tails:
            words = name.split()[-2:]
            named = (
                words[0][:1].isupper()
                and words[1][:1].isupper()
                and _INSTITUTION_WORDS.isdisjoint(words)
            )
            tails[name] = " ".join(words) if named else None
        full = tails[name]
        if full is not None:
            for word in full.split():
                found.setdefault(word, []).append((start + offset, full))
    return found


class PartJoiner:
    """Takes the parts of a text in order and gives each part's final claims: the claimant
    of a pronoun opening a part is the last person named before it, and a claimant given by
    one word is named in full as the article named them before ("Blinken" after "Antony
    Blinken", "Park" after "Park Jin"): an earlier claimant or two-word name with that word.
    """

    def __init__(self) -> None:
        self.last_person = ""
        self.full_names: _NamedAt = {}  # from names in the text
        self.claimant_names: _NamedAt = {}  # from claimants of two or three words

    def add(self, part: Part) -> list[ProposedClaim]:
        claims = part.claims
        if part.unsettled:
            # Read again, knowing who was named last before the part.
            context = Context(last_person=self.last_person)
            again: dict[int, list[ProposedClaim]] = {}
            for sent, found in part.unsettled:
                hits = Hits([hit[0] for hit in found], found)
                again[sent.start] = claims_in_sentence(sent, context, hits)
            claims = [claim for claim in claims if claim.sentence_start not in again]
            for redone in again.values():
                claims.extend(redone)
            claims.sort(key=lambda claim: (claim.start, claim.end))
            if part.last_person == _EARLIER_PERSON:
                self.last_person = context.last_person
        if part.last_person != _EARLIER_PERSON:
            self.last_person = part.last_person
        for word, entries in part.full_names.items():
            self.full_names.setdefault(word, []).extend(entries)
        return [self._named_in_full(claim) for claim in claims]

    def _named_in_full(self, claim: ProposedClaim) -> ProposedClaim:
        claimant = claim.claimant
        if claimant and " " not in claimant and claimant[:1].isupper():
            candidates = [
                entries[index - 1]
                for entries in (
                    self.full_names.get(claimant, []),
                    self.claimant_names.get(claimant, []),
                )
                if (index := bisect.bisect_left(entries, (claim.start, ""))) > 0
            ]
            if candidates:
                return claim._replace(claimant=max(candidates)[1])
        elif len(claimant.split()) in (2, 3):
            for word in claimant.split():
                self.claimant_names.setdefault(word, []).append((claim.start, claimant))
        return claim
