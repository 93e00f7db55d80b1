"""Statements: a claim's words restated as a short, self-contained sentence a reviewer
can edit, never with a verdict word in it.

A statement may be shorter than the claim's words, never different: beyond
STATEMENT_SOFT_LIMIT characters, trailing clauses are dropped at clause boundaries (the
head keeps its verb and its first name or figure), and padding (`PADDING`, an explicit
list) is left out, never inside a direct quote. A statement still longer than
STATEMENT_HARD_LIMIT stays whole and needs editing; only beyond STATEMENT_MAX_CHARS
(text without sentences) is it cut at a word. A subject that does not name anyone
("We", "These exchanges", "the regime") is reported (`Restatement.subject`) for the
reading to resolve from the article (claims.detection.referents).
"""

from __future__ import annotations

import itertools
import re
from typing import NamedTuple

from claims.detection.clauses import FINITE_RE, TRAILING_PUNCT
from claims.detection.sentences import AMBIGUOUS_ABBREVIATIONS, STARTERS
from claims.detection.text import QUOTE_CHARS_RE, trie_pattern, word_set

STATEMENT_SOFT_LIMIT = 75
STATEMENT_HARD_LIMIT = 120
STATEMENT_MAX_CHARS = 400

# What a statement may leave out of a claim's words (outside direct quotes): nothing else.
PADDING = (
    "vague present time (“in recent times”, “these days”, “currently”) unless it bounds a "
    "figure or a ranking",
    "a title before a person's full name (“dictator Kim Jong-un”, “the Russian President "
    "Vladimir Putin”)",
    "an aside between commas (“, which appears to have turned its back on dialogue,”)",
)


class Restatement(NamedTuple):
    text: str
    subject: str = ""  # words standing for someone the statement does not name, or ""
    too_long: bool = False  # longer than STATEMENT_HARD_LIMIT: needs editing


_STRAY_PERIOD_RE = re.compile(r"\b([A-Za-z]{3,})\.\s+(?=[a-z])")
_LEADING_THAT_RE = re.compile(r"(?:that|and|but|so)\s+", re.IGNORECASE)
_RELATIVE_HEAD_RE = re.compile(r"((?:an?|the)\s+(?:[\w’'\-]+\s+){0,3}?)(?:that|which)\s+(?=\w)")
_NONRESTRICTIVE_RE = re.compile(r",\s+(?:which|who|whose|whom)\s+[^,]{1,200}?,\s*")
ITS_RE = re.compile(r"\bits\b")
_VERDICT_STEMS = word_set(
    "true truth false mislead misled correct accura fake hoax debunk unproven"
)
_VERDICT_STEM_RE = re.compile(trie_pattern(_VERDICT_STEMS))  # a quick test before _VERDICT_RE
_VERDICT_RE = re.compile(
    r"\b(?:true|untrue|truthful|false|falsely|misleading|mislead|misled|correct"
    r"|incorrect|accurate|inaccurate|fake|hoax|debunked|unproven)\b",
    re.IGNORECASE,
)
# The shortening rules below read a statement whose whitespace `restatement` has made
# single spaces, so that most expressions start with a literal the engine finds quickly.
_MARKERS = """for use in, in exchange, including, under, based on, given that, in order to, so that,
    because, after, before, while, at a time, according to, as part of, in favor of,
    in favour of, despite, amid, following, since, until, during"""
_AUXILIARIES = word_set(
    """is are was were has have had will would can could did does do may might must should
    shall am be been being"""
)
# "... with concern and is monitoring ...": "and" before an auxiliary without a subject of
# its own starts a second predicate of the same subject, a clause boundary like a marker.
_SECOND_PREDICATES = [
    f"and {adverb}{auxiliary}"
    for adverb in ("", "also ", "then ", "now ")
    for auxiliary in _AUXILIARIES - word_set("am be been being")
]
_MARKER_RE = re.compile(
    r" (?:"
    + trie_pattern(
        [" ".join(marker.split()) for marker in _MARKERS.split(",")] + _SECOND_PREDICATES
    )
    + r")(?![\w’'\-])"  # not "haves and have-nots", "under-secretary"
)
_DANGLING = word_set(
    """and or but the a an of to in for with by on at from that which its his her their
    as than into"""
)
# Words a clause cut does not end on ("... with Booker T. Washington and, together, ...").
# Not the prepositions and pronouns of `_DANGLING`: before a comma they usually end the
# clause ("what we are fighting for, ...", "to change that, and ...").
_DANGLING_AT_CUT = word_set("and or nor but the a an")
_MIN_HEAD = 30
_COMMA_RE = re.compile(",")

