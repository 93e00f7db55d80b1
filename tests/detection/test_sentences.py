"""Sentences: where a text's sentences end, and their offsets. Pure functions."""

from claims.detection.reading import proposed_claims
from claims.detection.sentences import MAX_SENTENCE_CHARS, Sentence, sentences
from tests.detection.test_claims import seed_text


def texts(text):
    return [s.text for s in sentences(text)]


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
