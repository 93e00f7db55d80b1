"""Claimants: who asserts a sentence, and which stretch of it they assert (a frame).

A direct quote and its speaker ("“...,” Blinken said"), reported speech ("Washington and
Seoul denounced that ..."), "according to X", or else the sentence itself (claimant "":
the article). Titles are dropped before a name; "he" and "she" are the last person named
as a claimant (`Context`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from claims.detection.clauses import FINITE_RE
from claims.detection.sentences import STARTERS
from claims.detection.text import QUOTE_CHARS_RE, trie_pattern, word_set

_ATTRIBUTION_VERBS = (
    "said|says|say|denounced|denounces|stated|claimed|claims|told|tells|announced|announces"
    "|reported|insisted|insists|argued|argues|added|adds|noted|warned|warns|explained"
    "|explains|confirmed|confirms|alleged|alleges|asserted|asserts|acknowledged|admitted"
    "|admits|estimated|wrote|writes|declared|declares|revealed|reveals|maintained"
    "|maintains|emphasized|emphasised|stressed|stresses|tweeted|testified|contended"
    "|contends|accused|recalled|reiterated|disclosed|pointed\\s+out|predicted|predicts"
)
# Verbs whose object may be a clause without "that": "said the plan failed".
_SAY_VERBS = word_set(
    """said says say told tells added adds insisted insists argued argues claimed claims
    warned warns wrote writes stated noted explained"""
)
# The same verbs, trie-shaped for the scans of whole sentences (each verb is a whole word
# there, so the order of the alternatives does not matter). The look-ahead skips the
# positions where no (lower-case) adverb or verb can start.
_ATTRIBUTION_VERBS_TRIE = trie_pattern(_ATTRIBUTION_VERBS.replace("\\s+", " ").split("|"))
# Words between a speaker and the verb ("has said", "later told").
_BEFORE_VERB = (
    "has have had also later then again once further previously publicly repeatedly recently"
    " reportedly"
)
_VERB_RE = re.compile(
    rf"\b(?=[a-z])(?:(?:{'|'.join(_BEFORE_VERB.split())})\s+)?"
    rf"(?P<verb>{_ATTRIBUTION_VERBS_TRIE})\b"
)
_LEAD_VERB_RE = re.compile(rf"[\s,]*(?P<verb>{_ATTRIBUTION_VERBS})\b")
_SPEAKER_VERB_RE = re.compile(
    r"[\s,]*(?P<speaker>[^,.;:!?“”\"«»()\[\]]{1,80}?)\s+"
    r"(?:(?:has|had|also|later|then|again|once|further|previously|publicly|repeatedly"
    rf"|recently|reportedly)\s+)?(?P<verb>{_ATTRIBUTION_VERBS})\b"
)
_VERB_BEFORE_QUOTE_RE = re.compile(
    rf"(?P<verb>{_ATTRIBUTION_VERBS})(?:\s+[\w’'\-]+){{0,3}}?\s*[:,]?\s*\Z"
)
_THAT_RE = re.compile(r"\bthat\b")
_NO_THAT_CLAUSE_RE = re.compile(
    r"\s*,?\s*"
    r"(?:(?:on|this|last|late|early|earlier)\s+[A-Za-z]+(?:\s+\(\d+\))?\s*,?\s*)?"
    r"(?:in\s+an?\s+(?:statement|tweet|post|interview|speech|letter|report)\s*,?\s*)?"
    r"(?=[A-Z]|(?:the|a|an|there|it|he|she|they|we|his|her|its|their|this|these|those"
    r"|some|many|most|all|no|more|nearly|about|over|only|almost|roughly)\b)"
)
_TOLD_OBJECT_RE = re.compile(r"\s+(?:the\s+)?[\w’'\-]+")
_IS_THAT_RE = re.compile(
    r"(?:The|Our|My|Their|One)\s+(?:[\w’'\-]+\s+){0,2}?(?:is|was|remains)\s+that\s+"
)
# "I am proud to report that ...": the speaker of a speech asserts what follows.
_FIRST_PERSON_LEAD_RE = re.compile(
    r"\b(?:I|[Ww]e)(?:\s+am|\s+are|’m|'m|’re|'re)\s+(?:[a-z]+\s+){0,2}?"
    r"(?:proud|pleased|happy|excited|honou?red|glad|delighted|thrilled)\s+to\s+"
    r"(?:report|announce|say|share|tell\s+you)\s+(?:that\s+)?"
)
_ACCORDING_START_RE = re.compile(r"[Aa]ccording\s+to\s+(?P<speaker>[^,;:]{2,80}?)\s*,\s*")
_ACCORDING_END_RE = re.compile(
    r",\s*according\s+to\s+(?P<speaker>[^,;:!?“”\"]{2,80}?)\s*[.!?]?[\"”’»]*\s*\Z"
)
_INVERTED_VERBS = "said|says|added|noted|wrote|explained|insisted|warned|argued"
_INVERTED_WORDS = frozenset(_INVERTED_VERBS.split("|")) | {"told"}
_INVERTED_RE = re.compile(
    rf",\s*(?:(?P<verb1>{_INVERTED_VERBS})\s+(?P<speaker1>[^,.;:!?“”\"«»()]{{1,60}}?)"
    r"|(?P<speaker2>[^,.;:!?“”\"«»()]{1,60}?)\s+(?:(?:has|had)\s+)?"
    rf"(?P<verb2>{_INVERTED_VERBS}|told\s+\w+)(?:\s+[^,.;:!?“”\"]{{0,60}})?)"
    r"\s*[.!?]?[\"”’»]*\s*\Z"
)
# ", whom Blinken thanked for ..." after a quote's speaker: a clause of the article's own.
_RELATIVE_AFTER_SPEAKER_RE = re.compile(
    r"\s*,\s*(?P<clause>(?:whom|who)\s+(?:[A-Z][\w’'\-]*\s+){0,3}[a-z]{3,}\b)"
)
_QUOTE_PAIR_RE = re.compile(r"“([^“”]*)”|\"([^\"]*)\"|«([^«»]*)»")
_UNOPENED_QUOTE_RE = re.compile(r"([^“”\"«»]{10,})”")

_SPEAKER_STOP = word_set(
    """that which is am are was were be been being will would can could should must may might
    if because when while not than do does did whether to"""
)
_SPEAKER_LOWER_START = word_set(
    """the a an his her its their our my this these those some many several most he she
    they we i it officials experts analysts authorities police critics researchers
    scientists sources witnesses residents both two three state federal local
    government military diplomats"""
)
_SPEAKER_ED_OK = word_set(
    "unnamed retired elected appointed armed united related named based unidentified"
)
_SPEAKER_CUT = word_set(
    """on in at during after before who whom which when while to as from with for this last
    yesterday today earlier later adding according"""
)
_TITLE_WORDS = word_set(
    """secretary state minister president vice prime foreign defense defence interior
    chancellor senator sen rep representative governor gov mayor general gen dr mr mrs ms
    prof professor spokesman spokeswoman spokesperson director chief ambassador judge
    justice king queen pope commissioner chairman chairwoman chair ceo deputy attorney
    leader dictator premier speaker lieutenant colonel col captain capt sergeant officer
    official envoy adviser advisor counselor counterpart candidate host anchor reporter
    author founder owner coach inspector sheriff the"""
)
_FIRST_PERSON = word_set("i we you us me")
_SPEAKER_TRAILING = word_set(_BEFORE_VERB)
_DELIMITER_RE = re.compile(r"[,;:(“”\"«»]")


@dataclass
class Context:
    """What earlier sentences told us: the last person named as a claimant."""

    last_person: str = ""


class Frame(NamedTuple):
    """An asserted stretch of a sentence (offsets relative to the sentence) and its source."""

    start: int
    end: int
    claimant: str
    attribution: str
    is_quote: bool = False
    # A relative clause about the speaker ("…,” said Park, whom Blinken thanked for …):
    # the speaker's words, for "whom" in the statement.
    relative_to: str = ""


def _valid_speaker(speaker: str) -> bool:
    """Whether the words before (or after) an attribution verb look like who spoke."""
    words = speaker.split()
    if not 1 <= len(words) <= 9:
        return False
    first = words[0]
    if first[0].islower() and first not in _SPEAKER_LOWER_START:
        return False
    if first in STARTERS and first.lower() not in _SPEAKER_LOWER_START:
        return False  # "In Seoul ...", "After ..."
    for word in words:
        lowered = word.lower()
        if lowered in _SPEAKER_STOP:
            return False
        if word[0].islower() and lowered.endswith("ed") and lowered not in _SPEAKER_ED_OK:
            return False  # "Trump signed a law that said"
    return any(ch.isalpha() for ch in speaker)


def _cut_speaker_after(speaker: str) -> str:
    """The speaker named after its verb, up to a preposition: "said Park, whom" -> "Park"."""
    kept = []
    for word in speaker.split():
        if word.lower() in _SPEAKER_CUT:
            break
        kept.append(word)
    return " ".join(kept)


def _speaker_before(sentence: str, pos: int) -> str:
    """The words before pos back to the previous clause delimiter, skipping an apposition.

    "For his part, the minister said" -> "the minister"; "James McFitting, head of the
    lab, told" -> "James McFitting"; "He then declared" -> "He".
    """
    pre = sentence[max(0, pos - 160) : pos]
    segments = _DELIMITER_RE.split(pre)
    speaker = segments[-1].strip()
    if not speaker and len(segments) >= 3:
        speaker = segments[-3].strip()  # name, apposition, verb
    words = speaker.split()
    while words and words[-1].lower() in _SPEAKER_TRAILING:
        words.pop()
    return " ".join(words)


def _claimant(speaker: str, context: Context) -> str:
    """A speaker's words as a claimant: titles dropped before a name, pronouns resolved."""
    speaker = " ".join(speaker.strip(" ,;:“”\"'’()").split())
    lowered = speaker.lower()
    if not speaker or lowered in _FIRST_PERSON or lowered in ("they", "it"):
        return ""
    if lowered in ("he", "she"):
        return context.last_person
    words = speaker.split()
    run: list[str] = []
    for word in reversed(words):
        if not word[0].isupper() or word.lower().rstrip(".") in _TITLE_WORDS:
            break
        run.insert(0, word)
    if run and len(run) < len(words) and words[-len(run) - 1].lower().rstrip(".") in _TITLE_WORDS:
        speaker = " ".join(run)  # "US Secretary of State Antony Blinken" -> "Antony Blinken"
    claimant = speaker[0].upper() + speaker[1:]
    if " and " not in claimant and all(word[0].isupper() for word in claimant.split()):
        context.last_person = claimant
    return claimant


