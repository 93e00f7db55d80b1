"""Referents: titles, "We" and "the regime" named as the article named them before, or
left as they are and flagged. Pure functions."""

from claims.detection.reading import part_cuts, proposed_claims
from claims.detection.referents import is_title, office, state_of
from tests.detection.test_claims import claim_quoting, seed_text
from tests.detection.test_reading import read_in_parts


def test_seed_title_claimants_are_the_people_the_article_named_with_them():
    """ "The head of American diplomacy" is US Secretary of State Antony Blinken; "the
    South Korean Foreign Minister" is his South Korean counterpart, Park Jin."""
    claims = proposed_claims(seed_text())
    assert claim_quoting(claims, "violate UN resolutions").claimant == "Antony Blinken"
    assert claim_quoting(claims, "carefully analyzing").claimant == "Park Jin"
    assert claim_quoting(claims, "anti-tank rocket").claimant == "Park Jin"


def test_a_title_without_evidence_stays_a_title():
    """Nobody named with the title's state and office before: the title stays."""
    text = (
        "Russian President Vladimir Putin met reporters in Moscow.\n\n"
        "The South Korean Foreign Minister said that 300 rockets were fired in May."
    )
    claim = claim_quoting(proposed_claims(text), "300 rockets")
    assert claim.claimant == "The South Korean Foreign Minister"
    # A person named only after the title does not count.
    later = text + "\n\nSouth Korean Foreign Minister Park Jin arrived."
    assert claim_quoting(proposed_claims(later), "300 rockets").claimant == (
        "The South Korean Foreign Minister"
    )


def test_titles_states_and_offices():
    assert is_title("The head of American diplomacy")
    assert is_title("The South Korean Foreign Minister")
    assert not is_title("Antony Blinken")
    assert not is_title("Washington and Seoul")
    assert (state_of("US Secretary of State"), office("US Secretary of State")) == (
        "the United States",
        "foreign",
    )
    assert state_of("The head of American diplomacy") == "the United States"
    assert office("his South Korean counterpart") == "any"


def test_we_is_the_speakers_state_as_the_article_named_it():
    """ "We are ..." said by a person named with a state's title: that state, as the article
    last called it, and the verb agrees; "We want" (a verb that would change) is left
    whole and flagged."""
    text = (
        "US Secretary of State Antony Blinken said in Seoul that Washington views the talks "
        "with concern.\n\n"
        "“We are watching the support that Russia is offering to North Korea,” Blinken said.\n\n"
        "“We want the 300 prisoners to be released by Russia this month,” Blinken said."
    )
    claims = proposed_claims(text)
    assert claim_quoting(claims, "watching").statement == (
        "Washington is watching the support that Russia is offering to North Korea"
    )
    want = claim_quoting(claims, "prisoners")
    assert want.statement == "We want the 300 prisoners to be released by Russia this month"
    assert "who is “We”?" in [signal.evidence for signal in want.signals]
    assert read_in_parts(text, part_cuts(text, 3)) == claims


def test_we_without_evidence_is_flagged_and_whole():
    """ "We" said by someone the article gives no state: the statement keeps every word."""
    claim = claim_quoting(
        proposed_claims(
            "“We are really worried about the flow of weapons and money from abroad to the "
            "armed groups in the north of the country,” Smith said."
        ),
        "worried",
    )
    assert claim.statement.startswith("We are really worried")
    assert claim.statement.endswith("in the north of the country")
    assert [s.evidence for s in claim.signals if s.name == "needs_editing"] == ["who is “We”?"]


def test_the_regime_is_the_state_last_named():
    claims = proposed_claims(
        "Seoul is studying the link between North Korea and Hamas, after fighters were seen "
        "carrying 300 rocket launchers made by the regime."
    )
    assert claim_quoting(claims, "launchers").statement.endswith("made by North Korea")
    alone = proposed_claims("Fighters were seen carrying 300 rocket launchers made by the regime.")
    assert alone[0].statement.endswith("made by the regime")
    assert "who is “the regime”?" in [signal.evidence for signal in alone[0].signals]


def test_seed_last_assertion_is_a_claim():
    """“...,” said Park, whom Blinken thanked for ... humanitarian assistance ...: the
    article's own claim, stated with who thanked whom."""
    claims = proposed_claims(seed_text())
    aid = claim_quoting(claims, "humanitarian assistance")
    assert aid.claimant == ""
    assert aid.quote.startswith("whom Blinken thanked")
    assert aid.statement.startswith("Blinken thanked Park for South Korean support")
    punish = claim_quoting(claims, "punished")
    assert aid.start > punish.end
