"""The workspace in windows (claims.windows): the first screen is one window of the text
and one of the claim list at any size; the reviewer's browser asks for the next ones."""

import re

import pytest

from claims import windows
from claims.models import Claim, ClaimStatus
from claims.windows import LIST_WINDOW_CLAIMS, TEXT_WINDOW_CHARS
from tests.factories import ArticleFactory, ClaimFactory, article_with_claims

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def rows(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'id="claim-row-(\d+)"', html)]


def marks(html: str) -> set[int]:
    return {
        int(pk) for pk in re.findall(r'class="mark [^"]*" href="[^"]*" data-claim="(\d+)"', html)
    }


def link(html: str, label: str) -> str:
    """The htmx address of the 'more' link with that label."""
    found = re.search(rf'data-hx-get="([^"]+)"[^>]*>{label}<', html)
    assert found, f"no {label!r} link"
    return found.group(1).replace("&amp;", "&")


def text_of(html: str) -> str:
    """The article text the windows in html hold, tags removed."""
    parts = re.findall(r'<span class="text-window"[^>]*>(.*?)</span>', html, flags=re.S)
    import html as html_module

    return html_module.unescape(re.sub(r"<[^>]+>", "", "".join(parts)))


# --- the windows as plain functions -------------------------------------------------


def test_cuts_never_split_a_word_and_cover_the_text():
    body = ("word " * 5_000).strip()
    count = windows.window_count(body)
    assert count > 3
    pieces = [body[slice(*windows.text_bounds(body, n))] for n in range(count)]
    assert "".join(pieces) == body
    for piece in pieces[1:]:
        assert piece.startswith("word")


def test_cut_prefers_a_paragraph_break():
    body = "a" * (TEXT_WINDOW_CHARS + 10) + " b\n\nNext paragraph " + "c " * 100
    cut = windows.cut_position(body, 1)
    assert body[cut:].startswith("Next paragraph")


def test_a_run_without_spaces_is_cut_where_the_window_ends():
    body = "x" * (TEXT_WINDOW_CHARS * 2 + 5)
    assert windows.cut_position(body, 1) == TEXT_WINDOW_CHARS
    assert windows.window_count(body) == 3


def test_window_at_finds_the_window_of_an_offset():
    body = ("word " * 5_000).strip()
    for offset in (0, 5, TEXT_WINDOW_CHARS - 1, TEXT_WINDOW_CHARS + 3, len(body) - 1):
        number = windows.window_at(body, offset)
        start, end = windows.text_bounds(body, number)
        assert start <= offset < end


def test_utf16_start_counts_astral_characters_twice():
    assert windows.utf16_length("a😀b") == 4


@pytest.mark.parametrize("value", ["", "1.2", "a.b.c", "1.2.3.4", "-1.2.3", "9" * 13 + ".1.1"])
def test_malformed_cursors_are_ignored(value):
    assert windows.parse_cursor(value) is None


def test_a_claim_across_a_cut_is_marked_in_both_windows():
    body = ("word " * 3_000).strip()
    article = ArticleFactory(body=body)
    cut = windows.cut_position(body, 1)
    claim = ClaimFactory(article=article, start=cut - 10, end=cut + 9)
    first = windows.text_window(body, 0, [claim])
    second = windows.text_window(body, 1, [claim])
    assert claim in first.claims
    assert claim in second.claims
    joined = "".join(s.text for s in first.segments if s.claims)
    joined += "".join(s.text for s in second.segments if s.claims)
    assert joined == body[claim.start : claim.end]
    assert [s.start for s in second.segments if s.claims] == [cut]


# --- the pages ---------------------------------------------------------------------


def test_first_screen_is_one_window_at_any_size(reviewer_client):
    small = article_with_claims(40)
    large = article_with_claims(3_000)
    small_html = reviewer_client.get(small.get_absolute_url()).content.decode()
    large_html = reviewer_client.get(large.get_absolute_url()).content.decode()
    assert len(rows(small_html)) == 40
    assert len(rows(large_html)) == LIST_WINDOW_CLAIMS
    assert len(large_html) < 2 * len(small_html) + 20_000
    assert "Show more claims" in large_html
    assert "Show more claims" not in small_html
    assert "Continue reading" in large_html
    assert "Continue reading" not in small_html
    assert ">3000<" in large_html.replace("</span>", "<").replace('claim-count">', ">")


