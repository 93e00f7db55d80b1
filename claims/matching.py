"""Claims already checked elsewhere: find claims in other articles that say the same thing.

`similar_claims(claim)` looks for claims of OTHER articles that the desk has taken up
(accepted, researching, in review or published) whose statement says what `claim.statement`
says, reworded or reordered, so a reviewer can reuse an earlier verdict. Each claim comes
back with its article (select_related), its current verdict (`verdict_label`,
`verdict_slug`, `verdict_state`, see ClaimQuerySet.with_current_verdict) and `similarity`
(0-1), best first. One database query, whatever the number of claims.

Both backends run one query that keeps the claims containing at least two of the
statement's four most distinctive words (KEY_WORDS; its longest content words: stopwords
and hedges such as "approximately" dropped, plurals folded, numbers not searched for), or
the one word a one-word statement has, and rank what it keeps:

PostgreSQL: full-text search finds those claims through the GIN index
`claim_statement_search` on to_tsvector('english', statement) of claims in
MATCHED_STATUSES (migrations 0007 and 0010: the query's status filter must imply the
index's condition), the words
Snowball-stemmed ("rounds" finds "round"); pg_trgm's similarity() of the two statements
then ranks them and keeps those at or above PG_SIMILARITY_THRESHOLD (0.4). Measured on
statement pairs: rewordings of the same claim ("Pyongyang has sent about one million
artillery rounds to Moscow" against the seed article's "Pyongyang sent approximately one
million artillery rounds and other military equipment to Moscow") score 0.48-0.81; a claim
sharing a few words ("Seoul sent one million doses of vaccine to Moscow") 0.25; unrelated
claims under 0.15. (A trigram index with pg_trgm's `%` operator alone was measured too: on
100,000 claims it spends ~0.5 s reading the posting lists of trigrams such as "the" that
nearly every statement has; the full-text prefilter answers in milliseconds.)

SQLite (the demo database) has no such index: the words are found with LIKE (icontains),
at most SQLITE_CANDIDATES (50) claims come back, those containing the most key words first,
and Python scores them by the Jaccard overlap of their content-word sets (numbers written
in words read as digits) and keeps those at or above SQLITE_JACCARD_THRESHOLD (0.4). The
same rewordings score 0.50-0.82 there, the vaccine claim 0.33, unrelated claims 0.

Neither method knows synonyms: "North Korea shipped a million shells to Russia" is not
found from "Pyongyang sent one million artillery rounds to Moscow" (similarity 0.18).
"""

from __future__ import annotations

import itertools
import operator
import re
from functools import reduce

from django.db import connection
from django.db.models import Case, IntegerField, Value, When

from claims.models import Claim, ClaimStatus

# Statuses meaning the desk has taken the claim up: its verdict (or the work towards one)
# is worth showing. Detected (not yet triaged) and dismissed claims are left out. The
# search index covers only these (migration 0010): a change here needs a migration there.
MATCHED_STATUSES = (
    ClaimStatus.ACCEPTED,
    ClaimStatus.RESEARCHING,
    ClaimStatus.IN_REVIEW,
    ClaimStatus.PUBLISHED,
)

# How many distinctive words a statement is searched by, and how many of them a match
# must contain (fewer when the statement has fewer).
KEY_WORDS = 4
KEY_WORDS_REQUIRED = 2

# PostgreSQL: the text search configuration of the index and queries (articles are in
# English), and the least pg_trgm similarity() for a match.
SEARCH_CONFIG = "english"
PG_SIMILARITY_THRESHOLD = 0.4
# Full-text candidates ranked by similarity, at most (the latest claims first).
PG_CANDIDATES = 200

# SQLite: the least Jaccard overlap of content words, and how many candidates the query
# hands to Python to score.
SQLITE_JACCARD_THRESHOLD = 0.4
SQLITE_CANDIDATES = 50

# Snowball's English stopwords (PostgreSQL's "english" configuration drops the same ones,
# so a search term is never one it ignores), plus hedges on quantities.
_STOPWORDS = """
a about above after again against all am an and any are as at be because been before
being below between both but by can did do does doing don down during each few for from
further had has have having he her here hers herself him himself his how i if in into is
it its itself just me more most my myself no nor not now of off on once only or other
our ours ourselves out over own s same she should so some such t than that the their
theirs them themselves then there these they this those through to too under until up
very was we were what when where which while who whom why will with you your yours
yourself yourselves
also approximately around could many much nearly roughly would
"""
STOPWORDS = frozenset(_STOPWORDS.split())

