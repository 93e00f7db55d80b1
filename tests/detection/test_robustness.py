"""Input nobody would publish: invisible and control characters, text without sentences,
a repeated sentence, huge quotes. Nothing is accepted that a person would not accept,
and every offset still points into the original text. Pure functions."""

import random
import sys
import unicodedata

from claims.detection.claims import ACCEPT_THRESHOLD
from claims.detection.reading import part_cuts, proposed_claims
from claims.detection.signals import (
    BIAS,
    LENGTH_BOUNDS,
    NAMED_ENTITY_CAP,
    WEIGHTS,
    length_signal,
)
from claims.detection.text import normalised
from tests.detection.test_claims import assert_invariants, claim_quoting, seed_text
from tests.detection.test_reading import read_in_parts

INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202c\u202e\u2066\u2069\u2060\ufeff\u00ad"


def assert_spans_hold_their_words(text, claims):
    """Each claim's span, sliced from the original text and read as a reader sees it,
    holds the words of its quote."""
    assert_invariants(text, claims)
    for claim in claims:
        seen = normalised(text[claim.start : claim.end])[0]
        assert seen.split() == normalised(claim.quote)[0].split()
        assert seen.strip()
        assert not seen[0].isspace()
        assert not seen[-1].isspace()


def test_invisible_characters_never_reach_claimants_or_statements():
    """Zero-width and bidirectional characters inside names and words are read as a
    reader sees them ("Park\u200bJin" is "Park Jin", "Ha\u200bmas" is "Hamas"); the claim's
    offsets are those of the original text."""
    text = (
        "Foreign Minister Park\u200bJin met reporters.\n\n"
        "“We sent 5 ships to \u202eHa\u200bmas\u202c fighters in 2023,” said Park.\n\n"
        "Wash\u00adington and \u2066Seoul\u2069 said that Pyong\u200dyang sent 300 rockets."
    )
    claims = proposed_claims(text)
    assert_spans_hold_their_words(text, claims)
    ships = claim_quoting(claims, "ships")
    assert ships.claimant == "Park Jin"
    assert ships.statement == "We sent 5 ships to Hamas fighters in 2023"
    rockets = claim_quoting(claims, "rockets")
    assert rockets.claimant == "Washington and Seoul"
    assert rockets.statement == "Pyongyang sent 300 rockets"
    assert text[rockets.start : rockets.end] == "Pyong\u200dyang sent 300 rockets"
    for claim in claims:
        for words in (claim.claimant, claim.statement):
            assert not any(unicodedata.category(ch) in ("Cf", "Cc") for ch in words)


def test_every_invisible_format_character_is_normalised():
    """Every Unicode format character (Cf) but the visible prepended marks of Arabic and
    other scripts, and every control character but tab, line feed and carriage return,
    is gone from the text as read."""
    visible = {0x600, 0x601, 0x602, 0x603, 0x604, 0x605, 0x6DD, 0x70F, 0x890, 0x891, 0x8E2}
    visible |= {0x110BD, 0x110CD}
    unseen = [
        chr(code)
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in ("Cf", "Cc")
        and code not in visible
        and chr(code) not in "\t\n\r"
        and not 0x13430 <= code <= 0x1345F  # Egyptian hieroglyph format controls
        and not 0x1BCA0 <= code <= 0x1BCA3  # shorthand format controls
        and not 0x1D173 <= code <= 0x1D17A  # musical symbol format controls
    ]
    clean, positions = normalised("a" + "a".join(unseen) + "a")
    assert not any(ch in clean for ch in unseen)
    assert positions is not None


def test_positions_are_exact_in_the_original_text_at_every_cut():
    """Invisible characters in every sentence: one reading and reading in parts give the
    same claims, each span sliced from the original text holding its words."""
    paragraphs = seed_text().split("\n\n")
    rng = random.Random(5)
    noisy = []
    for paragraph in paragraphs * 3:
        chars = list(paragraph)
        for _ in range(12):
            chars.insert(rng.randrange(len(chars)), rng.choice(INVISIBLE + "\x00\x07"))
        noisy.append("".join(chars))
    text = "\n\n".join(noisy)
    whole = proposed_claims(text)
    assert len(whole) >= 20
    assert_spans_hold_their_words(text, whole)
    for cut in part_cuts(text, 8):
        assert read_in_parts(text, [cut]) == whole
    assert read_in_parts(text, part_cuts(text, 8)) == whole


def test_text_without_sentences_is_never_accepted():
    """200 KB of words without punctuation: no sentence a person wrote. Its pieces are
    proposed as the article's, with the run-on signal, and none is accepted."""
    words = [*seed_text().replace(".", " ").replace(",", " ").split(), "300", "Officials"]
    rng = random.Random(1)
    text = " ".join(rng.choice(words) for _ in range(40_000))[:200_000]
    claims = proposed_claims(text)
    assert claims
    assert_invariants(text, claims)
    for claim in claims:
        assert claim.score < ACCEPT_THRESHOLD
        assert claim.claimant == ""
        assert "run_on" in [signal.name for signal in claim.signals]


def test_the_run_on_signal_outweighs_every_other_signal():
    """Whatever else a run-on piece has, its score stays below the threshold, with the
    learned weights and the longest sentence's length too."""
    positive = sum(weight for weight in WEIGHTS.values() if weight > 0)
    positive += WEIGHTS["named_entity"] * (NAMED_ENTITY_CAP - 1)
    positive += max(0.0, length_signal(LENGTH_BOUNDS[1]).weight)
    assert BIAS + positive + WEIGHTS["run_on"] < 0  # logistic below 0.5


def test_a_repeated_sentence_is_proposed_once_with_its_claimant():
    """2,500 repeats of one sentence: one claim, at the first, with its speaker; in one
    reading as in parts."""
    for sentence in (
        "North Korea sent one million artillery rounds to Russia, Blinken said.",
        "Blinken said North Korea sent one million artillery rounds to Russia.",
        "“North Korea sent one million artillery rounds to Russia,” Blinken said.",
    ):
        for separator in (" ", "\n\n", ""):
            text = separator.join([sentence] * 2_500)
            claims = proposed_claims(text)
            assert len(claims) == 1, (sentence, separator)
            assert claims[0].claimant == "Blinken"
            assert claims[0].start < len(sentence)
    text = "\n\n".join([sentence] * 2_500)
    assert read_in_parts(text, part_cuts(text, 4)) == proposed_claims(text)


def test_the_same_statement_by_another_claimant_is_kept():
    """Only the same statement by the same claimant is a repeat."""
    claims = proposed_claims(
        "Officials said that 300 rockets were fired. Experts said that 300 rockets were fired."
    )
    assert [claim.claimant for claim in claims] == ["Officials", "Experts"]


def test_a_huge_quote_without_sentence_ends_is_not_accepted():
    """A quote of 3,000 words without a sentence end, then its speaker: not accepted, and
    no claimant made of its words."""
    words = seed_text().replace(".", " ").replace(",", " ").replace("“", "").split()
    rng = random.Random(2)
    text = "“" + " ".join(rng.choice(words) for _ in range(3_000)) + ",” Blinken said."
    claims = proposed_claims(text)
    assert claims
    assert all(claim.score < ACCEPT_THRESHOLD for claim in claims)
    assert {claim.claimant for claim in claims} <= {"", "Blinken"}
