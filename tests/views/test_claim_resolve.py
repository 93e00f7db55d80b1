"""The screen that resolves a flagged claim, reached from the claim panel, the workspace's
claim list and the versions page; and "check for a new version now" on the article page."""

import pytest
from django.tasks import default_task_backend
from django.urls import reverse

from claims import refetch
from claims.models import ArchivedPage, Claim, ClaimStatus
from claims.revisions import revise_article
from tests.factories import ArticleFactory, ClaimFactory, UserFactory
from tests.test_refetch import TEXT
from tests.test_resolving import FIRST, NEW, WORDS, utf16

pytestmark = pytest.mark.django_db

# Session, user, permissions (2), the claim with its article, the version it was found in,
# the "My work" count.
RESOLVE_QUERIES = 5


@pytest.fixture
def flagged():
    article = ArticleFactory(body=FIRST)
    claim = ClaimFactory(article=article, start=11, end=29)
    ClaimFactory(article=article, start=42, end=71)
    revise_article(article, body=NEW)
    claim.refresh_from_db()
    return claim


def resolve_url(claim) -> str:
    return reverse("claims:claim_resolve", args=[claim.article_id, claim.pk])


def test_the_screen_shows_the_earlier_words_in_their_version_and_the_new_text(
    reviewer_client, flagged, django_assert_max_num_queries
):
    with django_assert_max_num_queries(RESOLVE_QUERIES):
        response = reviewer_client.get(resolve_url(flagged))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Its words in version 1" in html
    assert "Seoul said </span><mark>one million rounds</mark>" in html
    assert f'id="article-body"><span class="text-window" data-utf16-start="0">{NEW}' in html
    assert 'value="reanchor"' in html
    assert 'value="dismiss"' in html
    assert "Only a published claim is kept" in html  # keep is not offered, and says why


def test_the_screens_queries_do_not_grow_with_the_claims(
    reviewer_client, flagged, django_assert_max_num_queries
):
    for start in range(0, 40, 4):
        ClaimFactory(article=flagged.article, start=start, end=start + 3)
    with django_assert_max_num_queries(RESOLVE_QUERIES):
        reviewer_client.get(resolve_url(flagged))


def test_reanchoring_from_the_screen_goes_back_to_the_claim(reviewer_client, flagged):
    start = NEW.index(WORDS)
    response = reviewer_client.post(
        resolve_url(flagged),
        {
            "action": "reanchor",
            "version": flagged.version,
            "quote": WORDS,
            "start": utf16(NEW, start),
            "end": utf16(NEW, start + len(WORDS)),
        },
    )
    assert response.status_code == 302
    assert response.url == flagged.get_absolute_url()
    claim = Claim.objects.get(pk=flagged.pk)
    assert claim.quote == WORDS
    assert not claim.is_flagged
    page = reviewer_client.get(response.url)
    assert "The claim is anchored in the new text." in page.content.decode()


def test_a_bad_span_is_shown_on_the_screen_and_changes_nothing(reviewer_client, flagged):
    response = reviewer_client.post(
        resolve_url(flagged),
        {"action": "reanchor", "version": flagged.version, "quote": WORDS, "start": 0, "end": 3},
    )
    assert response.status_code == 422
    assert "not at that place" in response.content.decode()
    assert Claim.objects.get(pk=flagged.pk).is_flagged


def test_a_refused_way_answers_403_with_the_reason(reviewer_client, flagged):
    response = reviewer_client.post(
        resolve_url(flagged), {"action": "keep", "version": flagged.version}
    )
    assert response.status_code == 403
    assert "Only a published claim is kept" in response.content.decode()
    assert Claim.objects.get(pk=flagged.pk).is_flagged


def test_a_published_claim_is_kept_from_the_screen(reviewer_client, flagged):
    Claim.objects.filter(pk=flagged.pk).update(status=ClaimStatus.PUBLISHED)
    response = reviewer_client.post(
        resolve_url(flagged), {"action": "keep", "version": flagged.version}
    )
    assert response.status_code == 302
    claim = Claim.objects.get(pk=flagged.pk)
    assert claim.kept_on_version
    panel = reviewer_client.get(response.url).content.decode()
    assert "Kept on the version it was found in" in panel