# A present-tense verb ending in "-s" ("views", "watches", "says") before its object or
# complement; not "-ss", "-is", "-us", "-ics" nor a singular noun such as "news".
_PRESENT_S = (
    r"(?!(?:news|series|species|means|headquarters|whereabouts|lens) )"
    r"[a-z]{2,}s(?<![siu]s)(?<!ics)(?= )"
)
# "... and monitors the ...": a second present-tense predicate with its object; only
# after a head whose own verb is such a present-tense verb (plural nouns end in "-s" too).
_AND_PRESENT_RE = re.compile(
    rf" and (?:also )?{_PRESENT_S} "
    r"(?=(?:the|a|an|its|his|her|their|our|this|these|those|them|it|him|us) )"
)
# The statement's subject and its present-tense verb, a verb `FINITE_RE` does not know:
# "Washington views", "The government fears", "North Korea sends", "It says". A subject
# word is never a possessive ("North Korea’s missiles"), and a name does not start with a
# sentence word ("To members", "Despite floods": see `_head_verb_end`). A determiner has a
# noun before the verb: "The elections" is a subject alone.
_PRESENT_VERB_RE = re.compile(
    r"(?:(?:[Tt]he|[Aa]n?|[Tt]his|[Tt]hat|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir|[Oo]ur|[Ee]ach"
    r"|[Ee]very) (?:[\w’'\-]+(?<![’']s) ){1,2}?"
    r"|(?P<name>[A-Z][\w’'\-]*)(?<![’']s) (?:[A-Z][\w’'\-]*(?<![’']s) ){0,3}"
    r"|(?:[Hh]e|[Ss]he|[Ii]t) )"
    r"(?:(?:also|now|still|often|already|again) )?"
    rf"{_PRESENT_S}"
)
# Padding in one pass: vague present time ("in recent times", "these days",
# "currently"), dropped unless it bounds a figure or a ranking ("the highest in recent
# years") or is part of a longer phrase ("at the moment of the explosion", "in these days
# of austerity"); a title before a full name ("dictator Kim Jong-un", "the Russian President
# Vladimir Putin": two capitalised words after it, not a possessive).
_TITLES = trie_pattern(
    word_set(
        """dictator President Vice Prime Minister Foreign Defense Defence Secretary Senator
        Sen. Governor Gov. Chancellor Premier King Queen General Gen. Ambassador Mayor leader
        Leader"""
    )
    | {"Secretary of State"}
)
_PADDING_RE = re.compile(
    r" (?:(?:in recent (?:times|days|weeks|months|years)|(?:in )?these days|nowadays|lately"
    r"|currently|at present|at the moment|right now)\b"
    r"(?! (?:of|when|that|which|where|before|after|since|in which)\b)(?:,(?= ))?"
    rf"|(?P<title>(?:the )?(?:[A-Z][a-z]+ (?:[A-Z][a-z]+ )?)?(?:(?:{_TITLES}) )+)"
    r"(?=[A-Z][\w’'\-]*(?<![’']s) [A-Z][\w’'\-]*(?<![’']s)(?![\w’'\-]* [A-Z])))"
)
# Vague present time ending a statement: a trailing phrase, dropped like a clause.
_TRAILING_TIME_RE = re.compile(
    r",? (?:in recent (?:times|days|weeks|months|years)|(?:in )?these days|nowadays|lately"
    r"|currently|at present|at the moment|right now)\Z"
)
_NAME_OR_FIGURE_RE = re.compile(r"(?<![\w’'\-])(?:[A-Z][\w’'\-]*|\d)")
_NOT_NAMES = word_set(
    """I January February March April May June July August September October November
    December Monday Tuesday Wednesday Thursday Friday Saturday Sunday"""
)
# A subject that names no one: a personal pronoun, or a demonstrative with its noun
# ("These exchanges"); "It" and "There" are mostly no one ("It is expected that").
_UNNAMED_SUBJECT_RE = re.compile(
    r"(?:We(?![\w\-])|(?:I|You|They|He|She|Our|My|Their|His|Her|Its)(?![\w’'\-]))"
    r"|(?:This|These|Those|That)(?: [a-z][\w’'\-]*)?(?![\w’'\-])"
)
_THE_REGIME_RE = re.compile(r"(?<![\w’'\-])the (?:regime|North)(?![\w’'\-])")
_WHOM_RE = re.compile(r"(?:whom (?P<subject>(?:[A-Z][\w’'\-]* ){1,3})(?P<verb>[a-z]{3,})|who )")
_RANKED_RE = re.compile(
    r"\d|\b(?:[a-z]{2,}est|most|least|first|only|record|ever|than|more|less|fewer|percent"
    r"|hundred|thousand|million|billion|twice|doubled|tripled|halved|rose|risen|fell|fallen"
    r"|grew|grown|increased|decreased|dropped|declined)\b"
)
# A list ending the statement, from its second item on: "support for the missile programs
# and its nuclear technology or space launch capabilities". Items start with a determiner.
_LIST_ITEM_RE = re.compile(
    r" (?:and|or) (?=(?:the|a|an|its|his|her|their|our|other|any|all|some) )"
)
# A tail that is not just more list items: a preposition, a clause or a comma in it may
# bear on the whole list ("rounds and other equipment to Moscow").
_NOT_LIST_TAIL_RE = re.compile(
    r",| (?:to|in|into|for|from|with|by|on|at|as|than|that|which|who|whom|whose|since"
    r"|until|after|before|during|under|over|against|about|through|between|among|within"
    r"|without|while|because|if|when|where)\b"
)
# Words that pair "and" with an earlier item: "between Russia and North Korea".
_PAIRING_WORDS = word_set("between among both either neither whether")


