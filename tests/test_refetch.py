"""The scheduled check of articles imported by URL for a new version: which articles are
due, each queued once however many look, and what a check does with the page it fetches
(pages served by a local server on 127.0.0.1)."""

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.tasks import TaskResultStatus, default_task_backend
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from claims import refetch
from claims.models import ArchivedPage, Article, ArticleVersion, Claim
from claims.page_import import fetch_article_page
from claims.permissions import NotAllowed
from tests.factories import ArticleFactory, ClaimFactory, UserFactory
from tests.sources.test_worker import make_worker
from tests.views.test_article_import import Handler, server, site  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

ROUNDS = "Seoul said one million artillery rounds went north to Russia this autumn, officials "
PARAGRAPHS = [
    ROUNDS + "in the capital told reporters on Thursday.",
    "Park Jin said it was far too low an estimate, and that the true figure could be double "
    "that according to the ministry.",
    "The talks will continue next week in Washington, where both delegations are expected to "
    "meet again for a second round.",
]
TEXT = "\n\n".join(PARAGRAPHS)


def html(paragraphs: list[str], *, note: str = "") -> bytes:
    """An article page; `note` changes its bytes but not the article's text."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<!doctype html><html><head><title>Rounds went north</title></head><body>"
        f"<!-- {note} --><article><h1>Rounds went north</h1>{body}</article></body></html>"
    ).encode()


@pytest.fixture(autouse=True)
def empty_queue():
    default_task_backend.clear()


@pytest.fixture
def page(site, monkeypatch):  # noqa: F811
    """The article's page on the local server; set page["html"] to change it."""
    served = {"html": html(PARAGRAPHS)}
    monkeypatch.setitem(Handler.routes, "/story", lambda h: h.send(served["html"]))
    served["url"] = f"{site}/story"
    return served


@pytest.fixture
def imported(page):
    """An article imported from the page, with a claim on "one million artillery rounds"
    and one on Park's paragraph; imported two days ago."""
    archived = fetch_article_page(page["url"])
    article = ArticleFactory(url=page["url"], body=TEXT, archived_page=archived)
    start = TEXT.index("one million")
    ClaimFactory(article=article, start=start, end=start + len("one million artillery rounds"))
    park = TEXT.index("Park Jin")
    ClaimFactory(article=article, start=park, end=TEXT.index(".", park) + 1)
    two_days_ago = timezone.now() - timedelta(days=2)
    Article.objects.filter(pk=article.pk).update(created_at=two_days_ago)
    article.refresh_from_db()
    return article


def queued_checks() -> list[int]:
    return [r.args[0] for r in default_task_backend.results if r.task == refetch.check_article]


def queue(django_capture_on_commit_callbacks, **kwargs) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return refetch.queue_due_checks(**kwargs)


# Which articles are due, queued once -----------------------------------------------------


def test_a_due_article_is_queued_once_however_often_the_desk_looks(
    imported, django_capture_on_commit_callbacks
):
    """Two looks in a row (two workers) queue one check; the stamp says when."""
    assert queue(django_capture_on_commit_callbacks) == 1
    assert queue(django_capture_on_commit_callbacks) == 0
    assert queued_checks() == [imported.pk]
    imported.refresh_from_db()
    assert imported.check_queued_at is not None


def test_a_caller_that_read_the_row_before_another_stamped_it_queues_nothing(imported):
    """The stamp is a conditional update on the value read: of two callers that read the
    article due with no stamp, the second to write loses."""
    now = timezone.now()
    assert refetch.stamp_queued(imported.pk, seen=None, now=now)
    assert not refetch.stamp_queued(imported.pk, seen=None, now=now + timedelta(seconds=1))
    assert refetch.claim_due_checks(now=now) == []
    imported.refresh_from_db()
    assert imported.check_queued_at == now


def test_the_next_check_is_due_a_period_after_the_last_was_queued(
    imported, settings, django_capture_on_commit_callbacks
):
    settings.ARTICLE_REFETCH_HOURS = 24
    queue(django_capture_on_commit_callbacks)
    soon = timezone.now() + timedelta(hours=23)
    assert queue(django_capture_on_commit_callbacks, now=soon) == 0
    tomorrow = timezone.now() + timedelta(hours=25)
    assert queue(django_capture_on_commit_callbacks, now=tomorrow) == 1
    assert queued_checks() == [imported.pk, imported.pk]


