"""Reading a page: its charset, article text, title, author, date and site name."""

import gzip
import json
import os
from datetime import date
from pathlib import Path

import pytest

from claims.sources.evaluation import page_score
from claims.sources.extraction import (
    MAX_ELEMENTS,
    PageUnreadable,
    article_body,
    decode_html,
    extracted_page,
)

URL = "https://news.example/world/article-1"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "extraction"
FIXTURE_TRUTH = json.loads((FIXTURES / "ground-truth.json").read_text(encoding="utf-8"))
# The shared evaluation pages sit beside the repository (../shared); a worktree elsewhere
# names them with EXTRACTION_EVAL_DIR.
SHARED = Path(
    os.environ.get(
        "EXTRACTION_EVAL_DIR",
        Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "extraction",
    )
)
PARAGRAPH = "<p>" + "The ministry published its quarterly figures on Tuesday. " * 4 + "</p>"


def page(head: str = "", body: str = PARAGRAPH, lang: str = "en") -> str:
    return f"<!doctype html><html lang='{lang}'><head>{head}</head><body>{body}</body></html>"


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def fixture_page(key: str) -> str:
    return decode_html((FIXTURES / f"{key}.html").read_bytes())


def test_json_ld_news_article():
    """A schema.org NewsArticle gives the headline, every author, the publisher and the date."""
    html = page(
        ld(
            {
                "@context": "https://schema.org",
                "@type": "NewsArticle",
                "headline": "Blinken visits Seoul",
                "author": [{"@type": "Person", "name": "Kim Tong-hyung"}, "Matthew Lee"],
                "publisher": {"@type": "Organization", "name": "Associated Press"},
                "datePublished": "2023-11-09T10:00:00+09:00",
            }
        )
    )
    extracted = extracted_page(html, url=URL)
    assert extracted.title == "Blinken visits Seoul"
    assert extracted.author == "Kim Tong-hyung, Matthew Lee"
    assert extracted.site_name == "Associated Press"
    assert extracted.published_on == date(2023, 11, 9)


