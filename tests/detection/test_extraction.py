"""Claim detection: sentence splitting, claims, claimants, scores and statements.

Pure functions: no Django, no database.
"""

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from claims.detection.extraction import (
    ACCEPT_THRESHOLD,
    KINDS,
    MAX_SENTENCE_CHARS,
    STATEMENT_HARD_LIMIT,
    ProposedClaim,
    Sentence,
    Signal,
    proposed_claims,
    sentences,
)

SEED = Path(__file__).resolve().parents[2] / "claims" / "fixtures" / "seed-article.txt"
VERDICT_WORDS = {"true", "false", "misleading", "correct", "incorrect", "accurate", "fake"}


def seed_text():
    return SEED.read_text(encoding="utf-8")


def texts(text):
    return [s.text for s in sentences(text)]


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


# --- Sentences ------------------------------------------------------------------------


def test_sentence_offsets_point_at_the_stripped_text():
    """Each sentence's offsets cover exactly its text, without surrounding whitespace."""
    text = "  First one here.   Second one there!\n\n  Third?  "
    found = sentences(text)
    assert [s.text for s in found] == ["First one here.", "Second one there!", "Third?"]
    for sentence in found:
        assert isinstance(sentence, Sentence)
        assert text[sentence.start : sentence.end] == sentence.text


def test_empty_and_blank_text_have_no_sentences():
    """Empty or whitespace-only text has no sentences and no claims."""
    for text in ("", "   ", "\n\n\t", "\u2029"):
        assert sentences(text) == []
        assert proposed_claims(text) == []


def test_titles_and_abbreviations_do_not_end_a_sentence():
    """A period after Mr., Dr., Gen., Sen., Gov., St. or e.g. does not end the sentence."""
    text = (
        "Mr. Smith met Dr. Jones and Gen. Lee near St. Louis with Sen. Warren and Gov. Abbott. "
        "Some fruits, e.g. apples, are red. Others, i.e. limes, are green."
    )
    assert texts(text) == [
        "Mr. Smith met Dr. Jones and Gen. Lee near St. Louis with Sen. Warren and Gov. Abbott.",
        "Some fruits, e.g. apples, are red.",
        "Others, i.e. limes, are green.",
    ]


def test_dotted_acronyms_end_a_sentence_only_before_a_sentence_start():
    """'U.S. Army' continues the sentence; 'the U.S. The' starts a new one."""
    text = (
        "The U.S. Army and the U.N. Security Council met. He moved to the U.S. The move was hard."
    )
    assert texts(text) == [
        "The U.S. Army and the U.N. Security Council met.",
        "He moved to the U.S.",
        "The move was hard.",
    ]


def test_decimal_points_and_numbers_do_not_end_a_sentence():
    """A decimal point, '$1.2 billion' or 'No. 3' does not end the sentence."""
    text = (
        "Growth was 3.5 percent and debt hit $1.2 billion. He ranked No. 3 in the poll. "
        "Jan. 9 came."
    )
    assert texts(text) == [
        "Growth was 3.5 percent and debt hit $1.2 billion.",
        "He ranked No. 3 in the poll.",
        "Jan. 9 came.",
    ]


def test_initials_do_not_end_a_sentence():
    """Initials such as 'J. R. R. Tolkien' and 'George W. Bush' stay in one sentence."""
    text = "The book by J. R. R. Tolkien sold well. George W. Bush read it. It is long."
    assert texts(text) == [
        "The book by J. R. R. Tolkien sold well.",
        "George W. Bush read it.",
        "It is long.",
    ]


def test_an_ellipsis_ends_a_sentence_only_before_a_capital():
    """'...' followed by a lower-case word continues; followed by a capital it ends."""
    assert texts("He paused... and then spoke. It ended… Then silence.") == [
        "He paused... and then spoke.",
        "It ended…",
        "Then silence.",
    ]