NUMBER_WORDS = {
    "zero": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "twenty": "20",
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
}

WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")


def similar_claims(claim: Claim, *, limit: int = 5) -> list[Claim]:
    """Up to `limit` claims of other articles that say what `claim.statement` says, best first."""
    words = content_words(claim.statement or "")
    keys = key_words(words)
    if not keys or limit <= 0:
        return []
    candidates = (
        Claim.objects.filter(status__in=MATCHED_STATUSES)
        .exclude(article_id=claim.article_id)
        .select_related("article")
        .defer("article__body")  # shown by title; bodies are up to a megabyte each
        .with_current_verdict()
    )
    if claim.pk is not None:
        candidates = candidates.exclude(pk=claim.pk)
    if connection.vendor == "postgresql":
        return _search_matches(candidates, claim.statement, keys, limit)
    return _word_matches(candidates, words, keys, limit)


def _search_matches(candidates, statement: str, keys: list[str], limit: int) -> list[Claim]:
    from django.contrib.postgres.search import (
        SearchQuery,
        SearchVector,
        SearchVectorExact,
        TrigramSimilarity,
    )

    # The words are letters only (see WORD), so they are safe in to_tsquery's syntax.
    needed = min(KEY_WORDS_REQUIRED, len(keys))
    tsquery = " | ".join(
        "(" + " & ".join(f"'{word}'" for word in group) + ")"
        for group in itertools.combinations(keys, needed)
    )
    vector = SearchVector("statement", config=SEARCH_CONFIG)
    query = SearchQuery(tsquery, config=SEARCH_CONFIG, search_type="raw")
    # Similarity is computed for the most recent full-text candidates only: a common story
    # gives thousands, and the best matches of a desk's current work are among the latest.
    latest = candidates.filter(SearchVectorExact(vector, query)).order_by("-pk").values("pk")
    latest = latest[:PG_CANDIDATES]
    return list(
        candidates.filter(pk__in=latest)
        .annotate(similarity=TrigramSimilarity("statement", Value(statement)))
        .filter(similarity__gte=PG_SIMILARITY_THRESHOLD)
        .order_by("-similarity", "-pk")[:limit]
    )


def _word_matches(candidates, words: frozenset[str], keys: list[str], limit: int) -> list[Claim]:
    # A folded "-ies" plural is searched without its "y" ("countr" finds country and
    # countries); the other singulars are prefixes of their plurals already.
    terms = [w[:-1] if w.endswith("y") and len(w) > 4 else w for w in keys]
    hits = reduce(
        operator.add,
        [
            Case(When(statement__icontains=term, then=1), default=0, output_field=IntegerField())
            for term in terms
        ],
    )
    found = (
        candidates.annotate(hits=hits)
        .filter(hits__gte=min(KEY_WORDS_REQUIRED, len(terms)))
        .order_by("-hits", "-pk")
    )
    scored = []
    for candidate in found[:SQLITE_CANDIDATES]:
        score = jaccard(words, content_words(candidate.statement))
        if score >= SQLITE_JACCARD_THRESHOLD:
            candidate.similarity = score
            scored.append(candidate)
    scored.sort(key=lambda c: (-c.similarity, -c.pk))
    return scored[:limit]


def content_words(text: str) -> frozenset[str]:
    """The words that carry a statement's meaning: lower case, plurals folded, no stopwords."""
    words = set()
    for token in WORD.findall(text.lower()):
        if token[0].isdigit():
            words.add(token.replace(",", ""))
        elif token in NUMBER_WORDS:
            words.add(NUMBER_WORDS[token])
        elif len(token) > 1 and token not in STOPWORDS:
            words.add(_singular(token))
    return frozenset(words)


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def key_words(words: frozenset[str]) -> list[str]:
    """A statement's most distinctive words, to search by: the longest, not numbers."""
    ranked = sorted(
        (w for w in words if len(w) >= 3 and not w[0].isdigit()), key=lambda w: (-len(w), w)
    )
    return ranked[:KEY_WORDS]


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """The share of the two sets' words they have in common: |a & b| / |a | b|."""
    union = a | b
    return len(a & b) / len(union) if union else 0.0
