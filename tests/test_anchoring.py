import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.anchoring import (
    CONTEXT_CHARS,
    SpanError,
    TextQuoteSelector,
    check_span,
    find_anchor,
    quote_selector,
    text_hash,
    utf16_to_code_points,
)

TEXT = "Seoul said one million rounds went north. Seoul said one million rounds went north."


def test_selector_keeps_exact_words_and_32_characters_of_context():
    """The selector keeps the exact words and up to 32 characters either side."""
    text = "x" * 40 + "QUOTE" + "y" * 40
    selector = quote_selector(text, 40, 45)
    assert selector == TextQuoteSelector(exact="QUOTE", prefix="x" * 32, suffix="y" * 32)
    assert CONTEXT_CHARS == 32


def test_selector_context_is_short_at_the_edges():
    """At the edges of the text the context is simply shorter."""
    assert quote_selector("Hello world", 0, 5) == TextQuoteSelector("Hello", "", " world")


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (-1, 3, "outside"),
        (0, 999, "outside"),
        (5, 5, "end after"),
        (6, 2, "end after"),
        (5, 6, "whitespace"),
    ],
)
def test_bad_spans_are_refused(start, end, message):
    """Spans outside the text, empty, reversed or blank are refused with a reason."""
    with pytest.raises(SpanError, match=message):
        check_span("Hello world", start, end)


def test_quote_must_match_the_span():
    """A quote that is not the text at the span is refused."""
    check_span("Hello world", 6, 11, "world")
    with pytest.raises(SpanError, match="not at that place"):
        check_span("Hello world", 6, 11, "World")


def test_offsets_count_code_points_not_bytes():
    """Offsets count code points: an emoji or an accented letter is one."""
    text = "Café 🎉 said: one million."
    start = text.index("one")
    check_span(text, start, start + 3, "one")
    assert quote_selector(text, start, start + 3).prefix == "Café 🎉 said: "


def test_anchor_found_where_it_was():
    """A quote still at its hinted place with the same context is found there."""
    second = TEXT.index("Seoul", 1)
    selector = quote_selector(TEXT, second, second + 5)
    assert find_anchor(TEXT, selector, hint=second) == (second, second + 5)


def test_anchor_follows_a_unique_quote_that_moved():
    """A unique quote that moved (text inserted before it) is found at its new place."""
    selector = quote_selector("Intro. The figure is one million. End.", 7, 33)
    revised = "A new first paragraph.\n\nIntro. The figure is one million. End."
    start, end = find_anchor(revised, selector, hint=7)
    assert revised[start:end] == "The figure is one million."


def test_anchor_uses_context_to_choose_between_repeats():
    """Of two identical quotes, the one whose context matches is chosen."""
    text = "Park said: yes. Blinken said: yes."
    selector = quote_selector(text, text.rindex("yes"), text.rindex("yes") + 3)
    revised = "Update. " + text
    start, _ = find_anchor(revised, selector, hint=None)
    assert revised[:start].endswith("Blinken said: ")


def test_anchor_refuses_to_guess():
    """A quote that is gone, or repeated with no telling context, is not re-attached."""
    assert find_anchor("Nothing here.", TextQuoteSelector("million", "", "")) is None
    assert find_anchor("yes yes", TextQuoteSelector("yes", "x", "z")) is None
    assert find_anchor("anything", TextQuoteSelector("", "", "")) is None


def test_text_hash_identifies_the_exact_text():
    """The hash changes with any change of the text."""
    assert text_hash("a") != text_hash("a ")
    assert len(text_hash("a")) == 64


def test_utf16_offsets_are_converted_to_code_points():
    """Browser offsets (UTF-16 units) convert to code points; an emoji counts 2 then 1."""
    text = "🎉 one million"
    assert utf16_to_code_points(text, 0) == 0
    assert utf16_to_code_points(text, 3) == 2
    assert utf16_to_code_points(text, len(text.encode("utf-16-le")) // 2) == len(text)


@pytest.mark.parametrize("offset", [-1, 1, 99])
def test_bad_utf16_offsets_are_refused(offset):
    """Negative offsets, offsets inside a surrogate pair and beyond the end are refused."""
    with pytest.raises(SpanError):
        utf16_to_code_points("🎉 x", offset)


@given(st.text(min_size=1), st.data())
def test_selector_round_trips_through_find_anchor(text, data):
    """Any valid span is found again at the same place in the unchanged text."""
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    if not text[start:end].strip():
        return
    selector = quote_selector(text, start, end)
    assert find_anchor(text, selector, hint=start) == (start, end)