class _HeadVerb(NamedTuple):
    end: int  # where the statement's first verb ends
    present: bool  # a present-tense "-s" verb `FINITE_RE` does not know: a guess
    known: int | None  # after a guess, where `FINITE_RE`'s first verb starts, if anywhere


def _head_verb_end(statement: str) -> _HeadVerb | None:
    """Where the statement's first verb ends (a head cut after it keeps a verb), and
    whether that verb is a present-tense "-s" verb `FINITE_RE` does not know.

    `FINITE_RE` finds most verbs; a present-tense verb right after the subject
    ("Washington views ...") is looked for only when it finds none within the soft limit.
    """
    verb = FINITE_RE.search(statement)
    if verb and verb.start() < STATEMENT_SOFT_LIMIT:
        return _HeadVerb(verb.end(), False, None)
    present = _PRESENT_VERB_RE.match(statement)
    if present and present.group("name") not in STARTERS:
        return _HeadVerb(present.end(), True, _known_verb(statement, verb) if verb else None)
    return _HeadVerb(verb.end(), False, None) if verb else None


def _known_verb(statement: str, first: re.Match) -> int | None:
    """Where the first of `FINITE_RE`'s verbs from `first` on that may be a predicate
    starts: not a participle ("one raised by a teacher", "of undocumented immigrants")."""
    for verb in itertools.chain((first,), FINITE_RE.finditer(statement, first.end())):
        if statement.startswith(" by ", verb.end()):
            continue
        before = statement[max(0, verb.start() - 15) : verb.start()].split()
        if not before or before[-1].lower() not in _DANGLING:
            return verb.start()
    return None