def test_scrolling_the_list_loads_every_claim_once_in_order(reviewer_client):
    article = article_with_claims(130)
    html = reviewer_client.get(article.get_absolute_url()).content.decode()
    seen = rows(html)
    while "Show more claims" in html:
        html = reviewer_client.get(link(html, "Show more claims"), **HX).content.decode()
        assert "<html" not in html
        assert "Show earlier claims" not in html
        seen += rows(html)
    expected = list(Claim.objects.filter(article=article).order_by("start", "end", "pk"))
    assert seen == [claim.pk for claim in expected]


def test_scrolling_the_text_loads_the_whole_text_once(reviewer_client):
    article = article_with_claims(400)
    html = reviewer_client.get(article.get_absolute_url()).content.decode()
    text = text_of(html)
    marked = marks(html)
    while "Continue reading" in html:
        html = reviewer_client.get(link(html, "Continue reading"), **HX).content.decode()
        text += text_of(html)
        marked |= marks(html)
    assert text == article.body
    assert marked == set(Claim.objects.filter(article=article).values_list("pk", flat=True))


def test_filtered_list_comes_in_windows_and_keeps_the_filter(reviewer_client):
    article = article_with_claims(200)
    wanted = list(Claim.objects.filter(article=article).order_by("start")[::2])
    Claim.objects.filter(pk__in=[c.pk for c in wanted]).update(
        status=ClaimStatus.DISMISSED, dismissal_reason="Repeats an earlier claim."
    )
    html = reviewer_client.get(
        article.get_absolute_url(), {"status": "dismissed"}, HTTP_HX_TARGET="claim-list", **HX
    ).content.decode()
    assert "100 of 200 claims match" in html
    seen = rows(html)
    while "Show more claims" in html:
        more = link(html, "Show more claims")
        assert "status=dismissed" in more
        html = reviewer_client.get(more, **HX).content.decode()
        seen += rows(html)
    assert seen == [claim.pk for claim in wanted]


def test_an_open_claim_far_down_shows_its_window_and_earlier_ones_load(reviewer_client):
    article = article_with_claims(400)
    claims = list(Claim.objects.filter(article=article).order_by("start", "end", "pk"))
    chosen = claims[300]
    html = reviewer_client.get(chosen.get_absolute_url()).content.decode()
    assert rows(html)[0] == chosen.pk
    assert chosen.pk in marks(html)
    assert "Earlier text" in html
    assert "Show earlier claims" in html
    earlier = reviewer_client.get(link(html, "Show earlier claims"), **HX).content.decode()
    assert rows(earlier) == [claim.pk for claim in claims[300 - LIST_WINDOW_CLAIMS : 300]]
    assert "Show more claims" not in earlier
    before = reviewer_client.get(link(html, "Earlier text"), **HX).content.decode()
    number = windows.window_at(article.body, chosen.start)
    start, _ = windows.text_bounds(article.body, number - 1)
    assert text_of(before) == article.body[start : windows.cut_position(article.body, number)]


def test_selection_offsets_count_from_the_whole_text(reviewer_client):
    """Each window says where it starts (as a browser counts), so a selection in a later
    window adds a claim at the right words."""
    body = "😀 " + ("Officials said the port handled 4 million tonnes. " * 300)
    article = ArticleFactory(body=body)
    html = reviewer_client.get(article.get_absolute_url(), {"text": "1"}).content.decode()
    start = int(re.search(r'class="text-window" data-utf16-start="(\d+)"', html).group(1))
    cut = windows.cut_position(body, 1)
    assert start == cut + 1  # the emoji counts twice


