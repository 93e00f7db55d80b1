import json
from datetime import date

import pytest

from claims.sources.pagemeta import (
    content_hash,
    decode_html,
    excerpt_found,
    normalise_for_matching,
    page_metadata,
    readable_text,
)

BASE = "https://news.example/world/article-1"


def page(head: str = "", body: str = "", lang: str = "en") -> str:
    return f"<!doctype html><html lang='{lang}'><head>{head}</head><body>{body}</body></html>"


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_json_ld_news_article():
    """A NewsArticle node gives headline, authors, publisher, date and description."""
    html = page(
        ld(
            {
                "@context": "https://schema.org",
                "@type": "NewsArticle",
                "headline": "Blinken visits Seoul",
                "author": [{"@type": "Person", "name": "Kim Tong-hyung"}, "Matthew Lee"],
                "publisher": {"@type": "Organization", "name": "Associated Press"},
                "datePublished": "2023-11-09T10:00:00+09:00",
                "description": "The visit comes as tensions rise.",
            }
        )
    )
    meta = page_metadata(html, base_url=BASE)
    assert meta.title == "Blinken visits Seoul"
    assert meta.author == "Kim Tong-hyung, Matthew Lee"
    assert meta.publisher_name == "Associated Press"
    assert meta.published_on == date(2023, 11, 9)
    assert meta.description == "The visit comes as tensions rise."
    assert meta.language == "en"


def test_json_ld_graph_resolves_references():
    """In an @graph, the article is found and author and publisher references are resolved."""
    html = page(
        ld(
            {
                "@context": "https://schema.org",
                "@graph": [
                    {"@type": "WebSite", "@id": "#site", "name": "Daily Example"},
                    {"@type": "Organization", "@id": "#org", "name": "Example Media Group"},
                    {"@type": "Person", "@id": "#jane", "name": "Jane Roe"},
                    {
                        "@type": ["Article", "ReportageNewsArticle"],
                        "headline": "Rounds shipped to Russia",
                        "author": {"@id": "#jane"},
                        "publisher": {"@id": "#org"},
                        "datePublished": "2023-11-09",
                    },
                ],
            }
        )
    )
    meta = page_metadata(html, base_url=BASE)
    assert meta.title == "Rounds shipped to Russia"
    assert meta.author == "Jane Roe"
    assert meta.publisher_name == "Example Media Group"
    assert meta.published_on == date(2023, 11, 9)


def test_json_ld_top_level_list_and_nested_publisher():
    """A top-level JSON-LD list is searched, skipping nodes that are not articles."""
    html = page(
        ld(
            [
                {"@type": "BreadcrumbList", "name": "Home > World"},
                {
                    "@type": "BlogPosting",
                    "name": "A blog post",
                    "author": {"@type": "Person", "name": "  Ann\n  Author "},
                    "publisher": {"@type": "Organization", "name": "Blog &amp; Co", "logo": {}},
                },
            ]
        )
    )
    meta = page_metadata(html, base_url=BASE)
    assert meta.title == "A blog post"
    assert meta.author == "Ann Author"
    assert meta.publisher_name == "Blog & Co"


def test_malformed_json_ld_falls_back_to_opengraph():
    """Broken JSON-LD is ignored and OpenGraph fills in."""
    html = page(
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'
        '<meta property="og:title" content="OG title">'
        '<meta property="og:site_name" content="The Example Times">'
        '<meta property="article:published_time" content="2023-11-08T23:30:00Z">'
        '<meta name="author" content="Sam Writer">'
        '<meta property="og:description" content="Summary &amp; more">'
    )
    meta = page_metadata(html, base_url=BASE)
    assert meta.title == "OG title"
    assert meta.publisher_name == "The Example Times"
    assert meta.published_on == date(2023, 11, 8)
    assert meta.author == "Sam Writer"
    assert meta.description == "Summary & more"


