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
from claims.detection.referents import Named, Person, Referents, is_title, named_in
from claims.detection.sentences import Sentence, sentences
from claims.detection.signals import WEIGHTS, Hit, Hits, Signal, scan
from claims.detection.statements import restatement
from claims.detection.text import Positions, normalised, word_set


def proposed_claims(text: str) -> list[ProposedClaim]:
    """Every assertion the text makes, as proposed claims sorted by position.

    Low-scoring proposals are included; greetings and empty fragments are left out.
    """
    return PartJoiner().add(detect_part(text, 0, first=True))


# A part after the first starts without knowing the last person named before it (the
# claimant of a "he" or "she"). Its sentences read before it names anyone are read again
# by `PartJoiner`, which knows. (`normalised` text has no control characters.)
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

# After "We": a verb that agrees with a state as well once made singular, or one that
# needs no change (past tense, modal); any other present tense ("We want") is left to
# the reviewer, as is a statement that says "we" or "our" again.
_WE_VERB_RE = re.compile(
    r"(?P<verb>’re|'re|’ve|'ve| are| were| have| (?:will|would|can|could|must|should|may"
    r"|might|had|did|[a-z]{3,}ed|sent|made|took|gave|won|lost|paid|built|spent|met|held|"
    r"began|saw|found|kept|told|said|left|brought|bought|sold|led|fought))(?![\w’'\-])"
)
_SINGULAR = {"’re": " is", "'re": " is", "’ve": " has", "'ve": " has", " are": " is",
             " were": " was", " have": " has"}  # fmt: skip
_FIRST_PERSON_RE = re.compile(r"(?<![\w’'\-])(?:we|We|our|Our|us|ours|ourselves)(?![\w’'\-])")


@dataclass(frozen=True)
class Part:
    """The claims of a part of a text (offsets into the whole text) and what joining the
    parts needs: where full names appear, the last person named, sentences to read again
    (in the part's normalised text, with where they are in the original text)."""

    claims: list[ProposedClaim]
    full_names: _NamedAt  # each word of a two-word name -> (position, that name)
    last_person: str  # the last person named as a claimant, or _EARLIER_PERSON if none
    unsettled: list[tuple[Sentence, list[Hit], int, str]]  # read before a person was named
    offset: int = 0  # where the part starts in the whole text
    positions: Positions | None = None  # where the normalised part's characters were
    named: Named | None = None  # the states and titled people it names


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
    settled what depends on earlier parts.

    The part is read as a reader sees it (`text.normalised`: no control or invisible
    characters), and every offset is then taken back to the original text.
    """
    clean, positions = normalised(part)
    context = Context(last_person="" if first else _EARLIER_PERSON)
    hits = scan(clean)
    claims = []
    unsettled = []
    for sent in sentences(clean):
        if context.last_person == _EARLIER_PERSON:
            start, end = positions.span(sent.start, sent.end) if positions else sent[:2]
            unsettled.append((sent, hits.between(sent.start, sent.end), start, part[start:end]))
        claims.extend(claims_in_sentence(sent, context, hits))
    claims.sort(key=lambda claim: (claim.start, claim.end))
    if offset or positions:
        claims = [_located(claim, part, 0, positions, offset) for claim in claims]
    named = named_in(clean, [(hit[0], hit[3]) for hit in hits.hits if hit[2] == "named_entity"])
    if offset or positions:
        for found in (named.states, named.people):
            found[:] = [
                (offset + (positions.original(item[0]) if positions else item[0]), *item[1:])
                for item in found
            ]
        named.people[:] = [Person(*person) for person in named.people]
    return Part(
        claims,
        _full_names(hits.hits, offset, positions),
        context.last_person,
        unsettled,
        offset,
        positions,
        named,
    )


def _located(
    claim: ProposedClaim, source: str, source_start: int, positions: Positions | None, offset: int
) -> ProposedClaim:
    """A claim read in a normalised text, placed in the original text: `source` is the
    original text from `source_start` (in the part) on, the part starts at `offset`."""
    start, end = claim.start, claim.end
    sentence_start, sentence_end = claim.sentence_start, claim.sentence_end
    quote = claim.quote
    if positions is not None:
        start, end = positions.span(start, end)
        sentence_start, sentence_end = positions.span(sentence_start, sentence_end)
        quote = source[start - source_start : end - source_start]
    return claim._replace(
        start=start + offset,
        end=end + offset,
        quote=quote,
        sentence_start=sentence_start + offset,
        sentence_end=sentence_end + offset,
    )


def _full_names(hits: list[Hit], offset: int, positions: Positions | None) -> _NamedAt:
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
            at = offset + (positions.original(start) if positions else start)
            for word in full.split():
                found.setdefault(word, []).append((at, full))
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
        self.said: set[tuple[str, str]] = set()  # (claimant, statement) proposed so far
        self.referents = Referents()

    def _subject_named(self, claim: ProposedClaim) -> ProposedClaim:
        """The claim with its statement's subject named as the article named it before,
        else with its statement whole and flagged for editing."""
        named = self._subject(claim)
        if named:
            return claim._replace(statement=named, subject="")
        whole = restatement(normalised(claim.quote)[0], whole=True).text or claim.statement
        flag = Signal("needs_editing", WEIGHTS["needs_editing"], f"who is “{claim.subject}”?")
        return claim._replace(statement=whole, signals=(*claim.signals, flag), subject="")

    def _subject(self, claim: ProposedClaim) -> str:
        """The statement with its subject named, or "" without evidence in the article."""
        subject, statement, start = claim.subject, claim.statement, claim.start
        if subject in ("the regime", "the North"):
            state = self.referents.last_state(start, northern=subject == "the North")
            return statement.replace(subject, state, 1) if state else ""
        if subject != "We" or _FIRST_PERSON_RE.search(statement, 2):
            return ""
        state = self.referents.state_of_person(claim.claimant, start)
        verb = _WE_VERB_RE.match(statement, 2)
        if not state or verb is None:
            return ""
        name = self.referents.state_name(state, start)
        agreeing = _SINGULAR.get(verb.group("verb"), verb.group("verb"))
        return f"{name[0].upper()}{name[1:]}{agreeing}{statement[verb.end() :]}"

    def add(self, part: Part) -> list[ProposedClaim]:
        claims = part.claims
        if part.unsettled:
            # Read again, knowing who was named last before the part.
            context = Context(last_person=self.last_person)
            again: dict[int, list[ProposedClaim]] = {}
            for sent, found, start, original in part.unsettled:
                hits = Hits([hit[0] for hit in found], found)
                again[part.offset + start] = [
                    _located(claim, original, start, part.positions, part.offset)
                    for claim in claims_in_sentence(sent, context, hits)
                ]
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
        if part.named is not None:
            self.referents.add(part.named)
        final = []
        for claim in claims:
            claim = self._named_in_full(claim)
            if is_title(claim.claimant):
                person = self.referents.person_with_title(claim.claimant, claim.start)
                if person:
                    claim = claim._replace(claimant=person)
            if claim.subject:
                claim = self._subject_named(claim)
            said = (claim.claimant, claim.statement)
            if said not in self.said:  # a repeated sentence is proposed once
                self.said.add(said)
                final.append(claim)
        return final

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