def test_more_links_need_a_cursor_and_ignore_bad_ones(reviewer_client):
    article = article_with_claims(60)
    url = article.get_absolute_url()
    assert reviewer_client.get(url, {"from": "later"}, **HX).status_code == 400
    response = reviewer_client.get(url, {"from": "later", "after": "x.y.z"}, **HX)
    assert response.status_code == 400
    response = reviewer_client.get(url, {"from": "later", "text": "99999"}, **HX)
    assert response.status_code == 200  # the last window


def test_windows_are_for_desk_members_only(client, db):
    article = article_with_claims(60)
    url = article.get_absolute_url() + "?from=later&after=1.2.3"
    response = client.get(url, **HX)
    assert response.status_code in (302, 401, 403)
    assert "claim-row" not in response.content.decode()


def test_more_windows_cost_constant_queries(reviewer_client, django_assert_max_num_queries):
    article = article_with_claims(600)
    html = reviewer_client.get(article.get_absolute_url()).content.decode()
    # session, user, the reviewer's two permission lookups, the article, (the rating scale
    # the filters name,) the window's claims
    with django_assert_max_num_queries(7):
        reviewer_client.get(link(html, "Show more claims"), **HX)
    with django_assert_max_num_queries(6):
        reviewer_client.get(link(html, "Continue reading"), **HX)


@pytest.mark.parametrize(
    "statement",
    ["", "Short claim.", "x" * 40, "x" * 41, "Pyongyang will receive Russian military technology"],
)
def test_a_rows_tick_label_is_cut_as_truncatechars_cuts(statement):
    from django.utils.text import Truncator

    from claims.views.rows import shortened

    assert shortened(statement, 40) == Truncator(statement).chars(40)


@pytest.mark.django_db
def test_filter_menus_rendered_once_match_the_form_and_keep_a_choice(reviewer_client, settings):
    """The blank filter menus come from a per-process copy (DEBUG off): the same markup as
    the form renders, for the desk's rating scale; a chosen filter renders its own."""
    from claims.forms import ClaimFilterForm
    from claims.views.workspace import _render_filter_selects, default_ratings

    settings.DEBUG = False
    article = article_with_claims(3)
    page = reviewer_client.get(article.get_absolute_url()).content.decode()
    expected = _render_filter_selects(ClaimFilterForm(ratings=default_ratings()))
    assert expected in page
    assert "selected" not in expected.replace('value="" selected', "")
    chosen = reviewer_client.get(article.get_absolute_url(), {"status": "accepted"})
    assert '<option value="accepted" selected>' in chosen.content.decode()


@pytest.mark.django_db
def test_postgresql_finds_the_list_window_by_an_array_of_ids(reviewer):
    """On PostgreSQL the first screen's query names the list window's claims as an array
    of ids (`id = ANY(ARRAY(…))`, which the primary key's index answers: 0.3 ms instead
    of 4 ms at 5,000 claims in `make bench`), and finds the same rows as `IN (…)`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("the array form is PostgreSQL's")
    article = article_with_claims(120)
    claims = Claim.objects.filter(article=article).with_current_verdict(reviewer)
    listing = windows.ListRequest(after=None, before=None, starting_at=None)
    with CaptureQueriesContext(connection) as queries:
        screen = windows.screen(article.body, claims, claims.filter(status="accepted"), listing, 0)
    assert "= ANY(ARRAY(" in queries.captured_queries[-1]["sql"]
    listed = list(listing.rows(claims.filter(status="accepted")))[:LIST_WINDOW_CLAIMS]
    assert listed
    assert [claim.pk for claim in screen.listing.claims] == [claim.pk for claim in listed]


def test_an_open_claim_in_a_short_article_keeps_the_list_from_the_top(reviewer_client):
    """All claims fit in one window: opening one by its address lists them all from the
    first, with no "Show earlier claims"."""
    article = article_with_claims(12)
    claims = list(Claim.objects.filter(article=article).order_by("start", "end", "pk"))
    html = reviewer_client.get(claims[8].get_absolute_url()).content.decode()
    assert rows(html) == [claim.pk for claim in claims]
    assert "Show earlier claims" not in html
