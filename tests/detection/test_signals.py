"""Signals, scores and kinds: what raises and lowers a claim's score, with its evidence.
Pure functions."""

from claims.detection.reading import proposed_claims
from claims.detection.signals import RULE_WEIGHTS, WEIGHTS, Signal, no_sentence_end_signal
from tests.detection.test_claims import only_claim


def test_numbers_raise_the_score_and_make_a_statistic():
    """A figure ('one million', '3.5 percent', '$1.2 billion') makes a statistic."""
    for text, evidence in (
        ("Pyongyang sent one million shells to Moscow.", "one million"),
        ("Inflation reached 3.5 percent in Peru.", "3.5 percent"),
        ("The plan cost $1.2 billion.", "$1.2 billion"),
        ("A dozen ministers resigned.", "A dozen"),
    ):
        claim = only_claim(text)
        assert claim.kind == "statistic", text
        quantity = [s for s in claim.signals if s.name == "quantity"]
        assert quantity, text
        assert evidence in quantity[0].evidence, text
        assert quantity[0].weight > 0
    assert (
        only_claim("Pyongyang sent one million shells to Moscow.").score
        > only_claim("Pyongyang sent shells to Moscow.").score
    )


def test_kinds_follow_the_signals():
    """Legal words make a legal claim, 'will' a prediction, a past act with a name an event."""
    assert only_claim("The strikes violate international law.").kind == "legal"
    assert only_claim("The economy will grow next year.").kind == "prediction"
    assert only_claim("Macron visited Kyiv on Tuesday.").kind == "event"
    assert only_claim("The sky looks grey and heavy.").kind == "other"


def test_negative_signals_lower_the_score():
    """Opinions, hedges, calls to action and questions score below the plain assertion."""
    plain = only_claim("Russia sent 500 tanks to the border.").score
    for text, signal in (
        ("I think Russia sent 500 tanks to the border.", "opinion"),
        ("Russia possibly sent 500 tanks to the border.", "hedge"),
        ("Russia must send 500 tanks to the border.", "call_to_action"),
        ("Did Russia send 500 tanks to the border?", "question"),
    ):
        claim = only_claim(text)
        assert claim.score < plain, text
        negative = [s for s in claim.signals if s.name == signal]
        assert negative, text
        assert negative[0].weight < 0, text


def test_greetings_are_left_out():
    """'Thank you all for coming.' and 'Good evening, everyone.' give no claim."""
    assert proposed_claims("Thank you all for coming. Good evening, everyone.") == []


def test_fragments_are_left_out():
    """Fragments of one or two words ('(APPLAUSE)', 'Gov.', '1.') give no claim."""
    assert proposed_claims("(APPLAUSE)\n\nGov.\n\n1.\n\nThank you.") == []
    assert only_claim("Up 5%.").kind == "statistic"


def test_signals_carry_their_evidence():
    """Each signal names the words that triggered it."""
    claim = only_claim("Washington and Seoul said that Pyongyang sent 300 tanks in September.")
    evidence = {signal.name: signal.evidence for signal in claim.signals}
    assert evidence["quantity"] == "300"
    assert evidence["time"] == "September"
    assert evidence["attribution"] == "Washington and Seoul said"
    assert "Pyongyang" in evidence["named_entity"]


def test_may_the_month_is_a_time_and_may_the_verb_a_hedge():
    """'in May' is a time expression; 'may rise' is a hedge."""
    month = {s.name for s in only_claim("Prices rose sharply in May.").signals}
    hedge = {s.name for s in only_claim("Prices may rise sharply soon.").signals}
    assert "time" in month
    assert "hedge" not in month
    assert "hedge" in hedge
    assert "time" not in hedge


def test_a_sentence_ending_its_paragraph_without_a_full_stop_weighs_against():
    """Page furniture, a dateline or a caption ends its paragraph with no full stop:
    `no_sentence_end`, learned with the others, shown with its last words; a sentence
    ending in a full stop, question or exclamation mark, ellipsis, colon or semicolon
    (closing quotes or brackets after it) has none."""
    assert no_sentence_end_signal("Beaumont, Texas |") == Signal(
        "no_sentence_end", WEIGHTS["no_sentence_end"], "Beaumont, Texas |"
    )
    assert no_sentence_end_signal("Please enable Javascript to watch this video ").evidence == (
        "watch this video"
    )
    assert "no_sentence_end" in RULE_WEIGHTS
    assert WEIGHTS["no_sentence_end"] < 0
    for sentence in ("He left.", "He said “no.”", "Why? ", "(Really!)", "Wait…", "It read:", ""):
        assert no_sentence_end_signal(sentence) is None, sentence
    text = (
        "Please enable Javascript to watch this video\n\n"
        "Germany sent 300 tanks to the border on Monday."
    )
    furniture, sentence = proposed_claims(text)
    assert "no_sentence_end" in {s.name for s in furniture.signals}
    assert "no_sentence_end" not in {s.name for s in sentence.signals}
    unended = only_claim("Germany sent 300 tanks to the border on Monday")
    assert unended.score < only_claim("Germany sent 300 tanks to the border on Monday.").score