def test_a_sentence_ending_inside_quotes_ends_after_the_closing_quote():
    """The closing quote (curly, straight or guillemet) belongs to the sentence it ends."""
    text = '“We will act.” Then he left. She said "stop." He stopped. They wrote «no.» It ended.'
    assert texts(text) == [
        "“We will act.”",
        "Then he left.",
        'She said "stop."',
        "He stopped.",
        "They wrote «no.»",
        "It ended.",
    ]


def test_a_quote_followed_by_its_speaker_stays_one_sentence():
    """“We will act.” Blinken said. — and “Why?” he asked. — are single sentences."""
    assert texts("“We will act.” Blinken said. “Why?” he asked. Done.") == [
        "“We will act.” Blinken said.",
        "“Why?” he asked.",
        "Done.",
    ]


def test_a_period_before_a_lower_case_word_does_not_end_a_sentence():
    """The seed's stray 'possible transfers. of Russian weapons' is one sentence."""
    text = "Washington is monitoring possible transfers. of Russian weapons to the regime."
    assert texts(text) == [text]


def test_a_paragraph_break_always_ends_a_sentence():
    """A blank line ends the sentence even without punctuation or after an abbreviation."""
    text = "A headline without a period\n\nThe body starts here. Mr.\n\nSmith arrived."
    assert texts(text) == [
        "A headline without a period",
        "The body starts here.",
        "Mr.",
        "Smith arrived.",
    ]


def test_a_terminator_glued_to_the_next_sentence_still_ends_it():
    """'easier.Over the past' (scraped text) is split into two sentences."""
    assert texts("It was easier.Over the past year it grew.") == [
        "It was easier.",
        "Over the past year it grew.",
    ]


def test_a_run_on_text_is_cut_into_bounded_sentences():
    """Text without any punctuation is cut at whitespace into pieces of bounded length."""
    text = "word " * 3000
    found = sentences(text)
    assert len(found) > 1
    assert all(len(s.text) <= MAX_SENTENCE_CHARS for s in found)
    assert all(text[s.start : s.end] == s.text for s in found)


def test_the_seed_article_has_eight_sentences():
    """The seed article splits into its eight sentences, paragraph by paragraph."""
    found = sentences(seed_text())
    assert len(found) == 8
    assert found[0].text.startswith("US Secretary of State Antony Blinken said")
    assert found[0].text.endswith("Kim Jong-un’s regime.")
    assert found[-1].text.endswith("Palestinian civilians.”")


# --- The seed article -----------------------------------------------------------------


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
    assert launchers.claimant == "The South Korean Foreign Minister"
    assert "Hamas" in launchers.statement
    assert "anti-tank rocket launchers similar to those manufactured" in launchers.statement
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
    assert violate.claimant == "The head of American diplomacy"
    assert violate.kind == "legal"
    assert violate.quote == "these exchanges violate UN resolutions"
    assert claim_quoting(claims, "permanent member of the Security Council").claimant == (
        "The head of American diplomacy"
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
        assert len(statement) <= STATEMENT_HARD_LIMIT + 1
        assert not statement.rstrip("…").endswith((",", ";", ":", "."))
        assert not {word.lower().strip(".,") for word in statement.split()} & VERDICT_WORDS


def test_seed_claims_satisfy_the_invariants():
    """Every seed claim's quote is the text at its offsets; scores and kinds are valid."""
    text = seed_text()
    assert_invariants(text, proposed_claims(text))


# --- Claimants ------------------------------------------------------------------------


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


# --- Scores and kinds ------------------------------------------------------------------


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


# --- Statements -----------------------------------------------------------------------


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


# --- Robustness -----------------------------------------------------------------------


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


def test_a_claimant_is_named_in_full_as_the_article_named_them():
    """A one-word claimant takes the full name used earlier, never an institution's."""
    text = (
        "Foreign Minister Park Jin met reporters. Officials said 3 ships left. "
        "“We sent 5 ships,” said Park. "
        "The Washington Post reported 7 ships. Washington said that 9 ships left."
    )
    claims = proposed_claims(text)
    assert claim_quoting(claims, "We sent 5 ships").claimant == "Park Jin"
    assert claim_quoting(claims, "9 ships left").claimant == "Washington"
