"""Claimants: who asserts a sentence's claim, and which words they assert. Pure functions."""

from claims.detection.reading import proposed_claims
from tests.detection.test_claims import only_claim


def test_according_to_names_the_claimant():
    """'According to X, ...' and '..., according to X.' make X the claimant."""
    first = only_claim("According to the World Bank, poverty fell by 20 percent in 2022.")
    assert first.claimant == "World Bank"
    assert first.quote == "poverty fell by 20 percent in 2022"
    last = only_claim("Poverty fell by 20 percent in 2022, according to the World Bank.")
    assert last.claimant == "World Bank"
    assert last.quote == "Poverty fell by 20 percent in 2022"


def test_a_trailing_attribution_names_the_claimant():
    """'..., officials said.' makes the officials the claimant of the clause before it."""
    claim = only_claim("The army fired 40 missiles at the port on Monday, officials said.")
    assert claim.claimant == "Officials"
    assert claim.quote == "The army fired 40 missiles at the port on Monday"


def test_a_pronoun_speaker_is_the_last_named_speaker():
    """'He said ...' is attributed to the person named as speaker before."""
    text = (
        "Senator Jane Doe said that the bill costs $3 billion. "
        "He said the plan would create 10,000 jobs."
    )
    claims = proposed_claims(text)
    assert claims[0].claimant == "Jane Doe"
    assert claims[1].claimant == "Jane Doe"
    assert claims[1].quote == "the plan would create 10,000 jobs"


def test_first_person_speakers_are_the_article_itself():
    """'I said that ...' in a speech is the speaker's own claim: claimant is empty."""
    claim = only_claim("I said that we cut taxes by 10 percent last year.")
    assert claim.claimant == ""
    assert claim.quote == "we cut taxes by 10 percent last year"


def test_a_told_object_is_not_the_claim():
    """'X told reporters that ...' gives the clause after 'that', claimant X."""
    claim = only_claim("Mayor Ann Lee told reporters that 12 bridges were closed in May.")
    assert claim.claimant == "Ann Lee"
    assert claim.quote == "12 bridges were closed in May"


def test_an_announced_act_is_not_reported_speech():
    """'X announced his retirement' is the article's own claim about an act."""
    claim = only_claim("Senator Max Baucus announced his retirement in April 2013.")
    assert claim.claimant == ""
    assert claim.quote.startswith("Senator Max Baucus announced")


def test_plain_sentences_are_claimed_by_the_article():
    """A sentence without attribution is the article's own claim (claimant empty)."""
    claim = only_claim("Russia is a permanent member of the Security Council.")
    assert claim.claimant == ""
    assert claim.quote == "Russia is a permanent member of the Security Council"