def test_json_ld_wins_over_opengraph():
    """JSON-LD values take priority over OpenGraph ones."""
    html = page(
        '<meta property="og:title" content="OG title">'
        + ld({"@type": "NewsArticle", "headline": "LD headline"})
    )
    assert page_metadata(html, base_url=BASE).title == "LD headline"


def test_article_author_profile_url_is_not_a_name():
    """article:author holding a profile URL gives way to the author meta tag."""
    html = page(
        '<meta property="article:author" content="https://facebook.com/someone">'
        '<meta name="author" content="Real Name">'
    )
    assert page_metadata(html, base_url=BASE).author == "Real Name"


@pytest.mark.parametrize(
    ("title", "site", "expected"),
    [
        ("Blinken in Seoul | The Example Times", "The Example Times", "Blinken in Seoul"),
        ("Blinken in Seoul - The Example Times", "The Example Times", "Blinken in Seoul"),
        ("Blinken in Seoul - Day two", "The Example Times", "Blinken in Seoul - Day two"),
        ("Blinken in Seoul | The Example Times", "", "Blinken in Seoul | The Example Times"),
    ],
)
def test_title_suffix_stripped_only_when_it_is_the_site(title, site, expected):
    """A trailing " | Site" or " - Site" is removed only when it names the site."""
    head = f"<title>{title}</title>"
    if site:
        head += f'<meta property="og:site_name" content="{site}">'
    assert page_metadata(page(head), base_url=BASE).title == expected


def test_html_fallbacks_canonical_and_language():
    """Without meta tags, <title>, <link rel=canonical> and <html lang> are used."""
    html = page(
        "<title>  Plain\n title </title>"
        '<link rel="canonical" href="/world/article-1?amp=0">'
        '<link rel="alternate" href="/feed">',
        lang="ko",
    )
    meta = page_metadata(html, base_url=BASE)
    assert meta.title == "Plain title"
    assert meta.canonical_url == "https://news.example/world/article-1?amp=0"
    assert meta.language == "ko"
    assert meta.published_on is None
    assert meta.author == meta.publisher_name == meta.description == ""


def test_canonical_url_must_be_http():
    """A javascript: canonical link is ignored."""
    html = page('<link rel="canonical" href="javascript:alert(1)">')
    assert page_metadata(html, base_url=BASE).canonical_url == ""


def test_long_values_are_capped():
    """Titles are cut to 500 characters and authors to 300."""
    html = page(ld({"@type": "Article", "headline": "t" * 900, "author": "a" * 900}))
    meta = page_metadata(html, base_url=BASE)
    assert len(meta.title) == 500
    assert len(meta.author) == 300


@pytest.mark.parametrize(
    "html",
    [
        "",
        "<html><head><title>Unclosed",
        "<<<>>>&&&<!--",
        "<![if !IE]><p>x<![endif]>",
        "<div>" * 5_000,
        '<script type="application/ld+json">' + "[" * 100_000 + "</script>",
        '<script type="application/ld+json">{"@type": "Article", "author": 7}</script>',
        '<script type="application/ld+json">{"@graph": "nope", "@type": ["x", 3]}</script>',
        '<script type="application/ld+json">' + "[" * 900 + "]" * 900 + "</script>",
        '<script type="application/ld+json">{"@type": "Article", "author": {"@id": []}}</script>',
    ],
)
def test_broken_html_never_crashes(html):
    """Broken markup and odd JSON-LD give empty metadata, not an exception."""
    meta = page_metadata(html, base_url=BASE)
    assert isinstance(meta.title, str)
    assert isinstance(readable_text(html), str)


def test_readable_text_drops_boilerplate_and_keeps_paragraphs():
    """Scripts, nav, header, footer, asides and forms are dropped; paragraphs stay apart."""
    html = page(
        body="<header>Site header</header><nav>Home World</nav>"
        "<script>var tracking = 1;</script><style>p {}</style>"
        "<p>First   paragraph\n with  spaces.</p><p>Second<br>line two</p>"
        "<aside>Related</aside><form>Subscribe</form><footer>© Example</footer>"
        "<noscript>Enable JS</noscript><template>tpl</template>"
    )
    assert readable_text(html) == "First paragraph with spaces.\n\nSecond\nline two"


