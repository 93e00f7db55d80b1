import pytest

from claims.canonical import UnsafeURL, canonical_url, safe_link


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://WWW.Example.COM/a", "http://www.example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://example.com/a#section-2", "https://example.com/a"),
        ("https://example.com/a?utm_source=x&utm_medium=y", "https://example.com/a"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/a?fbclid=abc&id=7", "https://example.com/a?id=7"),
        ("https://example.com", "https://example.com/"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("https://bücher.example/ä", "https://xn--bcher-kva.example/%C3%A4"),
        ("https://example.com/a/../b", "https://example.com/b"),
        ("https://example.com./a", "https://example.com/a"),
    ],
)
def test_canonical_url(url, expected):
    """URLs are normalised so one document has one canonical URL."""
    assert canonical_url(url) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(1)", "Only http"),
        ("data:text/html,<script>", "Only http"),
        ("ftp://example.com/file", "Only http"),
        ("https://user:secret@example.com/", "user name or password"),
        ("https:///path-only", "no host"),
        ("", "Enter a URL"),
        ("https://example.com/" + "a" * 2100, "longer than"),
        ("https://example.com:99999/", "not a valid URL"),
        ("https://exa\nmple.com/", "control characters"),
    ],
)
def test_unsafe_urls_are_refused(url, message):
    """Anything but a plain http(s) URL is refused with a clear message."""
    with pytest.raises(UnsafeURL, match=message):
        canonical_url(url)


def test_canonical_url_is_idempotent():
    """Normalising a canonical URL changes nothing."""
    once = canonical_url("HTTPS://Example.com:443/x/?b=1&a=2&utm_campaign=z#top")
    assert canonical_url(once) == once


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a", "https://example.com/a"),
        ("javascript:alert(1)", ""),
        (" JaVaScRiPt:alert(1)", ""),
        ("data:text/html,x", ""),
        ("/relative", ""),
        ("", ""),
    ],
)
def test_safe_link_only_allows_http(url, expected):
    """Only http(s) URLs with a host are rendered as links."""
    assert safe_link(url) == expected
