"""Fetching a source again: never two live fetches of one source, except that a fetch stuck
past FETCH_STUCK_SECONDS may be replaced by a new one, in the domain and from the panel."""

from datetime import timedelta

import pytest
from django.tasks import TaskResultStatus, default_task_backend
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from claims.models import FetchStatus, Source
from claims.sources import tasks
from claims.sources.tasks import FetchSuperseded, fetch_source
from tests.factories import CitationFactory, SourceFactory

pytestmark = pytest.mark.django_db


def pending(*, minutes_ago: float) -> Source:
    """A source whose fetch was queued `minutes_ago`."""
    source = SourceFactory(fetch_status=FetchStatus.PENDING)
    queued = timezone.now() - timedelta(minutes=minutes_ago)
    Source.objects.filter(pk=source.pk).update(updated_at=queued)
    source.refresh_from_db()
    return source


def fetch_row(source: Source, *, status: str, started_minutes_ago: float | None = None):
    """A fetch of the source in the database queue (tests otherwise keep tasks in memory)."""
    started = None
    if started_minutes_ago is not None:
        started = timezone.now() - timedelta(minutes=started_minutes_ago)
    return DBTaskResult.objects.create(
        args_kwargs={"args": [source.pk], "kwargs": {}},
        task_path=fetch_source.module_path,
        backend_name="default",
        run_after=timezone.now(),
        status=status,
        started_at=started,
    )


def queued_fetches(source: Source) -> int:
    return sum(result.args == [source.pk] for result in default_task_backend.results)


@pytest.fixture(autouse=True)
def stuck_after_two_minutes(settings):
    settings.FETCH_STUCK_SECONDS = 120
    default_task_backend.clear()


def test_a_fetch_pending_past_the_limit_is_stuck(django_assert_num_queries):
    """Queued longer than the limit and not started since: stuck. Younger: not. Others never."""
    young, old = pending(minutes_ago=1), pending(minutes_ago=3)
    done = SourceFactory(fetch_status=FetchStatus.FETCHED)
    Source.objects.filter(pk=done.pk).update(updated_at=timezone.now() - timedelta(days=1))
    done.refresh_from_db()
    assert tasks.stuck_fetches([young, old, done]) == {old.pk}
    with django_assert_num_queries(0):
        assert tasks.stuck_fetches([young, done]) == set()


def test_a_fetch_running_since_recently_is_not_stuck():
    """A fetch that waited long but was started within the limit is still going."""
    waited = pending(minutes_ago=5)
    fetch_row(waited, status=TaskResultStatus.RUNNING, started_minutes_ago=1)
    hung = pending(minutes_ago=5)
    fetch_row(hung, status=TaskResultStatus.RUNNING, started_minutes_ago=4)
    assert tasks.stuck_fetches([waited, hung]) == {hung.pk}


def test_fetchable_sources_are_those_not_pending_or_stuck():
    """The panel offers "Fetch again" for these sources and no others."""
    fetched = SourceFactory(fetch_status=FetchStatus.FETCHED)
    never = SourceFactory(fetch_status=FetchStatus.NOT_FETCHED)
    failed = SourceFactory(fetch_status=FetchStatus.FAILED)
    young, old = pending(minutes_ago=1), pending(minutes_ago=3)
    assert tasks.fetchable_sources([fetched, never, failed, young, old]) == {
        fetched.pk,
        never.pk,
        failed.pk,
        old.pk,
    }


def test_a_pending_fetch_is_not_queued_twice(django_capture_on_commit_callbacks):
    """While a fetch is pending and not stuck, fetching again queues nothing."""
    source = pending(minutes_ago=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.queue_refresh(source) is False
    assert queued_fetches(source) == 0


def test_a_stuck_fetch_is_replaced_by_a_new_one(django_capture_on_commit_callbacks):
    """Fetching a stuck source again retires its old fetches and queues one new fetch."""
    source = pending(minutes_ago=5)
    running = fetch_row(source, status=TaskResultStatus.RUNNING, started_minutes_ago=5)
    waiting = fetch_row(source, status=TaskResultStatus.READY)
    other = fetch_row(SourceFactory(), status=TaskResultStatus.READY)

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.queue_refresh(source) is True

    assert queued_fetches(source) == 1
    for row in (running, waiting):
        row.refresh_from_db()
        assert row.status == TaskResultStatus.FAILED
        assert row.task_result.errors[0].exception_class is FetchSuperseded
    other.refresh_from_db()
    assert other.status == TaskResultStatus.READY
    source.refresh_from_db()
    assert source.fetch_status == FetchStatus.PENDING
    assert tasks.stuck_fetches([source]) == set()


def refresh_url(citation) -> str:
    claim = citation.claim
    return reverse("claims:source_refresh", args=[claim.article_id, claim.pk, citation.source_id])


def test_panel_refuses_a_second_fetch_while_one_is_pending(reviewer_client):
    """Fetch again on a source being fetched answers 409 with a message and queues nothing."""
    citation = CitationFactory(source=pending(minutes_ago=1))
    response = reviewer_client.post(refresh_url(citation), HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    html = response.content.decode()
    assert "The page is being fetched already." in html
    assert "<html" not in html
    assert queued_fetches(citation.source) == 0


def test_panel_fetches_a_stuck_source_again(reviewer_client, django_capture_on_commit_callbacks):
    """Fetch again on a stuck source queues a fetch; without htmx it redirects to the claim."""
    citation = CitationFactory(source=pending(minutes_ago=5))
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer_client.post(refresh_url(citation))
    assert response.status_code == 302
    assert response.url == citation.claim.get_absolute_url()
    assert queued_fetches(citation.source) == 1


def test_only_reviewers_fetch_again(client, django_user_model):
    """Someone without the reviewer role cannot queue a fetch."""
    citation = CitationFactory(source=pending(minutes_ago=5))
    client.force_login(django_user_model.objects.create_user("reader", password="x-long-pass-1"))
    assert client.post(refresh_url(citation)).status_code == 403
    assert queued_fetches(citation.source) == 0