def test_json_ld_graph_resolves_the_author_reference():
    """In an @graph, the article's author reference is resolved to the person's name."""
    html = page(
        ld(
            {
                "@context": "https://schema.org",
                "@graph": [
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
    extracted = extracted_page(html, url=URL)
    assert extracted.title == "Rounds shipped to Russia"
    assert extracted.author == "Jane Roe"
    assert extracted.site_name == "Example Media Group"
    assert extracted.published_on == date(2023, 11, 9)


def test_malformed_json_ld_falls_back_to_opengraph():
    """Broken JSON-LD is ignored and OpenGraph and meta tags fill in."""
    html = page(
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'
        '<meta property="og:title" content="OG title">'
        '<meta property="og:site_name" content="The Example Times">'
        '<meta property="article:published_time" content="2023-11-08T23:30:00Z">'
        '<meta name="author" content="Sam Writer">'
    )
    extracted = extracted_page(html, url=URL)
    assert extracted.title == "OG title"
    assert extracted.site_name == "The Example Times"
    assert extracted.published_on == date(2023, 11, 8)
    assert extracted.author == "Sam Writer"


def test_article_author_profile_url_is_not_a_name():
    """article:author holding a profile URL gives way to the author meta tag."""
    html = page(
        '<meta property="article:author" content="https://facebook.com/someone">'
        '<meta name="author" content="Real Name">'
    )
    assert extracted_page(html, url=URL).author == "Real Name"


def test_title_suffix_naming_the_site_is_removed():
    """A trailing " | Site" is removed from the <title> when it names the site."""
    head = (
        "<title>Blinken in Seoul | The Example Times</title>"
        '<meta property="og:site_name" content="The Example Times">'
    )
    assert extracted_page(page(head), url=URL).title == "Blinken in Seoul"


@pytest.mark.parametrize("url", [URL, "https://www.news.example/a", "http://127.0.0.1:8123/a"])
def test_a_host_name_is_not_a_site_name(url):
    """Without a name of its own, a page has no site name (not its host name)."""
    extracted = extracted_page(page("<title>Plain title</title>"), url=url)
    assert extracted.title == "Plain title"
    assert extracted.site_name == ""


def test_long_values_are_capped():
    """Titles are cut to 500 characters and authors to 300."""
    html = page(
        ld(
            {
                "@context": "https://schema.org",
                "@type": "Article",
                "headline": "t" * 900,
                "author": {"@type": "Person", "name": "Ann " + "a" * 900},
            }
        )
    )
    extracted = extracted_page(html, url=URL)
    assert len(extracted.title) == 500
    assert len(extracted.author) == 300


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "<html><head><title>Unclosed",
        "<<<>>>&&&<!--",
        "<![if !IE]><p>x<![endif]>",
        "<div>" * 5_000,
        "\x00\x01 binary \xff",
        '<script type="application/ld+json">' + "[" * 100_000 + "</script>",
        '<script type="application/ld+json">{"@type": "Article", "author": 7}</script>',
        '<script type="application/ld+json">{"@graph": "nope", "@type": ["x", 3]}</script>',
        '<script type="application/ld+json">' + "[" * 900 + "]" * 900 + "</script>",
    ],
)
def test_broken_html_never_crashes(html):
    """Broken markup and odd JSON-LD give empty fields, not an exception."""
    extracted = extracted_page(html, url=URL)
    assert isinstance(extracted.title, str)
    assert isinstance(extracted.body, str)


def test_a_page_with_too_many_elements_is_refused():
    """Past MAX_ELEMENTS elements the page is refused quickly rather than read for minutes."""
    html = page(body="<p>word</p>" * (MAX_ELEMENTS + 1))
    with pytest.raises(PageUnreadable, match="too large"):
        extracted_page(html, url=URL)


def test_the_body_leaves_out_menus_teasers_comments_and_scripts():
    """Only the article's paragraphs remain, separated by a blank line; the headline that
    repeats the title is not repeated in the body."""
    body = article_body(fixture_page("seoul-visit"))
    assert body == FIXTURE_TRUTH["seoul-visit"]["articleBody"]
    assert "Subscribe" not in body
    assert "cookies" not in body
    assert "Five things to know" not in body


def test_line_breaks_stay_inside_a_paragraph_and_comments_are_left_out():
    """<br> lines stay lines of one paragraph; a quotation is its own; comments are not text."""
    body = article_body(fixture_page("lines-and-quotes"))
    assert body == FIXTURE_TRUTH["lines-and-quotes"]["articleBody"]
    assert "fishing industry" not in body


def test_script_content_never_becomes_text():
    """Inline scripts, document.write, JSON state and <noscript> do not reach the text."""
    body = article_body(fixture_page("script-laden"))
    assert body == FIXTURE_TRUTH["script-laden"]["articleBody"]
    for hidden in ("Injected", "secret text", "alert", "enable JavaScript", "Advertisement"):
        assert hidden not in body


def test_a_windows_1252_page_declared_in_http_equiv():
    """A page declaring windows-1252 in <meta http-equiv> is read with its curly quotes,
    accents and euro sign; its metadata comes from OpenGraph and meta tags."""
    extracted = extracted_page(fixture_page("council-budget"), url=URL)
    assert extracted.body == FIXTURE_TRUTH["council-budget"]["articleBody"]
    assert extracted.title == "Council approves “record” budget after late-night vote"
    assert (extracted.author, extracted.site_name) == ("Ana Muñoz", "Riverside Gazette")
    assert extracted.published_on == date(2024, 3, 14)


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


def test_decode_html_ignores_a_meta_tag_claiming_utf16():
    """A <meta> read as ASCII cannot mean UTF-16: the page is read as UTF-8."""
    assert "<p>é</p>" in decode_html('<meta charset="utf-16"><p>é</p>'.encode(), "")


# Five of the shared pages: every 18th key in sorted order (chosen by position, not score).
SHARED_KEYS = (
    "04a6711caa7c687592777718866e781e976e0fe684faebe8b3cedcef8cd0ea34",
    "39d5c43beb60605c3eec760c99500e62e7bd71ebbe4ae05edf382125e1b0b80a",
    "5caf91b8a4423735f866b089d2611ea14503584cf3b6f487c6d26eb7b9521fca",
    "8e3efab59f48fd29a1e1e7aa135880c4251a9f090f94999668cdbaec59d30b5a",
    "c7e39ac49fa1235f5d50f83bf2444248bd3aa4e6df044377916c812dd109ba23",
)


@pytest.mark.skipif(
    not (SHARED / "ground-truth.json").is_file(),
    reason=f"the shared extraction pages are not at {SHARED} (set EXTRACTION_EVAL_DIR)",
)
@pytest.mark.parametrize("key", SHARED_KEYS)
def test_real_pages_give_the_text_a_person_marked(key):
    """On real saved news pages the extracted body matches the marked article text."""
    truth = json.loads((SHARED / "ground-truth.json").read_text(encoding="utf-8"))[key]
    html = decode_html(gzip.decompress((SHARED / "html" / f"{key}.html.gz").read_bytes()))
    score = page_score(key, truth["articleBody"], extracted_page(html, url=truth["url"]).body)
    assert score.precision >= 0.9
    assert score.recall >= 0.9