def _quote_frames(sentence: str, context: Context) -> list[Frame]:
    """Direct quotes in the sentence that have a speaker next to them."""
    pairs = []
    for match in _QUOTE_PAIR_RE.finditer(sentence):
        group = match.lastindex or 1
        pairs.append((match.start(group), match.end(group), match.start(), match.end()))
    if not pairs:
        unopened = _UNOPENED_QUOTE_RE.match(sentence)  # the end of a quote begun earlier
        if unopened:
            pairs.append((0, unopened.end(1), 0, unopened.end()))
    frames = []
    for inner_start, inner_end, outer_start, outer_end in pairs:
        if len(sentence[inner_start:inner_end].split()) < 4:
            continue  # scare quotes: “closely and carefully”
        speaker = verb = ""
        lead = _LEAD_VERB_RE.match(sentence, outer_end)
        relative = None
        if lead:  # “...,” said Park
            verb = lead.group("verb")
            rest = sentence[lead.end() : lead.end() + 80]
            stops = [i for i in (rest.find(ch) for ch in ",.;:!?") if i >= 0]
            speaker = _cut_speaker_after(rest[: min(stops, default=len(rest))])
            attribution = f"{verb} {speaker}"
            relative = _RELATIVE_AFTER_SPEAKER_RE.match(
                sentence, lead.end() + len(rest[: min(stops, default=len(rest))])
            )
        else:
            after = _SPEAKER_VERB_RE.match(sentence, outer_end)
            if after:  # “...,” Blinken said
                speaker, verb = after.group("speaker").strip(), after.group("verb")
            else:  # Blinken said: “...”
                window_start = max(0, outer_start - 100)
                before = _VERB_BEFORE_QUOTE_RE.search(sentence, window_start, outer_start)
                if before:
                    verb = before.group("verb")
                    speaker = _speaker_before(sentence, before.start())
            attribution = f"{speaker} {verb}"
        if not verb or not speaker or not _valid_speaker(speaker):
            continue
        claimant = _claimant(speaker, context)
        frames.append(Frame(inner_start, inner_end, claimant, attribution, is_quote=True))
        if relative and relative.end() < len(sentence):  # the article's own words
            frames.append(Frame(relative.start("clause"), len(sentence), "", "", False, claimant))
            break
    return frames


