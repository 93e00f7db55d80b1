"""Searching by words, the same on SQLite and PostgreSQL.

A search for "UN" must find "the UN said", not "Council" or "Kim Jong-un": each word of a
query matches only from the start of a word, a hyphenated name counting as one word.
A short word (up to SHORT_WORD characters: "UN", "EU", "NIS") must be a whole word; a
longer one may be the start of a word, so that the list narrows while the reviewer types
("brief" finds "briefing"). The patterns use lookbehind and lookahead, which Python's `re`
(Django's REGEXP on SQLite) and PostgreSQL's regular expressions (9.6 and later) read
the same way.
"""

import re
from functools import reduce
from operator import and_, or_

from django.db.models import Q

# Letters, digits, the underscore and the hyphen make up a word.
_WORD_START = r"(?<![\w-])"
_WORD_END = r"(?![\w-])"
SHORT_WORD = 3
MAX_WORDS = 8


def word_pattern(word: str) -> str:
    """A regular expression that finds `word` at the start of a word, and as a whole word
    if it is short (case is the caller's)."""
    pattern = _WORD_START + re.escape(word)
    return pattern + _WORD_END if len(word) <= SHORT_WORD else pattern


def words_filter(query: str, *fields: str) -> Q:
    """Rows where every word of `query` (the first MAX_WORDS) is found (word_pattern) in
    one of `fields`, ignoring case. An empty query filters nothing."""
    words = query.split()[:MAX_WORDS]
    if not words:
        return Q()
    return reduce(
        and_,
        (
            reduce(or_, (Q(**{f"{field}__iregex": word_pattern(word)}) for field in fields))
            for word in words
        ),
    )