def test_dismissing_from_the_screen_needs_a_reason(reviewer_client, flagged):
    url = resolve_url(flagged)
    missing = reviewer_client.post(url, {"action": "dismiss", "version": flagged.version})
    assert missing.status_code == 422
    done = reviewer_client.post(
        url, {"action": "dismiss", "version": flagged.version, "reason": "gone"}
    )
    assert done.status_code == 302
    assert Claim.objects.get(pk=flagged.pk).status == ClaimStatus.DISMISSED


def test_a_stale_form_shows_the_claim_as_it_is_now(reviewer_client, flagged):
    """Someone changed the claim since the screen was loaded: 409, nothing saved, and the
    forms carry its current version."""
    Claim.objects.filter(pk=flagged.pk).update(status=ClaimStatus.PUBLISHED)
    response = reviewer_client.post(
        resolve_url(flagged), {"action": "keep", "version": flagged.version - 1}
    )
    assert response.status_code == 409
    assert "Someone changed this claim meanwhile" in response.content.decode()
    assert response.context["forms"]["keep"]["version"].value() == flagged.version
    assert not Claim.objects.get(pk=flagged.pk).kept_on_version


def test_an_unknown_way_is_a_bad_request(reviewer_client, flagged):
    response = reviewer_client.post(resolve_url(flagged), {"action": "guess"})
    assert response.status_code == 400


def test_only_the_desk_reaches_the_screen(client, flagged):
    """Anonymous: to the login page; a user without a desk role: 403, for GET and POST."""
    url = resolve_url(flagged)
    assert client.get(url).status_code == 302
    assert client.post(url, {"action": "keep"}).status_code == 302
    client.force_login(UserFactory(username="reader"))
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "dismiss", "reason": "x"}).status_code == 403
    assert Claim.objects.get(pk=flagged.pk).is_flagged


def test_a_claim_of_another_article_is_404(reviewer_client, flagged):
    other = ArticleFactory()
    url = reverse("claims:claim_resolve", args=[other.pk, flagged.pk])
    assert reviewer_client.get(url).status_code == 404


def test_the_screen_is_reached_from_the_panel_the_claim_list_and_the_versions(
    reviewer_client, flagged
):
    url = resolve_url(flagged)
    panel = reviewer_client.get(flagged.get_absolute_url()).content.decode()
    assert f'href="{url}">Flagged: its words changed' in panel
    workspace = reviewer_client.get(flagged.article.get_absolute_url()).content.decode()
    assert f'class="badge warn flag-link" href="{url}"' in workspace
    versions = reverse("claims:article_versions", args=[flagged.article_id])
    assert url in reviewer_client.get(versions).content.decode()


# Checking an article's page now ---------------------------------------------------------


@pytest.fixture
def imported(db):

    page = ArchivedPage.objects.create(
        url="https://news.example/story",
        warc="x.warc",
        sha256="0" * 64,
        size=1,
        captured_at="2026-01-01T00:00:00Z",
    )
    return ArticleFactory(url="https://news.example/story", body=TEXT, archived_page=page)


def test_the_article_page_says_when_its_page_was_last_checked(reviewer_client, imported):
    html = reviewer_client.get(imported.get_absolute_url()).content.decode()
    assert "Page not checked for changes yet" in html
    assert "Check for a new version now" in html
    refetch._recorded(imported.pk, refetch.Check("failed", "The site answered 404 Not Found."))
    html = reviewer_client.get(imported.get_absolute_url()).content.decode()
    assert "Page last checked for changes" in html
    assert "The site answered 404 Not Found." in html


def test_a_pasted_article_offers_no_check(reviewer_client):
    article = ArticleFactory(url="https://news.example/pasted")
    html = reviewer_client.get(article.get_absolute_url()).content.decode()
    assert "Check for a new version now" not in html


def test_check_now_queues_a_check_once(
    reviewer_client, imported, django_capture_on_commit_callbacks
):
    default_task_backend.clear()
    url = reverse("claims:article_check", args=[imported.pk])
    with django_capture_on_commit_callbacks(execute=True):
        first = reviewer_client.post(url)
        second = reviewer_client.post(url, follow=True)
    assert first.url == imported.get_absolute_url()
    assert "already under way" in second.content.decode()
    assert "a check is under way" in second.content.decode()
    assert [r.args for r in default_task_backend.results] == [[imported.pk]]


def test_check_now_is_for_reviewers_and_editors(client, imported):
    url = reverse("claims:article_check", args=[imported.pk])
    assert client.post(url).status_code == 302  # to the login page
    client.force_login(UserFactory(username="reader"))
    assert client.post(url).status_code == 403
    assert client.get(url).status_code == 405
