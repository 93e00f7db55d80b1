"""Journeys: an article imported by its URL changes on its page (issue 15), every page checked.

A reviewer imports the article from a web page (served on 127.0.0.1 by the test), corrects
the preview and confirms; claims appear. The page changes: a claim's words are edited,
another's sentence deleted, a paragraph moved. "Check for a new version now" queues a check
(the desk worker does not run in tests: the test runs the queued task), which brings in a
new version: the versions page shows what changed, the moved claim stays anchored, the
others are flagged with a link to resolve them. The reviewer re-anchors one by selecting
its new words with the mouse, dismisses another with a reason, and keeps a published one
on the version it was checked on: its public page still shows the words checked, with the
note that the article has changed since. A new version is also brought in by hand: the page
fetched again, its text corrected and previewed, then saved.

Every desk and public page state goes through `check_page` (the Nu HTML Checker and axe-core,
see tests/pagecheck.py).
"""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, Page, expect

from claims import editing, refetch, workflow
from claims.models import Article, Claim, ClaimStatus
from tests.factories import default_rating
from tests.test_journeys import (  # noqa: F401 (fixtures)
    check_page,
    claim_pk,
    desk,
    goto,
    nu_checker,
    open_as,
)
from tests.webpages import serving

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "North Korea's shells for Russia"
ROUNDS = "North Korea has sent about one million artillery rounds to Russia since August"
NEW_ROUNDS = "North Korea has sent more than one million artillery rounds to Russia since August"
LAUNCHERS = "exports of anti-tank rocket launchers rose by 40 percent last year"
TALKS = "The talks between the two allies will continue next week in Washington"
SHIPS = "12 ships carrying containers left the port of Rajin in October"
PARAGRAPHS = [
    f"{ROUNDS}, the National Intelligence Service told lawmakers in Seoul on Thursday.",
    f"Unification Minister Kim Yung-ho said {LAUNCHERS}, according to customs data.",
    f"{TALKS}, where the delegations will meet for a second round.",
    f"South Korea's defence ministry said {SHIPS}.",
]
# The page as corrected by its publisher: the rounds and launchers words edited, the
# ships sentence deleted, the talks paragraph moved to the top.
REVISED = [
    PARAGRAPHS[2],
    PARAGRAPHS[0].replace(ROUNDS, NEW_ROUNDS),
    PARAGRAPHS[1].replace("40 percent", "45 percent"),
]


def article_page(paragraphs: list[str]) -> str:
    """The publisher's page: its title carries the site's name, which the reviewer removes."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{TITLE} | Seoul Daily</title></head><body>"
        f"<article><h1>{TITLE}</h1>{body}</article></body></html>"
    )


@pytest.fixture
def news_site(settings, tmp_path):
    """The article's page on 127.0.0.1, which the fetcher may read; set ["html"] to change
    it. Pages the desk keeps go to a temporary MEDIA_ROOT."""
    settings.FETCH_ALLOW_LOOPBACK = True
    settings.MEDIA_ROOT = tmp_path
    served = {"html": article_page(PARAGRAPHS)}

    with serving(lambda path: served["html"]) as site:
        served["url"] = f"{site}/politics/shells-for-russia"
        yield served


def publish(claim: Claim) -> None:
    """What a reviewer and an editor did in the desk's day: a verdict, approved."""
    users = get_user_model().objects
    reviewer, editor = users.get(username="reviewer"), users.get(username="editor")
    workflow.take(claim, by=reviewer)
    editing.save_verdict_draft(
        claim,
        by=reviewer,
        rating=default_rating("mostly-true"),
        reasoning="Customs data show a rise of 40 percent.",
        version=None,
    )
    workflow.submit_for_review(claim, by=reviewer)
    workflow.approve(Claim.objects.get(pk=claim.pk), by=editor, override_reason="Customs data.")


