"""An article's versions page and bringing in a new version: pasted (previewed, then saved)
or fetched again from the article's URL through the import's preview; reviewers only."""

import pytest
from django.urls import reverse

from claims.models import ArchivedPage, ArticleVersion
from claims.revisions import revise_article
from tests.factories import ArticleFactory, ClaimFactory, UserFactory
from tests.sources.test_extraction import FIXTURE_TRUTH
from tests.views.test_article_import import server, site  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

FIRST = "Seoul said one million rounds went north.\nPark said it was far too low.\nEnd."
# Session, user, permissions (2), the article, its versions, the orphaned claims, "My work".
VERSIONS_QUERIES = 6


@pytest.fixture
def article():
    article = ArticleFactory(body=FIRST)
    ClaimFactory(article=article, start=11, end=29)  # "one million rounds"
    ClaimFactory(article=article, start=42, end=71)  # "Park said it was far too low."
    return article


def revise_url(article):
    return reverse("claims:article_revise", args=[article.pk])


def test_a_pasted_text_is_previewed_before_anything_is_saved(reviewer_client, article):
    """Preview shows the word changes and which claims would be flagged; writes nothing."""
    new = FIRST.replace("one million", "half a million")
    response = reviewer_client.post(revise_url(article), {"body": new, "action": "preview"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<del>one</del><ins>half a</ins>" in html
    assert "Words changed: would be flagged for review" in html
    assert "unchanged" in html
    assert ArticleVersion.objects.filter(article=article).count() == 1
    article.refresh_from_db()
    assert article.body == FIRST


def test_saving_a_pasted_text_makes_the_next_version(reviewer_client, reviewer, article):
    """Saving re-anchors the claims, keeps the version and says how many were flagged."""
    new = "Update: corrected.\n" + FIRST.replace("one million", "half a million")
    response = reviewer_client.post(revise_url(article), {"body": new, "action": "save"})
    assert response.status_code == 302
    assert response.url == reverse("claims:article_versions", args=[article.pk])
    version = article.versions.get(number=2)
    assert (version.body, version.created_by, version.archived_page) == (new, reviewer, None)
    article.refresh_from_db()
    assert article.body == new
    assert [c.is_orphaned for c in article.claims.order_by("pk")] == [True, False]
    page = reviewer_client.get(response.url)
    html = page.content.decode()
    assert "1 claim(s) found again, 1 flagged for review" in html
    assert "Words changed: flagged for review" in html
    assert "Claims to look at" in html
    assert "<ins>Update: corrected.</ins>" in html


def test_a_refused_text_is_explained_and_changes_nothing(reviewer_client, article):
    """The current text again is refused with a message on the field."""
    response = reviewer_client.post(revise_url(article), {"body": FIRST, "action": "save"})
    assert response.status_code == 200
    assert "nothing changed" in response.content.decode()
    assert article.versions.count() == 1


def test_the_articles_url_is_fetched_again_and_its_text_corrected_before_saving(
    reviewer_client,
    site,  # noqa: F811
):
    """Fetching again keeps the page, shows the text read from it, and saving makes a
    version that points at the page the desk kept."""
    seoul = FIXTURE_TRUTH["seoul-visit"]["articleBody"]
    words = "one million artillery rounds"
    article = ArticleFactory(url=f"{site}/seoul", body="An earlier text: " + words + ".")
    claim = ClaimFactory(article=article, start=17, end=17 + len(words))
    response = reviewer_client.post(reverse("claims:article_refetch", args=[article.pk]))
    archived = ArchivedPage.objects.get()
    assert response.url == reverse("claims:article_revise_page", args=[article.pk, archived.pk])
    page = reviewer_client.get(response.url)
    assert page.context["form"]["body"].value() == seoul
    saved = reviewer_client.post(response.url, {"body": seoul, "action": "save"})
    assert saved.status_code == 302
    version = article.versions.get(number=2)
    assert version.archived_page == archived
    claim.refresh_from_db()
    assert seoul[claim.start : claim.end] == words
    assert not claim.is_orphaned


def test_an_article_without_url_cannot_be_fetched_again(reviewer_client, article):
    response = reviewer_client.post(reverse("claims:article_refetch", args=[article.pk]))
    assert response.url == revise_url(article)
    assert ArchivedPage.objects.count() == 0


@pytest.mark.parametrize("method", ["get", "post"])
def test_only_reviewers_bring_in_a_new_version(client, article, method):
    """A signed-in user without a desk role gets 403; nobody else gets the form."""
    client.force_login(UserFactory(username="visitor"))
    for url in (revise_url(article), reverse("claims:article_refetch", args=[article.pk])):
        response = getattr(client, method)(url, {"body": "Other.", "action": "save"})
        assert response.status_code in (403, 405)
    assert client.get(reverse("claims:article_versions", args=[article.pk])).status_code == 403
    client.logout()
    assert client.post(revise_url(article), {"body": "Other.", "action": "save"}).status_code == 302
    assert article.versions.count() == 1


def test_editors_may_bring_in_a_new_version(editor_client, article):
    response = editor_client.post(revise_url(article), {"body": "New text.", "action": "save"})
    assert response.status_code == 302
    assert article.versions.count() == 2


def test_another_reviewers_fetched_page_is_not_offered(client, reviewer_client, article):
    """A page fetched by someone else cannot be read into this reviewer's new version."""
    page = ArchivedPage.objects.create(
        url="https://x.example/", sha256="0" * 64, size=0, captured_at="2026-01-01T00:00Z"
    )
    url = reverse("claims:article_revise_page", args=[article.pk, page.pk])
    assert reviewer_client.get(url).status_code == 404


@pytest.mark.parametrize("count", [2, 12])
def test_the_versions_page_runs_constant_queries(
    reviewer_client, article, django_assert_max_num_queries, count
):
    """However many versions and claims, the versions page runs the same queries."""
    for n in range(count):
        ClaimFactory(article=article, start=0, end=5 + n)
        article.refresh_from_db()
        revise_article(article, body=FIRST + f"\nRevision {n}.")
    url = reverse("claims:article_versions", args=[article.pk])
    with django_assert_max_num_queries(VERSIONS_QUERIES):
        response = reviewer_client.get(url)
    assert response.status_code == 200
    assert len(response.context["versions"]) == count + 1


def test_an_earlier_version_can_be_shown_and_an_unknown_one_is_404(reviewer_client, article):
    revise_article(article, body=FIRST + "\nTwo.")
    url = reverse("claims:article_versions", args=[article.pk])
    assert reviewer_client.get(url, {"version": 1}).context["shown"].number == 1
    assert reviewer_client.get(url, {"version": 9}).status_code == 404
    assert reviewer_client.get(url, {"version": "x"}).status_code == 404
