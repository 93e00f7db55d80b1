import datetime

import pytest
from django.core.management import CommandError, call_command

from claims import demo
from claims.importing import ArticleRejected, import_article
from claims.models import Article, Claim, ClaimOrigin, ClaimStatus
from tests.factories import PublisherDomainFactory

pytestmark = pytest.mark.django_db

SEED = demo.SEED_ARTICLE.read_text(encoding="utf-8")


def seed_claims():
    result = import_article(body=SEED, title="Blinken in Seoul")
    return result, list(result.article.claims.all())


def claim_mentioning(claims, *words):
    matches = [c for c in claims if all(w.lower() in c.quote.lower() for w in words)]
    assert matches, f"no claim quotes {words}"
    return matches[0]


def test_seed_article_lists_both_key_claims_separately():
    """The one-million-rounds claim and the Hamas launchers claim are separate claims."""
    _, claims = seed_claims()
    rounds = claim_mentioning(claims, "one million artillery rounds")
    launchers = claim_mentioning(claims, "anti-tank rocket launchers")
    assert rounds.pk != launchers.pk
    assert "Hamas" not in rounds.quote
    assert "million" not in launchers.quote


def test_seed_claims_keep_their_claimants():
    """The rounds claim is made by Washington and Seoul."""
    _, claims = seed_claims()
    rounds = claim_mentioning(claims, "one million artillery rounds")
    assert rounds.claimant == "Washington and Seoul"
    assert rounds.status == ClaimStatus.ACCEPTED
    assert rounds.kind == "statistic"


def test_seed_claim_spans_point_at_the_right_words():
    """Every claim's offsets cover exactly its quote in the stored body."""
    result, claims = seed_claims()
    body = result.article.body
    assert claims
    for claim in claims:
        assert body[claim.start : claim.end] == claim.quote
        assert body[max(0, claim.start - 32) : claim.start] == claim.prefix
        assert body[claim.end : claim.end + 32] == claim.suffix
        assert claim.anchor_hash == result.article.body_hash
        assert claim.origin == ClaimOrigin.DETECTED


def test_calls_to_action_are_not_accepted_automatically():
    """'The North must be punished proportionately' is proposed at most, never accepted."""
    _, claims = seed_claims()
    for claim in claims:
        if "punished" in claim.quote:
            assert claim.status == ClaimStatus.DETECTED
            assert claim.score < 0.5


def test_importing_the_same_text_twice_duplicates_nothing():
    """A second import of the same text returns the first article and adds nothing."""
    first, _ = seed_claims()
    claim_count = Claim.objects.count()
    again = import_article(body=SEED + "\n", title="Another title")
    assert not again.created
    assert again.article == first.article
    assert Article.objects.count() == 1
    assert Claim.objects.count() == claim_count


def test_metadata_is_kept_and_publisher_found_from_the_url():
    """Title, URL (canonical), author and date are stored; the publisher comes from the URL."""
    domain = PublisherDomainFactory(domain="koreaherald.com")
    result = import_article(
        body="Seoul said 1,000 shells were sent in 2023.",
        title="  Shells  ",
        url="https://www.KoreaHerald.com/view.php?ud=1&utm_source=x",
        author="Staff",
        published_on=datetime.date(2023, 11, 9),
    )
    article = result.article
    assert article.title == "Shells"
    assert article.url == "https://www.koreaherald.com/view.php?ud=1"
    assert article.publisher == domain.publisher
    assert article.published_on == datetime.date(2023, 11, 9)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "empty"),
        ("   \n\t  \n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not UTF-8|binary"),
        ("Text with a NUL \x00 byte.", "binary"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
    ],
)
def test_bad_text_is_refused_and_nothing_written(body, message):
    """Empty, blank or binary input gets a clear message and writes nothing."""
    with pytest.raises(ArticleRejected, match=message):
        import_article(body=body, title="Bad")
    assert Article.objects.count() == 0
    assert Claim.objects.count() == 0


def test_text_over_the_size_limit_is_refused(settings):
    """A text over the limit is refused with the limit in the message."""
    settings.ARTICLE_MAX_CHARS = 100
    with pytest.raises(ArticleRejected, match="limit is 100 characters"):
        import_article(body="Seoul said so. " * 10, title="Long")
    assert Article.objects.count() == 0


def test_missing_title_and_unsafe_url_are_refused():
    """A missing title or a javascript: URL is refused."""
    with pytest.raises(ArticleRejected, match="title"):
        import_article(body="Seoul said 5 shells.", title=" ")
    with pytest.raises(ArticleRejected, match="Only http"):
        import_article(body="Seoul said 5 shells.", title="T", url="javascript:alert(1)")
    assert Article.objects.count() == 0


def test_awkward_text_keeps_exact_offsets():
    """Quotes, abbreviations, decimals and unicode keep spans on the exact words."""
    body = (
        "“We sent 3.5 million shells,” said Gen. Kim Jong-un’s aide on Jan. 5. "
        "The U.S. Dept. of State said 🎉 Café Ünïcode rose 12% in 2023. "
        "Windows line ends\r\nare normalised."
    )
    result = import_article(body=body, title="Awkward")
    stored = result.article.body
    assert "\r" not in stored
    claims = list(result.article.claims.all())
    assert claims
    for claim in claims:
        assert stored[claim.start : claim.end] == claim.quote


def test_import_article_command(tmp_path):
    """The management command imports a file with its metadata."""
    path = tmp_path / "article.txt"
    path.write_text(SEED, encoding="utf-8")
    call_command(
        "import_article",
        str(path),
        "--title",
        "Blinken in Seoul",
        "--url",
        "https://example.com/blinken",
        "--published",
        "2023-11-09",
    )
    article = Article.objects.get()
    assert article.published_on == datetime.date(2023, 11, 9)
    assert article.claims.count() > 3


def test_import_article_command_reports_bad_input(tmp_path):
    """The command turns bad input into a clear error and writes nothing."""
    path = tmp_path / "empty.txt"
    path.write_text("  ", encoding="utf-8")
    with pytest.raises(CommandError, match="empty"):
        call_command("import_article", str(path), "--title", "T")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("import_article", str(path), "--title", "T", "--published", "9/11/23")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_article", str(tmp_path / "missing.txt"), "--title", "T")
    assert Article.objects.count() == 0


def test_demo_loads_once():
    """Loading the demo twice gives one article, the library and three accounts."""
    call_command("load_demo")
    call_command("load_demo")
    call_command("load_demo", "--if-empty")
    from django.contrib.auth import get_user_model

    from claims.models import Publisher, Source

    assert Article.objects.count() == 1
    assert Source.objects.count() == len(demo.SOURCES)
    assert Publisher.objects.count() == len(demo.PUBLISHERS)
    assert set(get_user_model().objects.values_list("username", flat=True)) == {
        "reviewer",
        "editor",
        "admin",
    }
    assert all(source.publisher for source in Source.objects.all())
