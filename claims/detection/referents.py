"""Referents: who a title, "we" or "the regime" stands for, from what the article named
before it.

The names a text gives (`signals.scan`) tell which states it names and where (a country,
its capital, its adjective: `STATES`), and which people it names with a title ("US
Secretary of State Antony Blinken", "his South Korean counterpart, Park Jin"): `Named`.
`PartJoiner` (claims.detection.reading) collects them part by part, in order, and
`Referents` then answers, for a claim at a position, from what came before it only:

- a claimant that is a title ("The head of American diplomacy", "The South Korean Foreign
  Minister") is the person last named with a title of the same state and office;
- "We" said by a person named with a state's title is that state, as the article last
  named it ("Washington");
- "the regime" is the state last named, "the North" the northern state last named.

Without such evidence nothing is resolved: the claimant stays the title, the statement
stays whole and is flagged for editing.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from claims.detection.text import word_set

# Each state: its name in a statement, then the words that name it (as nouns: the name and
# its capital) and its adjectives. A small list of the states in the desk's news.
_STATE_WORDS = {
    "the United States": ("United States|US|U.S.|USA|America|Washington", "American|US|U.S."),
    "South Korea": ("South Korea|Seoul", "South Korean"),
    "North Korea": ("North Korea|Pyongyang", "North Korean"),
    "Russia": ("Russia|Moscow|Kremlin", "Russian"),
    "China": ("China|Beijing", "Chinese"),
    "Japan": ("Japan|Tokyo", "Japanese"),
    "Ukraine": ("Ukraine|Kyiv|Kiev", "Ukrainian"),
    "the United Kingdom": ("United Kingdom|Britain|UK|U.K.|London", "British"),
    "France": ("France|Paris", "French"),
    "Germany": ("Germany|Berlin", "German"),
    "Israel": ("Israel", "Israeli"),
    "Iran": ("Iran|Tehran", "Iranian"),
    "India": ("India|New Delhi", "Indian"),
    "Turkey": ("Turkey|Ankara", "Turkish"),
    "Syria": ("Syria|Damascus", "Syrian"),
    "Canada": ("Canada|Ottawa", "Canadian"),
    "Mexico": ("Mexico", "Mexican"),
}
STATE_NOUNS = {
    noun: state for state, (nouns, _) in _STATE_WORDS.items() for noun in nouns.split("|")
}
_STATE_ADJECTIVES = {
    adjective: state
    for state, (_, adjectives) in _STATE_WORDS.items()
    for adjective in adjectives.split("|")
}
_STATE_PREFIX_RE = re.compile(
    "|".join(
        re.escape(word)
        for word in sorted({*STATE_NOUNS, *_STATE_ADJECTIVES}, key=len, reverse=True)
    )
    + r"(?![\w’'\-])"
)

# Offices, each with the words that name it; "counterpart" is the office of whoever it is
# the counterpart of (any office here).
_OFFICES = (
    ("foreign", ("secretary of state", "foreign minister", "foreign secretary", "diplomacy",
                 "diplomat")),
    ("defence", ("defense secretary", "defence secretary", "defense minister",
                 "defence minister", "pentagon")),
    ("government", ("prime minister", "premier", "chancellor")),
    ("head of state", ("president", "king", "queen", "leader", "dictator")),
    ("any", ("counterpart",)),
)  # fmt: skip
_TITLE_WORDS = word_set(
    """the his her their its of head top chief secretary state minister foreign defense
    defence prime president vice premier chancellor king queen leader dictator diplomacy
    diplomat counterpart spokesman spokeswoman spokesperson ambassador envoy official"""
)
_APPOSITION_RE = re.compile(
    r"(?:his|her|their|its|the)\s+(?P<title>(?:[A-Z][\w.’'\-]*\s+){0,2}"
    r"(?:counterpart|minister|president|leader|envoy|ambassador))\s*,\s*\Z"
)
_POSSESSIVE_RE = re.compile(r"[’']s?\Z")


@functools.lru_cache(maxsize=1024)
def office(title: str) -> str:
    """The office a title names ("foreign" for "Secretary of State"), or ""."""
    lowered = " ".join(title.lower().split())
    for name, words in _OFFICES:
        if any(word in lowered for word in words):
            return name
    return ""


@functools.lru_cache(maxsize=1024)
def state_of(title: str) -> str:
    """The state a title or name starts with ("South Korean Foreign Minister"), or ""."""
    words = title.split()
    while words and words[0].lower() in ("the", "his", "her", "their", "its", "head", "of"):
        words = words[1:]
    text = " ".join(words)
    match = _STATE_PREFIX_RE.match(text)
    if match is None:  # "The head of American diplomacy": the state after "of"
        match = _STATE_PREFIX_RE.search(text)
        if match is None or not text[: match.start()].lower().split() <= list(_TITLE_WORDS):
            return ""
    word = match.group()
    return STATE_NOUNS.get(word) or _STATE_ADJECTIVES[word]


@functools.lru_cache(maxsize=1024)
def is_title(claimant: str) -> bool:
    """Whether a claimant is a title naming no one ("The head of American diplomacy")."""
    words = claimant.split()
    if len(words) < 2 or not office(claimant):
        return False
    rest = _STATE_PREFIX_RE.sub("", claimant)
    return all(word.lower() in _TITLE_WORDS for word in rest.split())


class Person(NamedTuple):
    position: int  # where the article names them
    name: str  # "Antony Blinken"
    state: str  # "the United States", or ""
    office: str  # see _OFFICES, or ""


@dataclass
class Named:
    """The states and titled people a text names, in order of position."""

    states: list[tuple[int, str, str]] = field(default_factory=list)  # (pos, state, noun)
    people: list[Person] = field(default_factory=list)


def named_in(text: str, names: list[tuple[int, str]]) -> Named:
    """The states and titled people named in text, from its names (offset, words) as
    `signals.scan` found them."""
    found = Named()
    # The same names recur throughout a text: read each distinct one once.
    read: dict[str, tuple[tuple[str, str] | None, Person | None, bool]] = {}
    for start, name in names:
        if name not in read:
            state_match = _STATE_PREFIX_RE.match(name)
            state = None
            if state_match:
                word = state_match.group()
                noun = word if word == name and word in STATE_NOUNS else ""
                state = (STATE_NOUNS.get(word) or _STATE_ADJECTIVES[word], noun)
            words = name.split()
            person = _person(words)
            titled = None
            if person is not None and len(person) < len(words):  # a title, then the name
                title = " ".join(words[: len(words) - len(person)])
                titled = Person(0, " ".join(person), state_of(title), office(title))
            read[name] = (state, titled, len(words) == 2 and person == words)
        state, titled, two_words = read[name]
        if state is not None:
            found.states.append((start, *state))
        if titled is not None:
            found.people.append(titled._replace(position=start))
        elif two_words and text.startswith(",", start - 2):  # "his ... counterpart, Park Jin"
            apposition = _APPOSITION_RE.search(text, max(0, start - 60), start)
            if apposition:
                title = apposition.group("title")
                found.people.append(Person(start, name, state_of(title), office(title)))
    return found


def _person(words: list[str]) -> list[str] | None:
    """The last two or three capitalised words of a name that are no title or state."""
    run: list[str] = []
    for word in reversed(words):
        if word.lower() in _TITLE_WORDS or word in STATE_NOUNS or word in _STATE_ADJECTIVES:
            break
        run.insert(0, word)
    if not 2 <= len(run) <= 3 or not all(word[:1].isupper() for word in run):
        return None
    return run


class Referents:
    """What the article named so far, part by part (see the module's docstring)."""

    def __init__(self) -> None:
        self.states: list[tuple[int, str, str]] = []
        self.people: list[Person] = []
        # Full and last names -> where a person of that name was named, and their state.
        self.state_at: dict[str, list[tuple[int, str]]] = {}

    def add(self, named: Named) -> None:
        self.states.extend(named.states)
        self.people.extend(named.people)
        for person in named.people:
            for name in {person.name, person.name.split()[-1]}:
                self.state_at.setdefault(name, []).append((person.position, person.state))

    def person_with_title(self, title: str, position: int) -> str:
        """The person last named before position with the title's state and office."""
        state, wanted = state_of(title), office(title)
        if not state or not wanted:
            return ""
        for index in range(bisect.bisect_left(self.people, (position,)) - 1, -1, -1):
            person = self.people[index]
            if person.state == state and person.office in (wanted, "any"):
                return person.name
        return ""

    def state_of_person(self, name: str, position: int) -> str:
        """The state of the person (full name or last name) named before position."""
        named = self.state_at.get(name, [])
        last = bisect.bisect_left(named, (position,))
        return named[last - 1][1] if last else ""

    def state_name(self, state: str, position: int) -> str:
        """The state as the article last named it before position ("Washington")."""
        for index in range(bisect.bisect_left(self.states, (position,)) - 1, -1, -1):
            _, named, noun = self.states[index]
            if named == state and noun:
                return noun
        return state

    def last_state(self, position: int, *, northern: bool = False) -> str:
        """The state last named before position (its name as the article last gave it)."""
        for index in range(bisect.bisect_left(self.states, (position,)) - 1, -1, -1):
            state = self.states[index][1]
            if not northern or state.startswith("North "):
                return self.state_name(state, position)
        return ""
