import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.sources.canonical import UnsafeURL, canonical_url, safe_link


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
        ("https://EXAMPLE.com/Path/Case", "https://example.com/Path/Case"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com:80/a", "https://example.com:80/a"),
        ("http://example.com:443/a", "http://example.com:443/a"),
        ("https://example.com/a?gclid=1&msclkid=2&mc_eid=3", "https://example.com/a"),
        ("https://example.com/a?UTM_Source=x&q=1", "https://example.com/a?q=1"),
        ("https://example.com/a?q=2&q=1", "https://example.com/a?q=1&q=2"),
        ("https://example.com/a?empty=&b=1", "https://example.com/a?b=1&empty="),
        ("https://example.com/a b", "https://example.com/a%20b"),
        ("https://example.com/%7Euser", "https://example.com/~user"),
        ("https://[2001:DB8::1]/a", "https://[2001:db8::1]/a"),
        ("https://[2001:db8::1]:443/a", "https://[2001:db8::1]/a"),
        ("https://192.168.0.1:8000/", "https://192.168.0.1:8000/"),
        ("https://例え.テスト/パス", "https://xn--r8jz45g.xn--zckzah/%E3%83%91%E3%82%B9"),
        ("https://example.com/a?q=caf%C3%A9", "https://example.com/a?q=caf%C3%A9"),
        (
            "https://www.koreaherald.com/view.php?ud=20231109000137&utm_medium=social",
            "https://www.koreaherald.com/view.php?ud=20231109000137",
        ),
        (
            "https://world.kbs.co.kr/service/news_view.htm?lang=e&Seq_Code=181656",
            "https://world.kbs.co.kr/service/news_view.htm?Seq_Code=181656&lang=e",
        ),
        ("https://example.com/a/./b/../c", "https://example.com/a/c"),
        ("HTTPS://example.com#only-fragment", "https://example.com/"),
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


URL_PARTS = st.fixed_dictionaries(
    {
        "scheme": st.sampled_from(["http", "https", "HTTP", "Https"]),
        "host": st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9-]{0,10}[A-Za-z0-9])?", fullmatch=True),
        "tld": st.sampled_from(["com", "org", "co.kr", "example", "COM"]),
        "port": st.one_of(st.none(), st.integers(1, 65535)),
        "path": st.text(
            alphabet=st.characters(blacklist_categories=["Cs", "Cc"], blacklist_characters="#?"),
            max_size=20,
        ),
        "query": st.lists(
            st.tuples(
                st.sampled_from(["a", "b", "utm_source", "id", "Q", "fbclid"]),
                st.text(alphabet="abcXYZ019 -_.~%&=é", max_size=6),
            ),
            max_size=4,
        ),
        "fragment": st.text(alphabet="abc123", max_size=5),
    }
)


@given(URL_PARTS)
def test_normalising_twice_gives_the_same_url(parts):
    """For any http(s) URL that is accepted, canonicalising its canonical form changes nothing."""
    from urllib.parse import quote, urlencode

    port = f":{parts['port']}" if parts["port"] else ""
    query = urlencode(parts["query"])
    url = (
        f"{parts['scheme']}://{parts['host']}.{parts['tld']}{port}/{quote(parts['path'])}"
        f"{'?' + query if query else ''}{'#' + parts['fragment'] if parts['fragment'] else ''}"
    )
    once = canonical_url(url)
    assert canonical_url(once) == once
    assert once.startswith(("http://", "https://"))
    assert "#" not in once
    assert "utm_source" not in once


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
