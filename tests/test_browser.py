"""Browser tests: the demo desk in Debian's Chromium, driven by Playwright."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = [
    pytest.mark.browser,
    # No serialized_rollback: demo_desk seeds the data migrations' rows again (it cannot
    # restore them in Playwright's thread), and after a transactional test without it (the
    # journeys) the content types the flush re-created collided with the serialized ones.
    pytest.mark.django_db(transaction=True),
]


def log_in(page: Page, live_server, username="reviewer", password="demo-reviewer-2023"):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Articles")).to_be_visible()


def test_reviewer_opens_the_seed_article_and_a_claim(page: Page, live_server, demo_desk):
    """The demo reviewer logs in, opens the seed article and opens the rounds claim."""
    log_in(page, live_server)
    page.get_by_role("link", name=re.compile("Blinken in Seoul")).click()
    claims = page.locator("#claim-list")
    expect(claims).to_contain_text("Washington and Seoul")
    expect(claims).to_contain_text("anti-tank rocket launchers")
    rounds = page.locator(".claim-link", has_text="one million artillery rounds").first
    rounds.click()
    panel = page.locator(".claim-panel")
    expect(panel).to_contain_text("Washington and Seoul")
    expect(page).to_have_url(re.compile(r"/claims/\d+/$"))
    page.go_back()
    expect(page).to_have_url(re.compile(rf"/articles/{demo_desk.pk}/$"))


def test_clicking_a_highlight_opens_its_claim(page: Page, live_server, demo_desk):
    """A highlighted span in the article text opens the claim it marks."""
    log_in(page, live_server)
    page.goto(f"{live_server.url}{demo_desk.get_absolute_url()}")
    page.locator("#article-body a.mark", has_text="anti-tank").first.click()
    expect(page.locator(".claim-panel blockquote mark")).to_contain_text("anti-tank")


def test_reviewer_submits_and_editor_approves(browser, live_server, demo_desk):
    """A reviewer submits the rounds claim's verdict; an editor in a second browser
    approves it from the review page; the reviewer then sees it published."""
    reviewer_context = browser.new_context()
    page = reviewer_context.new_page()
    log_in(page, live_server)
    page.goto(f"{live_server.url}{demo_desk.get_absolute_url()}")
    page.locator(".claim-link", has_text="one million artillery rounds").first.click()
    panel = page.locator(".claim-panel")
    panel.get_by_role("button", name="Take this claim").click()
    expect(panel.locator("header .status")).to_have_text("Researching")
    panel.get_by_text("Add a source").click()
    panel.get_by_label("Source URL").fill(
        "https://english.chosun.com/site/data/html_dir/2023/11/02/2023110201083.html"
    )
    panel.get_by_label("Supports").check()
    panel.get_by_role("button", name="Cite source").click()
    expect(panel.locator(".citation")).to_have_count(1)
    panel.get_by_label("Rating").select_option(label="Mostly true")
    panel.get_by_label("Reasoning").fill("The NIS told lawmakers 'more than a million'.")
    panel.get_by_role("button", name="Save draft verdict").click()
    expect(panel.locator("#claim-verdict-status")).to_contain_text("Verdict draft saved")
    panel.get_by_role("button", name="Submit verdict for review").click()
    expect(panel.locator("header .status")).to_have_text("In review")
    expect(panel.locator("#claim-verdict-status")).to_have_text("Verdict submitted for review.")

    editor_context = browser.new_context()
    editor = editor_context.new_page()
    log_in(editor, live_server, "editor", "demo-editor-2023")
    editor.get_by_role("link", name=re.compile("My work")).click()
    editor.get_by_role("link", name=re.compile("one million artillery rounds")).click()
    expect(editor.get_by_role("heading", name=re.compile("Review:"))).to_be_visible()
    expect(editor.locator(".checklist .unmet")).not_to_have_count(0)
    editor.get_by_label("Approve despite unmet checks because").fill(
        "Single intelligence estimate; the report says so."
    )
    editor.get_by_role("button", name="Approve and publish").click()
    expect(editor.locator(".messages")).to_contain_text("published")

    page.reload()
    expect(page.locator(".claim-panel header .status")).to_have_text("Published")
    history = page.locator(".claim-panel .timeline-box")
    history.get_by_text("History").click()
    expect(history).to_contain_text("editor")
    reviewer_context.close()
    editor_context.close()
