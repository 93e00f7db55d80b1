"""What readers saw go wrong: context cut mid-word, sources named by their raw URL, the
desk's address at port 8000 in ClaimReview, no icon."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.factories import ArticleFactory, CitationFactory, ClaimFactory, SourceFactory
from tests.publishing.test_public import publish, published_claim

pytestmark = pytest.mark.django_db

BODY = (
    "Secretary of State Antony Blinken arrived on Wednesday for talks in which Washington "
    "and Seoul said Pyongyang sent about one million artillery rounds to Moscow, officials "
    "said, adding that the shipments continued through the autumn months."
)


def test_context_is_cut_at_whole_words():
    """A stored prefix and suffix cut inside words lose the broken words and gain "…"."""
    from claims.highlighting import quote_context

    context = quote_context(
        "ington and Seoul said ", ", officials sa", more_before=True, more_after=True
    )
    assert (context.before, context.after) == ("and Seoul said ", ", officials")
    whole = quote_context("The UN said ", ".", more_before=False, more_after=False)
    assert (whole.before, whole.after) == ("The UN said ", ".")
    one_word = quote_context("Washington", "x", more_before=True, more_after=True)
    assert (one_word.before, one_word.after) == ("", "")


def test_the_public_context_never_cuts_a_word(client):
    """ "…ington and Seoul" becomes "…and Seoul": the snippet starts and ends on words."""
    article = ArticleFactory(body=BODY)
    start = BODY.index("Pyongyang")
    end = BODY.index(" to Moscow") + len(" to Moscow")
    claim = ClaimFactory(article=article, start=start, end=end, statement="One million rounds")
    CitationFactory(claim=claim)
    publish(claim)
    html = client.get(reverse("public:fact_check", args=[claim.pk])).content.decode()
    quote = re.search(r'<blockquote class="in-context"[^>]*>(.*?)</blockquote>', html, re.S)[1]
    assert quote.startswith("…")
    before, after = quote[1:].split("<mark>")[0], quote.split("</mark>")[1]
    assert BODY[start - len(before) - 1] == " "
    assert before.endswith("said ")
    assert after.endswith("…")
    assert BODY[end + len(after) - 1] == " "


def test_an_unfetched_source_is_not_named_by_its_url_in_public(client):
    """A cited page with no title reads as an untitled page on its host."""
    claim = published_claim()
    source = claim.citations.get().source
    source.title = ""
    source.url = "https://www.un.org/press/en/2023/sc15000.doc.htm"
    source.save()
    html = client.get(reverse("public:fact_check", args=[claim.pk])).content.decode()
    assert ">Untitled page on un.org</a>" in html
    assert ">https://www.un.org/press" not in html


def claim_review_author(html: str) -> dict:
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1]
    return json.loads(block)["author"]


def test_claim_review_author_url_is_the_sites_own_address(client, settings):
    """Without DESK_ORGANISATION_URL the author's URL is the address readers reached."""
    settings.DESK_ORGANISATION_URL = ""
    settings.ALLOWED_HOSTS = ["factdesk.example"]
    claim = published_claim()
    html = client.get(
        reverse("public:fact_check", args=[claim.pk]), HTTP_HOST="factdesk.example"
    ).content.decode()
    assert claim_review_author(html)["url"] == "http://factdesk.example/fact-checks/"
    assert ":8000" not in html
    feed = client.get(reverse("public:feed_atom"), HTTP_HOST="factdesk.example").content.decode()
    assert "<uri>http://factdesk.example/fact-checks/</uri>" in feed


def test_claim_review_author_url_follows_the_setting(client, settings):
    settings.DESK_ORGANISATION_URL = "https://desk.example/"
    claim = published_claim()
    html = client.get(reverse("public:fact_check", args=[claim.pk])).content.decode()
    assert claim_review_author(html)["url"] == "https://desk.example/"


def test_every_page_links_an_icon_that_exists(client, reviewer):
    """Desk and public pages link the desk's icon; /favicon.ico leads to it."""
    claim = published_claim()
    public = client.get(reverse("public:fact_check", args=[claim.pk])).content.decode()
    client.force_login(reviewer)
    desk = client.get(reverse("claims:article_list")).content.decode()
    for html in (public, desk):
        icon = re.search(r'<link rel="icon" href="/static/([^"]+)"', html)[1]
        assert finders.find(icon)
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == f"/static/{icon}"


def test_the_published_link_keeps_the_desk_open(reviewer_client):
    """The desk's links to public pages open beside it: the desk stays where it was."""
    html = reviewer_client.get(reverse("claims:article_list")).content.decode()
    link = re.search(r'<a href="/fact-checks/"[^>]*>', html)[0]
    assert 'target="_blank"' in link
    assert "opens in a new tab" in html


def test_sources_are_shown_untitled_in_the_workspace_too(reviewer_client):
    claim = ClaimFactory()
    CitationFactory(claim=claim, source=SourceFactory(title="", url="https://gov.example/x"))
    html = reviewer_client.get(claim.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "Untitled page on gov.example" in html
