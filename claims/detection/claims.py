"""Claims: a sentence's proposed claims, each a clause part of a frame with its claimant,
signals, score, kind and statement; and ACCEPT_THRESHOLD, the score from which the
importer accepts a proposed claim for checking.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from claims.detection.claimants import Context, Frame, sentence_frames
from claims.detection.clauses import clause_parts
from claims.detection.sentences import Sentence
from claims.detection.signals import (
    WEIGHTS,
    Hits,
    Signal,
    claim_kind,
    claim_score,
    claim_signals,
    length_signal,
    no_sentence_end_signal,
    personal_signal,
)
from claims.detection.statements import ITS_RE, STATEMENT_HARD_LIMIT, restatement
from claims.detection.text import word_set

ACCEPT_THRESHOLD = 0.5  # claims with score >= this are accepted for checking automatically


class ProposedClaim(NamedTuple):
    start: int  # code-point offsets into the article text, end exclusive
    end: int
    quote: str  # == text[start:end]
    statement: str  # short self-contained restatement a reviewer can edit
    claimant: str  # who made the claim; "" if the article itself asserts it
    kind: str  # one of signals.KINDS
    score: float  # check-worthiness in [0, 1], rounded to 3 decimals
    signals: tuple[Signal, ...]
    sentence_start: int  # the containing sentence's span
    sentence_end: int
    # Words of the statement standing for someone it does not name ("We", "These
    # exchanges", "the regime"): the reading resolves them from the article or leaves the
    # statement whole, flagged "needs_editing". "" once settled.
    subject: str = ""


_DIGIT_RE = re.compile(r"\d")
_QUESTION_TAIL = " \t\n\r\"'”’»)]"
_SUBSTANTIVE = word_set("quantity time named_entity comparison legal past_action")


def _too_short(words: str) -> bool:
    """Fewer than three words, or than two with a figure ("Up 5%.") asserts nothing."""
    count = len(words.split(maxsplit=2))  # at most 3: enough to tell
    return count < 2 or (count == 2 and not _DIGIT_RE.search(words))


def too_long_signal(statement: str) -> Signal:
    """The flag of a statement longer than STATEMENT_HARD_LIMIT: a reviewer shortens it."""
    return Signal("needs_editing", 0.0, f"statement of {len(statement)} characters")


def claims_in_sentence(sent: Sentence, context: Context, hits: Hits) -> list[ProposedClaim]:
    """The claims of a sentence: each part of each asserted stretch (frame) that asserts
    something, in order. `hits` are the signal words of the text the sentence is in;
    `context` carries the last person named from one sentence to the next."""
    sentence = sent.text
    if _too_short(sentence):
        return []  # "(APPLAUSE)", "Gov.", "Thank you.", "1."
    question = sentence.rstrip(_QUESTION_TAIL).endswith("?")
    claims = []
    # The signal words of the sentence; those of a part of it are filtered from these.
    in_sentence = hits.between(sent.start, sent.end)
    verbs = [(hit[0] - sent.start, hit[3]) for hit in in_sentence if hit[2] == "say"]
    if sent.run_on:  # words without sentences: nobody's, and never accepted
        frames = [Frame(0, len(sentence), "", "")]
        sentence_signals = (Signal("run_on", WEIGHTS["run_on"], "no sentence end in the text"),)
    else:
        frames = sentence_frames(sentence, context, verbs)
        ending = no_sentence_end_signal(sentence)
        sentence_signals = () if ending is None else (ending,)
    for frame in frames:
        around = []
        if frame.attribution:
            frame_start, frame_end = sent.start + frame.start, sent.start + frame.end
            around = [hit for hit in in_sentence if hit[1] <= frame_start or hit[0] >= frame_end]
        for part in clause_parts(sentence, frame.start, frame.end):
            start, end = sent.start + part.start, sent.start + part.end
            words = sentence[part.start : part.end]
            if _too_short(words):
                continue
            antecedent = ""
            if part.tail and ITS_RE.search(words, 0, 60):
                before = [h[3] for h in in_sentence if h[1] <= start and h[2] == "named_entity"]
                antecedent = before[-1] if before else ""
            signals = claim_signals(
                [hit for hit in in_sentence if hit[0] >= start and hit[1] <= end],
                attribution=frame.attribution,
                question=question,
                extra_names=tuple(name for name in (antecedent, frame.claimant) if name),
                context=around,
            )
            names = {signal.name for signal in signals}
            if "greeting" in names and names.isdisjoint(_SUBSTANTIVE):
                continue
            statement = restatement(
                words,
                antecedent=antecedent,
                tail=part.tail,
                quoted=frame.is_quote,
                relative_to=frame.relative_to,
            )
            if statement.too_long:
                signals += (too_long_signal(statement.text),)
            if not sent.run_on:  # the claim's own words: its length, "I", "we", "you"
                signals += tuple(
                    signal
                    for signal in (personal_signal(words), length_signal(len(words.split())))
                    if signal is not None
                )
            claims.append(
                ProposedClaim(
                    start=start,
                    end=end,
                    quote=words,
                    statement=statement.text or " ".join(words.split())[:STATEMENT_HARD_LIMIT],
                    claimant=frame.claimant,
                    kind=claim_kind(signals, is_quote=frame.is_quote),
                    score=claim_score(signals + sentence_signals),
                    signals=signals + sentence_signals,
                    sentence_start=sent.start,
                    sentence_end=sent.end,
                    subject=statement.subject,
                )
            )
    return claims
