import pytest
from django.urls import reverse

from claims import windows
from claims.models import Article, Claim, ClaimStatus
from claims.windows import LIST_WINDOW_CLAIMS
from tests.factories import ArticleFactory, ClaimFactory, article_with_claims

pytestmark = pytest.mark.django_db

# Session + user, then the page's own queries.
ARTICLE_LIST_QUERIES = 5
ARTICLE_DETAIL_QUERIES = 7
# The claim's URL: the workspace with the panel open (it was 18), or the panel alone for
# htmx (it was 16): history and "checked before" now load when opened.
CLAIM_DETAIL_QUERIES = 10  # the panel (7), the workspace (totals, windows)
CLAIM_PANEL_QUERIES = 7


@pytest.mark.parametrize(
    "name_args",
    [
        ("claims:article_list", []),
        ("claims:article_create", []),
        ("claims:article_detail", [1]),
        ("claims:claim_detail", [1, 1]),
    ],
)
def test_desk_pages_need_login(client, name_args):
    """Anonymous visitors are sent to log in."""
    name, args = name_args
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_login_page_renders(client):
    """The login page has a labelled form."""
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'for="id_username"' in response.content


def test_login_and_logout(client, reviewer):
    """A reviewer logs in with a password, lands on the articles and logs out with a POST."""
    response = client.post(
        reverse("login"), {"username": "rita", "password": "a-long-test-password"}
    )
    assert response.status_code == 302
    assert response.url == reverse("claims:article_list")
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("claims:article_list")).status_code == 302


