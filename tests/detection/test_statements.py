"""Statements: a claim restated short and self-contained, never with a verdict word.
Pure functions."""

from claims.detection.reading import proposed_claims
from claims.detection.statements import (
    PADDING,
    STATEMENT_HARD_LIMIT,
    STATEMENT_MAX_CHARS,
    restatement,
)
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


def test_a_long_statement_without_clause_breaks_stays_whole_and_needs_editing():
    """Beyond the hard limit without a clause break the statement keeps every word and is
    flagged for editing; only beyond STATEMENT_MAX_CHARS is it cut at a word with '…'."""
    long = only_claim("The minister " + "and the deputy " * 10 + "visited the port in May.")
    assert long.statement == long.quote
    assert len(long.statement) > STATEMENT_HARD_LIMIT
    assert ("needs_editing", "statement of 186 characters") in [
        (signal.name, signal.evidence) for signal in long.signals
    ]
    endless = only_claim("The minister " + "and the deputy " * 30 + "visited the port.")
    assert endless.statement.endswith("…")
    assert len(endless.statement) <= STATEMENT_MAX_CHARS + 1
    assert not endless.statement[:-1].endswith(" and")


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
    # "Our" names no one: the statement stays whole, for the reviewer to edit.
    assert officers.statement == officers.quote
    assert "who is “Our”?" in [signal.evidence for signal in officers.signals]


def test_statements_drop_a_during_clause():
    """'during ...' is dropped like 'after ...' or 'while ...' from a long statement."""
    claim = only_claim(
        "The agreement was signed in March during a secret meeting between the two defence "
        "ministers in the capital."
    )
    assert claim.statement == "The agreement was signed in March"


def test_statements_never_drop_words_inside_the_clause_but_padding():
    """A statement is a shorter version of the words, never a different one: adverbs
    ("closely and carefully", "really"), hedges and degrees stay; the padding list is
    explicit."""
    for text, kept in [
        (
            "Officials are closely and carefully watching the flow of weapons and money from "
            "abroad to the armed groups in the north.",
            "Officials are closely and carefully watching the flow of weapons",
        ),
        (
            "Officials are really worried about the flow of weapons and money from abroad to "
            "the armed groups in the north of the country.",
            "Officials are really worried about the flow of weapons",
        ),
        (
            "The northern regime is apparently preparing a very large shipment of shells and "
            "rockets for the armed groups in the south of the country.",
            "The northern regime is apparently preparing a very large shipment",
        ),
        (
            "The result of the regional election in the northern provinces last year was "
            "closely contested by both parties.",
            "was closely contested",
        ),
    ]:
        assert kept in only_claim(text).statement
    assert len(PADDING) == 3
    assert restatement(
        "The deal was reached during a summit between dictator Kim Jong-un and the Russian "
        "President Vladimir Putin in the far east of the country last year"
    ).text == (
        "The deal was reached during a summit between Kim Jong-un and Vladimir Putin in the far "
        "east of the country last year"
    )


def test_a_direct_quote_loses_no_word_inside_it():
    """In a direct quote no padding is left out; only trailing clauses and vague present
    time at the end go. The same words outside a quote lose their padding."""
    words = (
        "The army is currently moving dictator Kim Jong-un’s troops and tanks to the "
        "northern border of the country in recent times"
    )
    assert restatement(words, quoted=True).text == (
        "The army is currently moving dictator Kim Jong-un’s troops and tanks to the "
        "northern border of the country"
    )
    assert restatement(words).text == (
        "The army is moving Kim Jong-un’s troops and tanks to the northern border of the country"
    )


def test_a_cut_keeps_the_statements_first_name():
    """A head cut before the first name would name nothing: 'An agreement was reached in
    March' keeps 'during a summit between Kim Jong-un and Vladimir Putin'."""
    claim = only_claim(
        "An agreement was reached in March during a summit meeting between Kim Jong-un and "
        "Vladimir Putin."
    )
    assert claim.statement.endswith("between Kim Jong-un and Vladimir Putin")


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
        "Officials are concerned about any support for the missile programs of the northern "
        "regime and its nuclear technology or its space launch capabilities."
    )
    assert claim.statement == (
        "Officials are concerned about any support for the missile programs of the northern regime"
    )
    located = only_claim(
        "Officials are concerned about any support for the missile programs of the northern "
        "regime and its nuclear technology or its space launch capabilities in the east."
    )
    assert located.statement == located.quote
    between = only_claim(
        "The ministry is monitoring what it describes as a deepening military partnership "
        "between the northern regime and the eastern federation."
    )
    assert not between.statement.endswith("between the northern regime")


def test_seed_statements_are_shorter_never_different():
    """On the seed article every statement is the claim's words, shorter (cut at clause
    boundaries, padding left out) with its subject named, never with a quoted word
    dropped; only the humanitarian aid claim, which no clause cut shortens, is over the
    hard limit, whole and flagged."""
    claims = proposed_claims(seed_text())
    statement = {words: claim_quoting(claims, words).statement for words in [
        "Washington views", "closely and carefully watching", "reached in September",
        "ballistic missile programs", "anti-tank rocket launchers", "humanitarian",
        "violate UN resolutions",
    ]}  # fmt: skip
    assert statement["Washington views"] == (
        "Washington views military cooperation between Russia and North Korea with concern"
    )
    assert statement["closely and carefully watching"] == (
        "Washington is closely and carefully watching the support that Russia is offering to "
        "North Korea"
    )
    assert statement["reached in September"] == (
        "An agreement apparently was reached in September during a summit meeting between "
        "Kim Jong-un and Vladimir Putin"
    )
    assert statement["ballistic missile programs"] == (
        "Washington is really concerned about any support for North Korea’s ballistic "
        "missile programs"
    )
    assert statement["anti-tank rocket launchers"] == (
        "Members of Hamas’ armed wing were seen carrying anti-tank rocket launchers similar "
        "to those manufactured by North Korea"
    )
    assert statement["humanitarian"] == (
        "Blinken thanked Park for South Korean support in condemning Hamas terrorist attacks "
        "and quickly sending humanitarian assistance to Palestinian civilians"
    )
    # "these exchanges": nothing in the article says which; whole and flagged.
    violate = claim_quoting(claims, "violate UN resolutions")
    assert violate.statement == "These exchanges violate UN resolutions"
    assert ("needs_editing", "who is “These exchanges”?") in [
        (signal.name, signal.evidence) for signal in violate.signals
    ]
    for claim in claims:
        assert not claim.statement.endswith("…")
        flagged = [signal for signal in claim.signals if signal.name == "needs_editing"]
        assert len(claim.statement) <= STATEMENT_HARD_LIMIT or flagged
        assert not claim.statement.startswith(("We ", "They ", "He ", "She "))


def test_statements_never_carry_verdict_words():
    """Verdict words in the article ('false', 'misleading') are left out of statements."""
    claim = only_claim("It is false that Russia sent 500 misleading tanks in 2022.")
    words = {word.lower() for word in claim.statement.split()}
    assert not words & VERDICT_WORDS
    assert "false" in claim.quote
