"""Proposed claims: the seed article end to end, the invariants every claim keeps whatever
the text, and determinism. Pure functions: no Django, no database.

The helpers at the top (seed_text, claim_quoting, only_claim, assert_invariants) are shared
by the other detection test modules."""

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from claims.detection.claims import ACCEPT_THRESHOLD, ProposedClaim
from claims.detection.reading import proposed_claims
from claims.detection.sentences import sentences
from claims.detection.signals import KINDS, Signal
from claims.detection.statements import STATEMENT_HARD_LIMIT

SEED = Path(__file__).resolve().parents[2] / "claims" / "fixtures" / "seed-article.txt"
VERDICT_WORDS = {"true", "false", "misleading", "correct", "incorrect", "accurate", "fake"}


def seed_text():
    return SEED.read_text(encoding="utf-8")


def claim_quoting(claims, *words):
    matches = [c for c in claims if all(word in c.quote for word in words)]
    assert matches, f"no claim quotes {words}"
    return matches[0]


def only_claim(text):
    claims = proposed_claims(text)
    assert len(claims) == 1, claims
    return claims[0]


def assert_invariants(text, claims):
    previous_start = -1
    for claim in claims:
        assert isinstance(claim, ProposedClaim)
        assert 0 <= claim.start < claim.end <= len(text)
        assert text[claim.start : claim.end] == claim.quote
        assert claim.sentence_start <= claim.start < claim.end <= claim.sentence_end
        assert 0.0 <= claim.score <= 1.0
        assert claim.score == round(claim.score, 3)
        assert claim.kind in KINDS
        assert claim.start >= previous_start
        previous_start = claim.start
        for signal in claim.signals:
            assert isinstance(signal, Signal)
            assert signal.evidence


def test_seed_one_million_rounds_claim_is_made_by_washington_and_seoul():
    """The rounds claim: claimant, statistic kind, accepted, span after 'denounced that'."""
    text = seed_text()
    claims = proposed_claims(text)
    rounds = claim_quoting(claims, "one million artillery rounds")
    assert rounds.claimant == "Washington and Seoul"
    assert rounds.kind == "statistic"
    assert rounds.score >= ACCEPT_THRESHOLD
    assert rounds.quote.startswith("Pyongyang sent approximately one million artillery rounds")
    assert "denounced" not in rounds.quote
    assert "Hamas" not in rounds.quote
    assert rounds.statement == (
        "Pyongyang sent approximately one million artillery rounds and other military "
        "equipment to Moscow"
    )
    assert text[rounds.sentence_start : rounds.sentence_end].startswith("Washington and Seoul")


def test_seed_agreement_is_a_second_claim_of_the_same_sentence():
    """'under an agreement that apparently was reached in September ...' is an event claim."""
    claims = proposed_claims(seed_text())
    rounds = claim_quoting(claims, "one million artillery rounds")
    agreement = claim_quoting(claims, "reached in September")
    assert agreement is not rounds
    assert agreement.quote.startswith("an agreement that apparently was reached")
    assert agreement.kind == "event"
    assert agreement.claimant == "Washington and Seoul"
    assert agreement.sentence_start == rounds.sentence_start
    assert rounds.end <= agreement.start
    assert agreement.statement.startswith("An agreement apparently was reached in September")


def test_seed_hamas_launchers_claim_is_separate_and_accepted():
    """Hamas fighters carrying the regime's anti-tank rocket launchers is its own claim."""
    claims = proposed_claims(seed_text())
    launchers = claim_quoting(claims, "anti-tank rocket launchers")
    rounds = claim_quoting(claims, "one million artillery rounds")
    assert launchers is not rounds
    assert "million" not in launchers.quote
    assert launchers.score >= ACCEPT_THRESHOLD
    assert launchers.claimant == "Park Jin"  # "the South Korean Foreign Minister"
    assert "Hamas" in launchers.statement
    assert launchers.statement.endswith(
        "anti-tank rocket launchers similar to those manufactured by North Korea"
    )
    assert launchers.quote.startswith("members of its armed wing were seen carrying")


def test_seed_call_to_action_quote_is_not_accepted():
    """“... the North must be punished proportionately,” said Park: Park Jin's, not accepted."""
    claims = proposed_claims(seed_text())
    punish = claim_quoting(claims, "punished")
    assert punish.quote == "If this link is confirmed, the North must be punished proportionately"
    assert punish.claimant == "Park Jin"
    assert punish.kind == "quote"
    assert punish.score < ACCEPT_THRESHOLD
    names = {signal.name for signal in punish.signals}
    assert {"call_to_action", "hedge"} <= names