def _clause_after_verb(sentence: str, verb: re.Match) -> int | None:
    """Where the reported clause starts after an attribution verb, or None."""
    window = sentence[verb.end() : verb.end() + 160]
    that = _THAT_RE.search(window)
    # Not "said she was inspired that ...", where the clause starts at "she".
    if (
        that
        and len(window[: that.start()].split()) <= 16
        and not FINITE_RE.search(window, 0, that.start())
    ):
        return verb.end() + that.end()
    if verb.group("verb") not in _SAY_VERBS:
        return None  # "announced his retirement" is an act, not reported speech
    pos = verb.end()
    if verb.group("verb") in ("told", "tells"):
        obj = _TOLD_OBJECT_RE.match(sentence, pos)
        if not obj:
            return None
        pos = obj.end()
    clause = _NO_THAT_CLAUSE_RE.match(sentence, pos)
    if clause is None or clause.end() >= len(sentence):
        return None
    return clause.end()


def sentence_frames(sentence: str, context: Context, verbs: list[tuple[int, str]]) -> list[Frame]:
    """The asserted stretches of a sentence with their claimants.

    `verbs` are the attribution verbs in the sentence: (offset in the sentence, word).
    """
    if QUOTE_CHARS_RE.search(sentence):
        frames = _quote_frames(sentence, context)
        if frames:
            return frames
    end = len(sentence)
    according = "ccording to" in sentence
    if according:
        match = _ACCORDING_START_RE.match(sentence)
        if match:
            speaker = match.group("speaker")
            claimant = _claimant(speaker, context)
            return [Frame(match.end(), end, claimant, f"according to {speaker}")]
    is_that = _IS_THAT_RE.match(sentence)
    if not is_that and " to " in sentence:
        is_that = _FIRST_PERSON_LEAD_RE.search(sentence, 0, 160)
    if is_that and is_that.end() < end:
        return [Frame(is_that.end(), end, "", "")]
    if any(offset < 300 for offset, _ in verbs):
        for verb in _VERB_RE.finditer(sentence, 0, min(end, 300)):
            speaker = _speaker_before(sentence, verb.start())
            if not speaker or not _valid_speaker(speaker):
                continue
            start = _clause_after_verb(sentence, verb)
            if start is None:
                break
            evidence = f"{speaker} {verb.group().strip()}"
            return [Frame(start, end, _claimant(speaker, context), evidence)]
    tail_start = max(0, end - 160)
    if according:
        match = _ACCORDING_END_RE.search(sentence, tail_start)
        if match:
            speaker = match.group("speaker")
            claimant = _claimant(speaker, context)
            return [Frame(0, match.start(), claimant, f"according to {speaker}")]
    if any(offset >= tail_start and word in _INVERTED_WORDS for offset, word in verbs):
        inverted = _INVERTED_RE.search(sentence, tail_start)
        if inverted and inverted.start() > 0:
            if inverted.group("verb1"):
                speaker = _cut_speaker_after(inverted.group("speaker1"))
                evidence = f"{inverted.group('verb1')} {speaker}"
            else:
                speaker = inverted.group("speaker2").strip()
                evidence = f"{speaker} {inverted.group('verb2')}"
            if speaker and _valid_speaker(speaker):
                return [Frame(0, inverted.start(), _claimant(speaker, context), evidence)]
    return [Frame(0, end, "", "")]