def test_readable_text_prefers_article():
    """The text of <article> is used when the page has one."""
    html = page(body="<div>Cookie banner text</div><article><p>Story text.</p></article>")
    assert readable_text(html) == "Story text."


def test_readable_text_prefers_main_over_teaser_articles():
    """Small teaser <article> cards inside <main> do not replace the main text."""
    html = page(
        body="<main><p>" + "The real story. " * 20 + "</p>"
        "<article>Teaser one</article></main><div>Outside</div>"
    )
    text = readable_text(html)
    assert text.startswith("The real story.")
    assert "Outside" not in text


def test_readable_text_of_unclosed_paragraphs():
    """Unclosed <p> tags still separate paragraphs."""
    assert readable_text("<p>One<p>Two &amp; three") == "One\n\nTwo & three"


def test_content_hash_is_sha256_hex():
    """The hash is the SHA-256 hex digest of the text's UTF-8 bytes."""
    assert content_hash("abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    assert content_hash("abc") != content_hash("abd")


def test_normalise_for_matching():
    """Quotes, dashes, invisible characters, case and whitespace are unified."""
    raw = "  “Hello”—it’s\u00a0a\u00adlot \u200bof\tWORDS – ok  "
    assert normalise_for_matching(raw) == '"hello"-it\'s alot of words - ok'


@pytest.mark.parametrize(
    "excerpt",
    [
        '"about one million artillery rounds"',
        "ABOUT ONE MILLION",
        "about   one\nmillion",
        "about\u00a0one million",
        "North Korea’s",
        "North Korea's",
        "sent to Russia — officials",
    ],
)
def test_excerpt_found_tolerates_typography(excerpt):
    """An excerpt matches despite curly or straight quotes, case, spacing and nbsp."""
    page_text = (
        "North Korea’s shipments: “about one million artillery rounds” "
        "sent to Russia – officials said."
    )
    assert excerpt_found(excerpt, page_text)


@pytest.mark.parametrize("excerpt", ["", "   ", "two million artillery rounds"])
def test_excerpt_not_found(excerpt):
    """An empty excerpt or different words are not found."""
    assert not excerpt_found(excerpt, "about one million artillery rounds")


def test_decode_html_uses_the_http_charset_first():
    """The HTTP charset beats a meta tag."""
    body = '<meta charset="utf-8"><p>café</p>'.encode("cp1252")
    assert "café" in decode_html(body, "windows-1252")


def test_decode_html_reads_meta_charset():
    """Without an HTTP charset, <meta charset> decides."""
    body = '<html><head><meta charset="windows-1252"></head><p>“Smart” café</p>'.encode("cp1252")
    assert "“Smart” café" in decode_html(body, "")


def test_decode_html_reads_http_equiv_euc_kr():
    """A Content-Type http-equiv naming EUC-KR decodes Korean text."""
    body = (
        '<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">'
        "<p>블링컨 장관 서울 방문</p>"
    ).encode("euc-kr")
    assert "블링컨 장관 서울 방문" in decode_html(body, "")


def test_decode_html_treats_latin1_label_as_windows_1252():
    """An ISO-8859-1 label decodes curly quotes the way browsers do."""
    assert decode_html("“x”".encode("cp1252"), "ISO-8859-1") == "“x”"


def test_decode_html_defaults_to_utf8_with_replacement():
    """No charset anywhere means UTF-8; bad bytes become U+FFFD and unknown labels are ignored."""
    assert decode_html("é".encode() + b"\xff", "") == "é\ufffd"
    assert decode_html("é".encode(), "no-such-charset") == "é"


def test_decode_html_honours_a_byte_order_mark():
    """A byte-order mark wins over a wrong charset hint."""
    assert decode_html("\ufeffé".encode("utf-16-le"), "windows-1252") == "é"