def _clause_cut(statement: str, first: int, verb: _HeadVerb) -> int | None:
    """Where to drop trailing clauses beyond `first`: the longest head within the soft limit,
    else the shortest one. A marker coordinated with what precedes it ("before and during
    the siege", "without punctuation or after") or after "the" ("the following") is no cut.

    After a guessed verb, a verb `FINITE_RE` knows later on may be the real one ("Russian
    exports of grain ..., officials say, fell sharply"): no cut comes before it, unless the
    cut starts a second predicate with it ("views ... with concern and is monitoring").
    """
    cuts = [m.start() for m in _COMMA_RE.finditer(statement, first)]
    cuts.extend(
        m.start()
        for m in _MARKER_RE.finditer(statement, first)
        if not statement.endswith((" and", " or", " the"), 0, m.start())
    )
    if verb.present and statement.find(" and ", first) >= 0:
        cuts.extend(m.start() for m in _AND_PRESENT_RE.finditer(statement, first))
    if verb.known is not None:
        known = verb.known
        cuts = [cut for cut in cuts if cut >= known or statement.startswith(" and ", cut)]
    if not cuts:
        return None
    within = [cut for cut in cuts if cut <= STATEMENT_SOFT_LIMIT]
    return max(within) if within else min(cuts)


def _drop_padding(statement: str) -> str:
    """The statement without vague present time and titles before full names."""
    drops = []
    ranked = None
    for match in _PADDING_RE.finditer(statement):
        start = match.start()
        if match.lastgroup:  # "title": the space before the name stays
            drops.append((start, match.end() - 1))
            continue
        if ranked is None:
            ranked = bool(_RANKED_RE.search(statement))
        if not ranked:  # ", in recent weeks," goes with both its commas
            drops.append((start - (statement[start - 1 : start] == ","), match.end()))
    if not drops:
        return statement
    pieces, kept = [], 0
    for start, end in drops:
        pieces.append(statement[kept:start])
        kept = end
    return "".join(pieces) + statement[kept:]


def _list_cut(statement: str, first: int) -> int | None:
    """Where the further items of a list ending the statement start, or None."""
    item = _LIST_ITEM_RE.search(statement, first)
    if item is None:
        return None
    # Items count only after the last preposition, comma or verb (one pass of each).
    last = item.start()
    for stop in _NOT_LIST_TAIL_RE.finditer(statement, last):
        last = stop.end()
    for verb in FINITE_RE.finditer(statement, last):
        last = verb.end()
    cuts = [
        later.start()
        for later in _LIST_ITEM_RE.finditer(statement, last)
        if _PAIRING_WORDS.isdisjoint(
            statement[max(0, later.start() - 60) : later.start()].lower().split()[-6:]
        )
    ]
    if not cuts:
        return None
    within = [cut for cut in cuts if cut <= STATEMENT_SOFT_LIMIT]
    return max(within) if within else min(cuts)


def _first_name_end(statement: str) -> int:
    """Where the statement's first name or figure after its first word ends (0 if none):
    a head cut before it would name nothing ("An agreement was reached in September")."""
    for match in _NAME_OR_FIGURE_RE.finditer(statement, 1):
        if match.group() not in _NOT_NAMES:
            return match.end()
    return 0


def _shorten(statement: str, *, quoted: bool) -> str:
    """Drop trailing clauses beyond the soft limit; in a direct quote nothing else.

    A clause is dropped at a comma, a subordinating word ("for use in", "under",
    "including", "during" ...) or a second predicate ("and is monitoring ..."), and only
    if what is left still has a verb and the statement's first name or figure: the longest
    such head within the soft limit, else the shortest one. A statement still too long
    loses vague present time at its end, then its padding (not in a quote), then the
    further items of a list ending it.
    """
    if len(statement) <= STATEMENT_SOFT_LIMIT:
        return statement
    if ", wh" in statement and not quoted:
        statement = _NONRESTRICTIVE_RE.sub(" ", statement)
    verb = _head_verb_end(statement)
    # A head keeps a verb and a name.
    first = max(_MIN_HEAD, verb.end, _first_name_end(statement)) if verb else 0
    if verb:
        cut = _clause_cut(statement, first, verb)
        if cut is not None:  # not ending "with Booker T. Washington and"
            words = statement[:cut].rstrip(" ,;:").split(" ")
            while len(words) > 1 and words[-1].rstrip(",;:") in _DANGLING_AT_CUT:
                words.pop()
            statement = " ".join(words).rstrip(" ,;:")
    if len(statement) > STATEMENT_SOFT_LIMIT:
        vague = _TRAILING_TIME_RE.search(statement)
        if vague and vague.start() >= first and not _RANKED_RE.search(statement):
            statement = statement[: vague.start()].rstrip(" ,;:")
    if len(statement) > STATEMENT_SOFT_LIMIT and not quoted:
        padded, statement = statement, _drop_padding(statement)
        if statement != padded:
            statement = " ".join(statement.split()).strip(" ,;:")
    if len(statement) > STATEMENT_HARD_LIMIT and verb:
        cut = _list_cut(statement, first)
        if cut is not None:
            statement = statement[:cut].rstrip(" ,;:")
    return statement