def select_with_mouse(page: Page, words: str) -> None:
    """Drag the mouse over `words` in the article text, as a reviewer selects them."""
    box = page.locator("#article-body .text-window").evaluate(
        """(span, words) => {
            const text = span.firstChild;
            const at = text.data.indexOf(words);
            const char = (offset) => {
                const range = document.createRange();
                range.setStart(text, offset);
                range.setEnd(text, offset + 1);
                return range.getBoundingClientRect();
            };
            const first = char(at), last = char(at + words.length - 1);
            return {x0: first.left + 1, y0: first.top + first.height / 2,
                    x1: last.right - 1, y1: last.top + last.height / 2};
        }""",
        words,
    )
    page.mouse.move(box["x0"], box["y0"])
    page.mouse.down()
    page.mouse.move(box["x1"], box["y1"], steps=10)
    page.mouse.up()


@pytest.mark.usefixtures("desk")
def test_an_article_changes_on_its_page_and_its_flagged_claims_are_resolved(
    browser: Browser, live_server, news_site
):
    """Import by URL → a published claim → the page changes → check now → a new version →
    versions page → workspace flags → re-anchor by selection → dismiss → keep on version →
    the public page's "changed since" note."""
    reviewer = open_as(browser, live_server, "reviewer")

    # 1. Import by URL: the preview is corrected, then confirmed; claims appear.
    reviewer.get_by_role("navigation").get_by_role("link", name="Import article").click()
    check_page(reviewer)
    reviewer.get_by_label("Web address").fill(news_site["url"])
    reviewer.get_by_role("button", name="Read the page").click()
    expect(reviewer.get_by_role("heading", name=re.compile("^Check the article"))).to_be_visible()
    check_page(reviewer)
    title = reviewer.get_by_label("Title")
    expect(title).to_have_value(re.compile("Seoul Daily|North Korea"))
    title.fill(TITLE)
    reviewer.get_by_label("Published on").fill("2023-11-09")
    expect(reviewer.get_by_label("Article text")).to_have_value(re.compile(re.escape(ROUNDS)))
    reviewer.get_by_role("button", name="Import and propose claims").click()
    expect(reviewer.locator("#article-body")).to_contain_text(ROUNDS)
    expect(reviewer.locator(".messages")).to_contain_text("Imported with 4 proposed claims")
    check_page(reviewer)
    article = Article.objects.get()
    assert article.title == TITLE
    assert article.url == news_site["url"]
    expect(reviewer.locator(".claim-row")).to_have_count(4)
    rounds, launchers = claim_pk(article, ROUNDS), claim_pk(article, LAUNCHERS)
    talks, ships = claim_pk(article, TALKS), claim_pk(article, SHIPS)
    publish(Claim.objects.get(pk=launchers))

    # 2. The page changes; "Check for a new version now" queues a check, the test runs it.
    news_site["html"] = article_page(REVISED)
    workspace = article.get_absolute_url()
    goto(reviewer, live_server, workspace)
    expect(reviewer.locator(".page-check")).to_contain_text("Page not checked for changes yet")
    reviewer.get_by_role("button", name="Check for a new version now").click()
    expect(reviewer.locator(".messages")).to_contain_text("A check of the article's page is queued")
    expect(reviewer.locator(".page-check")).to_contain_text("a check is under way")
    check_page(reviewer)
    # The live server's thread has its own task backend: the queued check shows on the row.
    assert refetch.check_pending(Article.objects.get())
    message = refetch.check_article.call(article.pk)  # what the desk worker does
    assert message == "Version 2 brought in: 3 claim(s) flagged for review."

    reviewer.reload()
    expect(reviewer.locator(".page-check")).to_contain_text("Page last checked for changes")
    expect(reviewer.locator("#article-body")).to_contain_text(NEW_ROUNDS)
    check_page(reviewer)
    flags = reviewer.locator(".flag-link")
    expect(flags).to_have_count(3)
    for pk in (rounds, launchers, ships):
        expect(reviewer.locator(f'.claim-row:has([data-claim="{pk}"]) .flag-link')).to_be_visible()
    expect(reviewer.locator(f'.claim-row:has([data-claim="{talks}"]) .flag-link')).to_have_count(0)

    reviewer.get_by_role("link", name="Versions").click()
    changed = reviewer.get_by_role("heading", name="Version 2: what changed since version 1")
    expect(changed).to_be_visible()
    check_page(reviewer)
    changes = reviewer.locator(".text-changes")
    expect(changes.locator("ins", has_text="more than")).to_be_visible()
    expect(changes.locator("del", has_text="about")).to_be_visible()
    expect(changes.locator("del", has_text=SHIPS)).to_be_visible()
    outcomes = reviewer.locator(".claim-outcomes li")
    expect(outcomes.filter(has_text=TALKS)).to_contain_text("moved")
    expect(outcomes.filter(has_text=TALKS).locator(".badge")).to_have_count(0)
    expect(outcomes.filter(has_text=ROUNDS)).to_contain_text("Words changed: flagged for review")
    expect(outcomes.filter(has_text=SHIPS)).to_contain_text("Words removed: flagged for review")
    expect(outcomes.filter(has_text=LAUNCHERS)).to_contain_text("Words changed: flagged")
    expect(reviewer.locator("#orphaned-heading + p + ul li")).to_have_count(3)
    moved = Claim.objects.get(pk=talks)
    assert not moved.is_orphaned
    assert Article.objects.get().body[moved.start : moved.end] == moved.quote

    # 3. Re-anchor the rounds claim on its new words, selected with the mouse.
    goto(reviewer, live_server, workspace)
    reviewer.locator(f'.claim-row:has([data-claim="{rounds}"]) .flag-link').click()
    expect(reviewer.get_by_role("heading", name="Resolve a flagged claim")).to_be_visible()
    check_page(reviewer)
    expect(reviewer.locator(".in-context mark")).to_have_text(ROUNDS)
    anchor = reviewer.get_by_role("button", name="Anchor the claim here")
    anchor.click()  # no words selected
    expect(reviewer.locator(".form-errors")).to_contain_text("Correct the form below")
    expect(reviewer.locator("#reanchor-form .field-error")).to_be_visible()
    check_page(reviewer)
    select_with_mouse(reviewer, NEW_ROUNDS)
    quote = reviewer.get_by_label("The claim's words in the new text")
    expect(quote).to_have_value(NEW_ROUNDS)
    check_page(reviewer)
    anchor.click()
    expect(reviewer.locator(".messages")).to_contain_text("The claim is anchored in the new text")
    check_page(reviewer)
    reanchored = Claim.objects.get(pk=rounds)
    assert (reanchored.quote, reanchored.is_flagged) == (NEW_ROUNDS, False)

    # Another flagged claim, its sentence deleted, is dismissed with a reason.
    goto(reviewer, live_server, f"/articles/{article.pk}/versions/")
    expect(reviewer.locator("#orphaned-heading + p + ul li")).to_have_count(2)
    to_look_at = reviewer.locator("#orphaned-heading + p + ul li", has_text=SHIPS)
    to_look_at.get_by_role("link", name="Resolve…").click()
    expect(reviewer.locator(".in-context mark")).to_contain_text(SHIPS)
    check_page(reviewer)
    dismiss = reviewer.get_by_role("button", name="Dismiss the claim")
    dismiss.click()  # no reason
    expect(reviewer.locator(".form-errors")).to_contain_text("Correct the form below")
    check_page(reviewer)
    reviewer.get_by_label("Reason for dismissing").fill("The publisher removed the sentence.")
    dismiss.click()
    expect(reviewer.locator(".messages")).to_contain_text("dismissed and no longer flagged")
    check_page(reviewer)
    dismissed = Claim.objects.get(pk=ships)
    assert dismissed.status == ClaimStatus.DISMISSED
    assert not dismissed.is_flagged

    # 4. The published claim whose words changed is kept on its version.
    goto(reviewer, live_server, f"/articles/{article.pk}/claims/{launchers}/resolve/")
    expect(reviewer.locator("#reanchor-form")).to_have_count(0)
    expect(reviewer.get_by_role("button", name="Dismiss the claim")).to_have_count(0)
    reviewer.get_by_role("button", name="Keep it on its version").click()
    expect(reviewer.locator(".messages")).to_contain_text("stays on the version it was checked on")
    check_page(reviewer)
    kept = Claim.objects.get(pk=launchers)
    assert (kept.status, kept.is_flagged) == (ClaimStatus.PUBLISHED, False)
    goto(reviewer, live_server, workspace)
    expect(reviewer.locator(".flag-link")).to_have_count(0)

    reader = browser.new_context(bypass_csp=True).new_page()
    goto(reader, live_server, f"/fact-checks/{launchers}/")
    expect(reader.locator("body")).to_contain_text(LAUNCHERS)
    expect(reader.locator(".article-changed")).to_contain_text(
        "The article has changed since this fact-check"
    )
    reader.context.close()
    reviewer.context.close()