def test_seed_direct_quotes_keep_their_speaker():
    """“We are closely and carefully watching ...,” Blinken said: his, named in full."""
    text = seed_text()
    claims = proposed_claims(text)
    watching = claim_quoting(claims, "closely and carefully watching")
    assert watching.claimant == "Antony Blinken"
    assert watching.kind == "quote"
    assert watching.quote.startswith("We are closely")
    assert watching.quote.endswith("in recent times")
    assert text[watching.start - 1] == "“"


def test_seed_reported_speech_keeps_its_speaker():
    """Reported speech keeps its speaker, titles dropped before a name."""
    claims = proposed_claims(seed_text())
    assert claim_quoting(claims, "Washington views military cooperation").claimant == (
        "Antony Blinken"
    )
    violate = claim_quoting(claims, "violate UN resolutions")
    assert violate.claimant == "Antony Blinken"  # "The head of American diplomacy"
    assert violate.kind == "legal"
    assert violate.quote == "these exchanges violate UN resolutions"
    assert claim_quoting(claims, "permanent member of the Security Council").claimant == (
        "Antony Blinken"
    )


def test_seed_statements_are_clean_restatements():
    """Statements are capitalised, without quote marks, stray periods or verdict words."""
    claims = proposed_claims(seed_text())
    assert len(claims) >= 8
    for claim in claims:
        statement = claim.statement
        assert statement
        assert statement[0].isupper()
        assert not any(ch in statement for ch in '“”"«»')
        assert "transfers. of" not in statement
        flagged = any(signal.name == "needs_editing" for signal in claim.signals)
        assert len(statement) <= STATEMENT_HARD_LIMIT or flagged
        assert not statement.rstrip("…").endswith((",", ";", ":", "."))
        assert not {word.lower().strip(".,") for word in statement.split()} & VERDICT_WORDS


def test_seed_claims_satisfy_the_invariants():
    """Every seed claim's quote is the text at its offsets; scores and kinds are valid."""
    text = seed_text()
    assert_invariants(text, proposed_claims(text))


def test_detection_is_deterministic():
    """The same text always gives the same claims."""
    text = seed_text()
    assert proposed_claims(text) == proposed_claims(text)


def test_unusual_characters_do_not_break_detection():
    """Emoji, combining marks, right-to-left text and control characters are handled."""
    text = (
        "🚀 Launch confirmed. Cafe\u0301 owners said that 40 % rose. "
        "قال الوزير إن 300 دبابة وصلت. \x00\x07 İstanbul grew 5 percent.\u200b\n\n"
        'Tab\tseparated\u2028line. ...... ?!?! “unclosed quote. «» "" ”'
    )
    claims = proposed_claims(text)
    assert_invariants(text, claims)
    for sentence in sentences(text):
        assert text[sentence.start : sentence.end] == sentence.text


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_gives_valid_sentences_and_claims(text):
    """For any text, sentences are ordered and disjoint, and claims point at their quotes."""
    previous_end = 0
    for sentence in sentences(text):
        assert previous_end <= sentence.start < sentence.end <= len(text)
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip()
        previous_end = sentence.end
    assert_invariants(text, proposed_claims(text))


FRAGMENTS = st.sampled_from(
    [
        "Mr. Smith",
        " said that ",
        "“We will act,”",
        " Blinken said.",
        " 3.5 percent",
        " $1.2 billion",
        " U.S. ",
        " e.g. ",
        "...",
        "…",
        "!",
        "?",
        ". ",
        ",",
        ", under an agreement that was reached",
        "; ",
        " according to officials",
        "\n\n",
        "\n",
        " the North must ",
        " J. R. R. Tolkien",
        '"',
        "”",
        "«",
        "»",
        " its ",
        "Hamas",
        " 2023 ",
        " and stressed ",
        " which ",
        ", given that ",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(FRAGMENTS, max_size=40).map("".join))
def test_article_like_text_gives_valid_sentences_and_claims(text):
    """Texts built from tricky fragments keep every invariant."""
    previous_end = 0
    for sentence in sentences(text):
        assert previous_end <= sentence.start < sentence.end <= len(text)
        previous_end = sentence.end
    claims = proposed_claims(text)
    assert_invariants(text, claims)
    for claim in claims:
        assert claim.statement
