from types import SimpleNamespace

from claims.highlighting import text_segments


def span(pk, start, end):
    return SimpleNamespace(pk=pk, start=start, end=end)


def test_segments_rebuild_the_text_exactly():
    """Joining the segments gives back the text, character for character."""
    text = "Alpha beta gamma delta."
    segments = text_segments(text, [span(1, 6, 10), span(2, 11, 16)])
    assert "".join(s.text for s in segments) == text
    assert [(s.text, [c.pk for c in s.claims]) for s in segments] == [
        ("Alpha ", []),
        ("beta", [1]),
        (" ", []),
        ("gamma", [2]),
        (" delta.", []),
    ]


def test_nested_claims_open_the_narrowest():
    """Where claims overlap, a click opens the narrowest claim covering the words."""
    text = "Washington said Pyongyang sent shells."
    outer, inner = span(1, 0, len(text)), span(2, 16, 37)
    segments = text_segments(text, [outer, inner])
    middle = next(s for s in segments if s.start == 16)
    assert middle.claim is inner
    assert segments[0].claim is outer


def test_spans_outside_the_text_are_ignored():
    """A claim whose span no longer fits the text is not drawn."""
    assert [s.text for s in text_segments("Short.", [span(1, 3, 99)])] == ["Short."]


def test_empty_text_has_no_segments():
    """An empty text yields nothing to draw."""
    assert text_segments("", []) == []
