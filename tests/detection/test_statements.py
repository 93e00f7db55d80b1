"""Statements: a claim restated short and self-contained, never with a verdict word.
Pure functions."""

from claims.detection.reading import proposed_claims
from claims.detection.statements import STATEMENT_HARD_LIMIT
from tests.detection.test_claims import VERDICT_WORDS, claim_quoting, only_claim, seed_text


def test_statements_drop_trailing_clauses_when_too_long():
    """A long clause loses its trailing clauses, keeping a verb: short and self-contained."""
    claim = only_claim(
        "The estimate is that Pyongyang, which appears to have turned its back on dialogue, "
        "will receive Russian military technology in exchange, including that applied to "
        "space rockets, at a time when the regime hopes to launch a satellite."
    )
    assert claim.statement == "Pyongyang will receive Russian military technology in exchange"
    assert claim.kind == "prediction"


def test_statements_are_cut_at_a_word_when_nothing_else_helps():
    """A very long clause without clause breaks is cut at a word and marked with '…'."""
    claim = only_claim("The minister " + "and the deputy " * 30 + "visited the port.")
    assert claim.statement.endswith("…")
    assert len(claim.statement) <= STATEMENT_HARD_LIMIT + 1
    assert not claim.statement[:-1].endswith(" and")


def test_statements_drop_a_second_predicate_of_the_same_subject():
    """'... and is building ...' (and + auxiliary, no subject of its own) starts a second
    predicate: a long statement keeps the first one."""
    claim = only_claim(
        "The army has moved thousands of troops and heavy armour close to the northern "
        "border and is building new field hospitals there."
    )
    assert claim.statement == (
        "The army has moved thousands of troops and heavy armour close to the northern border"
    )


def test_statements_know_a_present_tense_verb_after_the_subject():
    """'The ministry views ...' has a verb, so the head before 'and is preparing' is a
    clause; 'and warns the ...' after such a verb is a second predicate too."""
    views = only_claim(
        "The ministry views the growing trade between the two neighbouring countries with "
        "alarm and is preparing export controls destined for the port."
    )
    assert views.statement == (
        "The ministry views the growing trade between the two neighbouring countries with alarm"
    )
    warns = only_claim(
        "The minister condemns the growing trade in arms with the northern regime and warns "
        "the armed groups in the south of the country today."
    )
    assert warns.statement == (
        "The minister condemns the growing trade in arms with the northern regime"
    )


def test_a_sentence_word_before_a_plural_noun_is_not_a_subject_and_verb():
    """'Despite floods' is no subject and verb: no verbless head is cut at a comma."""
    claim = only_claim(
        "Despite floods across the whole region in the spring and the summer of that year, "
        "hostile rules coming from the capital hurt farmers."
    )
    assert "hostile rules coming from the capital" in claim.statement


def test_a_determiner_and_a_plural_noun_are_not_a_subject_and_verb():
    """'The elections', 'The talks' are a subject alone: the statement keeps its verb."""
    elections = only_claim(
        "The elections in the northern provinces of the country in the spring of that year, "
        "despite the long delay, went smoothly."
    )
    assert elections.statement.endswith("went smoothly")
    talks = only_claim(
        "The talks between the two governments over the border region in the far north, "
        "despite the long delay, begin in May."
    )
    assert talks.statement.endswith("begin in May")


def test_a_guessed_verb_is_not_cut_before_a_known_one():
    """'Russian exports' reads like a name and a verb, but 'fell' is the verb: no cut comes
    before it. A participle ('one raised by', 'of undocumented') is no such verb."""
    exports = only_claim(
        "Russian exports of grain and fertiliser to the poorest countries of the southern "
        "hemisphere, officials say, fell sharply."
    )
    assert exports.statement.endswith("officials say, fell sharply")
    during = only_claim(
        "Russian exports of grain to the poorest countries of the south during the war in the "
        "east of the continent fell sharply."
    )
    assert during.statement.endswith("fell sharply")
    officers = only_claim(
        "Our constitutional officers here tonight — they include the daughter of an Arkansas "
        "sharecropper, an immigrant from the Philippines, one raised by a teacher from Panama, "
        "and the proud son of undocumented Mexican immigrants."
    )
    assert officers.statement == (
        "Our constitutional officers here tonight — they include the daughter of an Arkansas "
        "sharecropper"
    )


def test_statements_drop_a_during_clause():
    """'during ...' is dropped like 'after ...' or 'while ...' from a long statement."""
    claim = only_claim(
        "The agreement was signed in March during a secret meeting between the two defence "
        "ministers in the capital."
    )
    assert claim.statement == "The agreement was signed in March"


def test_long_statements_drop_intensifiers_after_an_auxiliary():
    """'are closely and carefully watching' -> 'are watching'; 'are really worried' ->
    'are worried'; a hedge ('apparently') and 'a very large' (no auxiliary) stay."""
    watching = only_claim(
        "We are closely and carefully watching the flow of weapons and money from abroad to "
        "the armed groups in the north."
    )
    assert watching.statement == (
        "We are watching the flow of weapons and money from abroad to the armed groups in the north"
    )
    worried = only_claim(
        "We are really worried about the flow of weapons and money from abroad to the armed "
        "groups in the north of the country."
    )
    assert worried.statement.startswith("We are worried about the flow of weapons")
    hedged = only_claim(
        "The northern regime is apparently preparing a very large shipment of shells and "
        "rockets for the armed groups in the south of the country."
    )
    assert hedged.statement.startswith("The northern regime is apparently preparing a very")