@pytest.mark.parametrize("count", [1, 40])
def test_article_list_counts_claims_by_status(
    reviewer_client, django_assert_max_num_queries, count
):
    """The list shows each article with its claims counted by status, in constant queries."""
    for _ in range(count):
        article = ArticleFactory()
        ClaimFactory(article=article, start=0, end=7, status=ClaimStatus.ACCEPTED)
        ClaimFactory(
            article=article, start=8, end=12, status=ClaimStatus.DISMISSED, dismissal_reason="x"
        )
    with django_assert_max_num_queries(ARTICLE_LIST_QUERIES):
        response = reviewer_client.get(reverse("claims:article_list"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == count
    counts = {value: n for _, value, n in rows[0]["counts"]}
    assert counts[ClaimStatus.ACCEPTED] == 1
    assert counts[ClaimStatus.DISMISSED] == 1
    assert counts[ClaimStatus.PUBLISHED] == 0


def test_empty_article_list_invites_an_import(reviewer_client):
    """With no articles the list says so and links to the import form."""
    response = reviewer_client.get(reverse("claims:article_list"))
    assert b"No articles yet" in response.content


@pytest.mark.parametrize("count", [5, 500])
def test_article_page_lists_claims_in_constant_queries(
    reviewer_client, django_assert_max_num_queries, count
):
    """The article page lists the first window of claims and marks the spans in its first
    window of text, whatever the number of claims (tests/views/test_workspace_windows.py)."""
    article = article_with_claims(count)
    with django_assert_max_num_queries(ARTICLE_DETAIL_QUERIES):
        response = reviewer_client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="claim-row') == min(count, LIST_WINDOW_CLAIMS)
    _, end = windows.text_bounds(article.body, 0)
    in_first_window = Claim.objects.filter(article=article, start__lt=end).count()
    assert html.count('class="mark ') == in_first_window


def test_article_page_marks_each_claim_span(reviewer_client):
    """The article text marks exactly each claim's words, linked to the claim."""
    article = ArticleFactory(body="Intro. Seoul said 1 million shells were sent. Outro.")
    claim = ClaimFactory(article=article, start=7, end=45)
    response = reviewer_client.get(article.get_absolute_url())
    html = response.content.decode()
    assert f'href="{claim.get_absolute_url()}"' in html
    assert f'id="mark-{claim.pk}"' in html
    assert ">Seoul said 1 million shells were sent.</a>" in html


def test_article_page_shows_the_seed_claims(reviewer_client):
    """On the seed article the key claims are listed with their claimant."""
    from claims.demo import load_seed_article

    article = load_seed_article().article
    html = reviewer_client.get(article.get_absolute_url()).content.decode()
    assert "Washington and Seoul" in html
    assert "one million artillery rounds" in html
    assert "anti-tank rocket launchers" in html


def test_unknown_article_is_404(reviewer_client):
    """An unknown article id is a 404, not an error."""
    assert reviewer_client.get(reverse("claims:article_detail", args=[999])).status_code == 404


def test_claim_page_is_full_page_without_htmx(reviewer_client, django_assert_max_num_queries):
    """Loading a claim's URL directly gives the whole workspace with the panel open."""
    claim = ClaimFactory()
    with django_assert_max_num_queries(CLAIM_DETAIL_QUERIES):
        response = reviewer_client.get(claim.get_absolute_url())
    html = response.content.decode()
    assert "<html" in html
    assert 'class="claim-panel"' in html
    assert 'id="claim-list"' in html
    assert response["Vary"].count("HX-Request") == 1


def test_claim_panel_is_a_fragment_for_htmx(reviewer_client, django_assert_max_num_queries):
    """An htmx request for a claim gets only the claim panel."""
    claim = ClaimFactory(claimant="Blinken")
    with django_assert_max_num_queries(CLAIM_PANEL_QUERIES):
        response = reviewer_client.get(claim.get_absolute_url(), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert html.strip().startswith('<section class="claim-panel"')
    assert "Blinken" in html


def test_claim_of_another_article_is_404(reviewer_client):
    """A claim looked up under the wrong article is not found."""
    claim = ClaimFactory()
    other = ArticleFactory()
    response = reviewer_client.get(reverse("claims:claim_detail", args=[other.pk, claim.pk]))
    assert response.status_code == 404


def test_user_text_renders_inert(reviewer_client):
    """Markup in an article or a claim is shown as text, never run."""
    article = ArticleFactory(body='<script>alert(1)</script> <a hx-get="/x">x</a> said 5.')
    ClaimFactory(article=article, start=0, end=25, statement="<script>alert(2)</script>")
    html = reviewer_client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)" in html
    assert 'hx-get="/x"' not in html


def test_import_form_imports_and_redirects(reviewer_client, reviewer):
    """Posting the form imports the article and redirects to its page."""
    response = reviewer_client.post(
        reverse("claims:article_create"),
        {
            "title": "Shells",
            "url": "https://example.com/a",
            "body": "Seoul said North Korea sent 1 million shells in 2023.",
            "published_on": "2023-11-09",
        },
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response.url == article.get_absolute_url()
    assert article.created_by == reviewer
    assert article.claims.exists()


def test_import_form_accepts_a_text_file(reviewer_client):
    """A UTF-8 text file can be uploaded instead of pasting."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("a.txt", b"Seoul said 12 shells fell.", "text/plain")
    response = reviewer_client.post(
        reverse("claims:article_create"), {"title": "File", "upload": upload}
    )
    assert response.status_code == 302
    assert Article.objects.get().body == "Seoul said 12 shells fell."


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "T", "body": "   "}, "body", "empty"),
        ({"title": "", "body": "Seoul said 5."}, "title", "required"),
        ({"title": "T", "body": "Seoul said 5.", "url": "javascript:alert(1)"}, "url", "Only http"),
        ({"title": "T", "body": "x\x00y"}, "body", "Null characters"),
    ],
)
def test_import_form_errors_keep_the_input(reviewer_client, data, field, message):
    """Bad input re-renders the form with the message by the field and the user's text kept."""
    response = reviewer_client.post(reverse("claims:article_create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(message in error for error in errors)
    if data["body"].strip():
        assert data["body"].replace("\x00", "") in response.content.decode().replace("\x00", "")
    assert Article.objects.count() == 0


def test_import_form_refuses_oversized_paste(reviewer_client, settings):
    """A paste over the size limit gets a clear message and nothing is written."""
    settings.ARTICLE_MAX_CHARS = 50
    response = reviewer_client.post(
        reverse("claims:article_create"), {"title": "T", "body": "Seoul said 5 things. " * 10}
    )
    assert "limit is 50 characters" in response.content.decode()
    assert Article.objects.count() == 0


def test_reimporting_redirects_to_the_existing_article(reviewer_client):
    """Importing a text that is already there leads to the existing article."""
    article = ArticleFactory(body="Seoul said 5 shells.")
    response = reviewer_client.post(
        reverse("claims:article_create"), {"title": "Again", "body": "Seoul said 5 shells."}
    )
    assert response.url == article.get_absolute_url()
    assert Article.objects.count() == 1


def test_a_huge_paste_gets_a_clear_message(reviewer_client, settings):
    """A request body over the upload limit is refused with a readable page; nothing saved."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = reviewer_client.post(
        reverse("claims:article_create"), {"title": "Huge", "body": "Seoul said 5. " * 500}
    )
    assert response.status_code == 400
    assert "too large or malformed" in response.content.decode()
    assert Article.objects.count() == 0


def test_permission_refusals_are_fragments_for_htmx(client, article):
    """A refused htmx action gets a short message for the panel, not a whole page."""
    from tests.factories import UserFactory

    claim = ClaimFactory(article=article)
    client.force_login(UserFactory())
    response = client.post(
        reverse("claims:claim_edit", args=[article.pk, claim.pk]),
        {"statement": "S", "kind": "other", "version": 1},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert "<html" not in html
    assert "You may not change this claim." in html