@pytest.mark.usefixtures("desk")
def test_a_reviewer_brings_in_a_new_version_by_hand(browser: Browser, live_server, news_site):
    """Versions → Bring in a new version → fetch the page again → an empty text refused →
    the corrected text previewed (what would change, which claims would be flagged) →
    saved: the versions page lists the claims to look at."""
    from claims.importing import import_article
    from claims.page_import import fetch_article_page

    reviewer_user = get_user_model().objects.get(username="reviewer")
    archived = fetch_article_page(news_site["url"], by=reviewer_user)
    article = import_article(
        body="\n\n".join(PARAGRAPHS),
        title=TITLE,
        url=news_site["url"],
        archived_page=archived,
        by=reviewer_user,
    ).article
    news_site["html"] = article_page([*REVISED, "Subscribe to the Seoul Daily for more."])
    reviewer = open_as(browser, live_server, "reviewer")
    goto(reviewer, live_server, f"/articles/{article.pk}/versions/")
    expect(reviewer.get_by_role("heading", name="Version 1")).to_be_visible()
    reviewer.get_by_role("link", name="Bring in a new version").click()
    check_page(reviewer)
    reviewer.get_by_role("button", name=re.compile("^Fetch .* again$")).click()
    expect(reviewer.get_by_text("Read again from")).to_be_visible()
    check_page(reviewer)
    text = reviewer.get_by_label("The article's new text")
    expect(text).to_have_value(re.compile("Subscribe to the Seoul Daily"))

    text.fill("")
    reviewer.get_by_role("button", name="Show what would change").click()
    expect(reviewer.locator(".field-error")).to_be_visible()
    check_page(reviewer)

    text.fill("\n\n".join(REVISED))  # the reviewer leaves out the subscription line
    reviewer.get_by_role("button", name="Show what would change").click()
    preview = reviewer.locator("section[aria-labelledby=preview-heading]")
    expect(preview.locator(".claim-outcomes li")).to_have_count(4)
    expect(preview.locator(".claim-outcomes .badge")).to_have_count(3)
    expect(preview.locator(".claim-outcomes li", has_text=TALKS)).to_contain_text("moved")
    check_page(reviewer)
    assert article.versions.count() == 1

    reviewer.get_by_role("button", name="Save as a new version").click()
    expect(reviewer.locator(".messages")).to_contain_text(
        "Version 2 saved: 1 claim(s) found again, 3 flagged for review."
    )
    expect(reviewer.locator("#orphaned-heading + p + ul li")).to_have_count(3)
    check_page(reviewer)
    article.refresh_from_db()
    assert article.body == "\n\n".join(REVISED)
    assert "Subscribe" not in article.body
    reviewer.context.close()