def test_articles_not_due_or_not_imported_by_url_are_not_queued(
    imported, page, django_capture_on_commit_callbacks
):
    """Imported within the period; pasted with a URL; uploaded page: none is checked."""
    Article.objects.filter(pk=imported.pk).update(created_at=timezone.now())
    long_ago = timezone.now() - timedelta(days=9)
    pasted = ArticleFactory(url=page["url"])
    uploaded_page = ArchivedPage.objects.create(
        url="", warc="x.warc", sha256="0" * 64, size=1, captured_at=long_ago
    )
    uploaded = ArticleFactory(url=page["url"], archived_page=uploaded_page)
    Article.objects.filter(pk__in=[pasted.pk, uploaded.pk]).update(created_at=long_ago)
    assert queue(django_capture_on_commit_callbacks) == 0
    assert queued_checks() == []


def test_a_period_of_zero_turns_the_checks_off(
    imported, settings, django_capture_on_commit_callbacks
):
    settings.ARTICLE_REFETCH_HOURS = 0
    assert queue(django_capture_on_commit_callbacks) == 0
    assert queued_checks() == []


def test_the_command_queues_the_due_checks_or_runs_them(imported, capsys, page):
    """`refetch_articles` queues; with --run it checks in its own process."""
    call_command("refetch_articles", "--run")
    assert "unchanged" in capsys.readouterr().out
    imported.refresh_from_db()
    assert imported.checked_at is not None
    Article.objects.filter(pk=imported.pk).update(
        check_queued_at=timezone.now() - timedelta(days=2)
    )
    call_command("refetch_articles")
    assert "Queued 1 check(s)." in capsys.readouterr().out


# What a check does ---------------------------------------------------------------------


def test_a_changed_page_becomes_the_next_version_with_claims_reanchored(imported, page):
    """A paragraph added above and Park's words changed: the version is kept with the
    page archived, one claim moved, the other flagged; nobody is named, "re-fetched" is."""
    new = ["Update: figures revised.", PARAGRAPHS[0], PARAGRAPHS[1].replace("far", "much")]
    page["html"] = html(new + PARAGRAPHS[2:])
    check = refetch.check_for_new_version(imported.pk)
    assert check.state == "revised"
    version = ArticleVersion.objects.get(article=imported, number=2)
    assert version.refetched
    assert version.created_by is None
    assert version.archived_page.url == page["url"]
    assert version.archived_page != imported.archived_page
    imported.refresh_from_db()
    assert imported.body == version.body
    assert imported.body.startswith("Update: figures revised.")
    assert imported.archived_page == version.archived_page
    assert imported.check_error == ""
    rounds, park = Claim.objects.filter(article=imported).order_by("pk")
    assert imported.body[rounds.start : rounds.end] == "one million artillery rounds"
    assert not rounds.is_orphaned
    assert park.is_flagged
    assert "re-fetched" in rounds.history.first().history_change_reason
    assert "1 claim(s) flagged" in check.message


def test_an_unchanged_page_only_records_the_check(imported, page):
    """The same bytes, or other bytes with the same text: no version, no archive, a time."""
    check = refetch.check_for_new_version(imported.pk)
    assert check.state == "unchanged"
    page["html"] = html(PARAGRAPHS, note="a new advertisement")
    assert refetch.check_for_new_version(imported.pk).state == "unchanged"
    assert ArticleVersion.objects.filter(article=imported).count() == 1
    assert ArchivedPage.objects.count() == 1
    imported.refresh_from_db()
    assert imported.checked_at is not None
    assert imported.check_error == ""