def test_long_statements_keep_adverbs_that_bear_on_the_claim():
    """A manner adverb goes only before an '-ing' verb; 'closely contested', 'seriously
    injured', 'very much alive' and 'especially trying' keep theirs."""
    for text, kept in [
        (
            "The result of the regional election in the northern provinces last year was "
            "closely contested by both parties.",
            "was closely contested",
        ),
        (
            "Three passengers on the bus from the capital to the northern border towns were "
            "seriously injured in the crash.",
            "were seriously injured",
        ),
        (
            "The old dream of a united federation of all the republics of the region is very "
            "much alive among its voters.",
            "is very much alive",
        ),
        (
            "The last twelve months of the pandemic in our region have been especially trying "
            "for our medical professionals.",
            "have been especially trying",
        ),
        (
            "The ministers of the member states have been very trying for the negotiators of the "
            "new trade agreement in the north.",
            "have been very trying",
        ),
    ]:
        assert kept in only_claim(text).statement


def test_long_statements_drop_vague_present_time_unless_it_bounds_a_ranking():
    """'in recent times', ', in recent weeks,' and 'in these days' are dropped from a long
    statement, but not from 'the highest ... in recent years' nor from a longer phrase ('at
    the moment of the explosion', 'in these days of austerity')."""
    recent = only_claim(
        "Officials are watching the support that the neighbouring state is offering to the "
        "rebel militias in recent times."
    )
    assert recent.statement == (
        "Officials are watching the support that the neighbouring state is offering to the "
        "rebel militias"
    )
    commas = only_claim(
        "Officials in the capital, in recent weeks, are watching the support that the "
        "neighbouring state is offering to the rebel militias."
    )
    assert commas.statement.startswith("Officials in the capital are watching the support")
    noun_phrases = [
        only_claim(
            "The soldiers were standing guard outside the embassy building in the capital at "
            "the moment of the explosion."
        ),
        only_claim(
            "The government cut the budget for schools and hospitals sharply in these days of "
            "austerity and deep crisis."
        ),
    ]
    assert noun_phrases[0].statement.endswith("at the moment of the explosion")
    assert noun_phrases[1].statement.endswith("in these days of austerity and deep crisis")
    days = only_claim(
        "The government has cut the budget for schools and hospitals in the northern "
        "provinces sharply in these days."
    )
    assert days.statement.endswith("in the northern provinces sharply")
    ranked = only_claim(
        "Exports of grain to the neighbouring states were the highest of the decade in recent "
        "years, officials at the port said."
    )
    assert ranked.statement.endswith("the highest of the decade in recent years")


def test_clause_cuts_do_not_end_on_a_coordinator():
    """A marker coordinated with the words before it ('before and during', 'or after') is
    no cut, and a head cut at a comma loses a trailing 'and'."""
    siege = only_claim(
        "Food prices in the capital rose by a third in the weeks before and during the long "
        "siege of the city by the rebels."
    )
    assert siege.statement == "Food prices in the capital rose by a third in the weeks"
    blank = only_claim(
        "A blank line ends the sentence even without punctuation or after an abbreviation in "
        "the middle of the text here."
    )
    assert not blank.statement.endswith(" or")
    army = only_claim(
        "The army moved thousands of troops and heavy armour to the northern border of the "
        "country and, according to officials, tanks to the coast."
    )
    assert army.statement == (
        "The army moved thousands of troops and heavy armour to the northern border of the country"
    )


def test_too_long_statements_drop_the_further_items_of_a_final_list():
    """A statement beyond the hard limit ending in a list ('... and its nuclear technology
    or its space launch capabilities') keeps its first item instead of a cut at a word; not
    when a preposition follows the list, nor after 'between'."""
    claim = only_claim(
        "We are concerned about any support for the missile programs of the northern regime "
        "and its nuclear technology or its space launch capabilities."
    )
    assert claim.statement == (
        "We are concerned about any support for the missile programs of the northern regime"
    )
    located = only_claim(
        "We are concerned about any support for the missile programs of the northern regime "
        "and its nuclear technology or its space launch capabilities in the east."
    )
    assert located.statement.endswith("…")
    between = only_claim(
        "The ministry is monitoring what it describes as a deepening military partnership "
        "between the northern regime and the eastern federation."
    )
    assert not between.statement.endswith("between the northern regime")


def test_seed_statements_are_cut_at_clause_boundaries():
    """No seed statement is cut at a word ('…'); each is at most the hard limit, and all
    but the launchers claim (which keeps 'similar to those manufactured by the regime', the
    link to check) are at most 100 characters."""
    claims = proposed_claims(seed_text())
    statements = [claim.statement for claim in claims]
    assert not [statement for statement in statements if statement.endswith("…")]
    assert max(map(len, statements)) <= STATEMENT_HARD_LIMIT
    launchers = claim_quoting(claims, "anti-tank rocket launchers").statement
    assert all(len(statement) <= 100 for statement in statements if statement != launchers)
    assert claim_quoting(claims, "Washington views").statement == (
        "Washington views military cooperation between Russia and North Korea with concern"
    )
    assert claim_quoting(claims, "reached in September").statement == (
        "An agreement apparently was reached in September"
    )
    assert claim_quoting(claims, "closely and carefully watching").statement == (
        "We are watching the support that Russia is offering to North Korea"
    )
    assert claim_quoting(claims, "ballistic missile programs").statement == (
        "We are concerned about any support for North Korea’s ballistic missile programs"
    )


def test_statements_never_carry_verdict_words():
    """Verdict words in the article ('false', 'misleading') are left out of statements."""
    claim = only_claim("It is false that Russia sent 500 misleading tanks in 2022.")
    words = {word.lower() for word in claim.statement.split()}
    assert not words & VERDICT_WORDS
    assert "false" in claim.quote
