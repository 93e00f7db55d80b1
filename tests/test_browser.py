"""Browser tests: the demo desk in Debian's Chromium, driven by Playwright."""

import re

import pytest
from playwright.sync_api import Page, expect

from claims import demo

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def demo_desk(transactional_db):
    demo.load_demo_library()
    demo.create_demo_accounts()
    return demo.load_seed_article().article


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