def _cut_at_a_word(statement: str) -> str:
    """A statement of text without sentences, cut at a word within STATEMENT_MAX_CHARS."""
    cut = statement.rfind(" ", 0, STATEMENT_MAX_CHARS)
    words = statement[: cut if cut > 0 else STATEMENT_MAX_CHARS - 1].split()
    while len(words) > 1 and words[-1].lower().strip(",;:") in _DANGLING:
        words.pop()
    return " ".join(words).rstrip(TRAILING_PUNCT + " ") + "…"


def _unstray(match: re.Match) -> str:
    word = match.group(1)
    return match.group() if word.lower() in AMBIGUOUS_ABBREVIATIONS else word + " "


def restatement(
    words: str,
    *,
    antecedent: str = "",
    tail: bool = False,
    quoted: bool = False,
    whole: bool = False,
    relative_to: str = "",
) -> Restatement:
    """A short restatement of a claim's words a reviewer can edit (never a verdict word).

    `quoted`: the words are a direct quote (only trailing clauses may go); `whole`: keep
    every word (a statement whose subject names no one, as the reading found);
    `relative_to`: the person "who" or "whom" opening the words stands for.
    """
    statement = words
    if QUOTE_CHARS_RE.search(statement):
        statement = QUOTE_CHARS_RE.sub("", statement)
    if ". " in statement:  # "possible transfers. of Russian weapons"
        statement = _STRAY_PERIOD_RE.sub(_unstray, statement)
    statement = " ".join(statement.split())
    leading = _LEADING_THAT_RE.match(statement)
    if leading and leading.end() < len(statement):
        statement = statement[leading.end() :]
    if relative_to:  # "whom Blinken thanked for" -> "Blinken thanked Park for"
        whom = _WHOM_RE.match(statement)
        if whom and whom.group("verb"):
            end = whom.end()
            statement = (
                f"{whom.group('subject')}{whom.group('verb')} {relative_to}{statement[end:]}"
            )
        elif whom:
            statement = relative_to + statement[whom.end() - 1 :]
    if tail and not whole:
        if antecedent:  # "members of its armed wing" -> "members of Hamas’ armed wing"
            possessive = antecedent + ("’" if antecedent.endswith("s") else "’s")
            statement = ITS_RE.sub(lambda _: possessive, statement, count=1)
        # "an agreement that apparently was reached" -> "an agreement apparently was reached"
        statement = _RELATIVE_HEAD_RE.sub(r"\1", statement, count=1)
    lowered = statement.lower()
    if _VERDICT_STEM_RE.search(lowered):
        statement = " ".join(_VERDICT_RE.sub("", statement).split())
    statement = statement.strip(" " + TRAILING_PUNCT)
    if not whole:
        statement = _shorten(statement, quoted=quoted)
    statement = statement.strip(" ,;:-–—")
    if len(statement) > STATEMENT_MAX_CHARS:
        statement = _cut_at_a_word(statement)
    if statement and statement[0].islower():
        statement = statement[0].upper() + statement[1:]
    subject = _UNNAMED_SUBJECT_RE.match(statement) or _THE_REGIME_RE.search(statement)
    return Restatement(
        statement,
        subject.group() if subject else "",
        len(statement) > STATEMENT_HARD_LIMIT,
    )