def test_a_page_whose_text_is_the_one_kept_is_unchanged_after_a_hand_correction(imported, page):
    """The reviewer corrected the text at import: the page's text, still the one read from
    the page kept, is no new version (though the page's bytes changed)."""
    Article.objects.filter(pk=imported.pk).update(body=TEXT + "\n\nCorrected by hand.")
    page["html"] = html(PARAGRAPHS, note="a new advertisement")
    assert refetch.check_for_new_version(imported.pk).state == "unchanged"
    assert ArticleVersion.objects.filter(article=imported).count() == 1


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        ("/gone", "404"),  # the page is gone
        ("/menu-only", "No article text"),  # nothing read as an article
        ("/short", "much shorter"),  # an extraction that missed most of it
    ],
)
def test_a_page_gone_empty_or_much_shorter_never_replaces_the_article(
    imported, page, monkeypatch, route, reason
):
    """The failure is recorded on the article, which keeps its text and its version."""
    monkeypatch.setitem(Handler.routes, "/short", lambda h: h.send(html(PARAGRAPHS[:1])))
    Article.objects.filter(pk=imported.pk).update(url=page["url"].replace("/story", route))
    check = refetch.check_for_new_version(imported.pk)
    assert check.state == "failed"
    imported.refresh_from_db()
    assert imported.body == TEXT
    assert reason in imported.check_error
    assert imported.checked_at is not None
    assert ArticleVersion.objects.filter(article=imported).count() == 1
    assert not Claim.objects.filter(article=imported, is_orphaned=True).exists()


def test_the_failure_is_cleared_by_the_next_check_that_works(imported, page):
    Article.objects.filter(pk=imported.pk).update(check_error="The site answered 404.")
    refetch.check_for_new_version(imported.pk)
    imported.refresh_from_db()
    assert imported.check_error == ""


def test_the_shortness_rule():
    """Taken: a text at least half as long; refused: empty, or under half."""
    assert refetch.refusal("x" * 100, "y" * 50) == ""
    assert "much shorter" in refetch.refusal("x" * 100, "y" * 49)
    assert "No article text" in refetch.refusal("x" * 100, "  ")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_queues_due_checks_and_survives_one_that_raises(imported, monkeypatch, settings):
    """The desk worker queues the due check and runs it; a check that raised is recorded
    on its article, and the worker carries on."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }

    def broken(article_id):
        raise RuntimeError("the extraction broke")

    monkeypatch.setattr(refetch, "check_for_new_version", broken)
    worker = make_worker()
    worker.run()
    worker.run()  # a second pass queues nothing more: the check is not due again
    result = DBTaskResult.objects.get(task_path=refetch.check_article.module_path)
    assert result.status == TaskResultStatus.FAILED
    assert result.args_kwargs["args"] == [imported.pk]
    imported.refresh_from_db()
    assert imported.check_error == "The check stopped: the extraction broke"


# "Check for a new version now" -----------------------------------------------------------


def test_a_reviewer_queues_a_check_now_once_while_it_is_pending(
    imported, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert refetch.queue_check(imported, by=reviewer) is True
        assert refetch.queue_check(imported, by=reviewer) is False
    assert queued_checks() == [imported.pk]
    refetch.check_for_new_version(imported.pk)  # the check ran: another may be queued
    with django_capture_on_commit_callbacks(execute=True):
        assert refetch.queue_check(imported, by=reviewer) is True


def test_a_check_stuck_past_the_limit_may_be_queued_again(imported, reviewer, settings):
    settings.FETCH_STUCK_SECONDS = 120
    stuck = timezone.now() - timedelta(minutes=5)
    Article.objects.filter(pk=imported.pk).update(check_queued_at=stuck)
    assert refetch.queue_check(imported, by=reviewer) is True


def test_only_reviewers_and_editors_check_now(imported, editor):
    assert refetch.queue_check(imported, by=editor) is True
    for user in (None, UserFactory(username="reader")):
        with pytest.raises(NotAllowed):
            refetch.queue_check(imported, by=user)


def test_an_article_not_imported_by_url_cannot_be_checked(reviewer):
    with pytest.raises(refetch.CheckRefused, match="not imported from a web page"):
        refetch.queue_check(ArticleFactory(url="https://news.example/a"), by=reviewer)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_looking_at_once_queue_a_due_article_once(imported):
    """Two connections look for due checks at the same moment: one stamps the article
    (the other skips its locked row, or finds it stamped)."""
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent writers need PostgreSQL's row locks.")
    barrier = threading.Barrier(2)
    found: list[list[int]] = []

    def look():
        try:
            barrier.wait(timeout=10)
            found.append(refetch.claim_due_checks())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=look) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(found) == [[], [imported.pk]]
