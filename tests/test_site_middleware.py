"""Reads run again when a database restart cut the connection; writes and other database
errors never do. (The real restart under load is in tests/faults/.)"""

import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.module_loading import import_string

from factcheck import middleware
from factcheck.middleware import RetryReadsOnDatabaseRestart, connection_lost


class FailingView:
    """A view that fails with a database error its first `failures` calls."""

    def __init__(self, failures: int):
        self.failures = failures
        self.calls = 0

    def __call__(self, request):
        self.calls += 1
        if self.calls <= self.failures:
            raise OperationalError("terminating connection due to administrator command")
        return HttpResponse("read")


@pytest.fixture
def waits(monkeypatch):
    """The waits between runs, recorded instead of slept."""
    recorded = []
    monkeypatch.setattr(middleware.time, "sleep", recorded.append)
    return recorded


@pytest.fixture
def restart(monkeypatch):
    """The database connection counts as lost (as after a restart)."""
    monkeypatch.setattr(middleware, "connection_lost", lambda: True)


def run(method: str, view) -> HttpResponse:
    request = RequestFactory().generic(method, "/articles/1/")
    retry = RetryReadsOnDatabaseRestart(lambda request: HttpResponse("not reached"))
    return retry.process_view(request, view, (), {})


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_read_runs_again_once_the_database_is_back(restart, waits, method):
    """A read cut by a restart waits, longer each time, and answers when a run succeeds."""
    view = FailingView(failures=3)
    assert run(method, view).content == b"read"
    assert view.calls == 4
    assert waits == [0.1, 0.2, 0.4]


def test_a_read_gives_up_after_a_few_seconds(restart, waits):
    """A database that stays away gives the usual error after about RETRY_FOR_SECONDS."""
    view = FailingView(failures=1000)
    with pytest.raises(OperationalError):
        run("GET", view)
    assert waits == [0.1, 0.2, 0.4, 0.8, 1.0, 1.0, 1.0]
    assert view.calls == 8


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_write_is_never_run_twice(restart, waits, method):
    """A failed write gives its error at once: it may have been applied."""
    view = FailingView(failures=1)
    assert run(method, view) is None  # Django calls the view itself, once
    assert view.calls == 0


@pytest.mark.django_db
def test_an_error_on_a_working_connection_is_not_retried(waits):
    """A statement timeout or a lock leaves the connection working: no second run."""
    view = FailingView(failures=1)
    with pytest.raises(OperationalError):
        run("GET", view)
    assert view.calls == 1
    assert waits == []


@pytest.mark.django_db
def test_a_working_connection_is_not_lost():
    """The real check: the test database's connection answers."""
    assert connection_lost() is False


def test_every_other_process_view_runs_before_the_view_does(settings):
    """The middleware calls the view from process_view: none after it may have one."""
    names = settings.MIDDLEWARE
    after = names[names.index("factcheck.middleware.RetryReadsOnDatabaseRestart") + 1 :]
    assert not [name for name in after if hasattr(import_string(name), "process_view")]
