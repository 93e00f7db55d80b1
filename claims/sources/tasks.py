"""Background tasks (Django's tasks API; a database-backed queue run by `desk_worker`)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.tasks import TaskResultStatus, task
from django.tasks.signals import task_finished
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from claims.models import FetchStatus, ImportState, LibraryImport, Source
from claims.sources import library_csv
from claims.sources.library import record_fetch_failure, refresh_source

LIVE = [TaskResultStatus.READY, TaskResultStatus.RUNNING]


class FetchSuperseded(Exception):
    """A reviewer queued a new fetch of the source while this one was stuck."""


@task
def fetch_source(source_id: int) -> str:
    """Fetch a source's page and fill in its metadata; returns what happened."""
    return refresh_source(source_id).message


def live_fetches(source_ids):
    """The queue's fetches of these sources that are waiting or running."""
    return DBTaskResult.objects.filter(
        task_path=fetch_source.module_path,
        status__in=LIVE,
        args_kwargs__args__0__in=list(source_ids),
    )


def retire_fetches(source_id: int) -> int:
    """Mark the source's waiting or running fetches failed, so that only a new one is live
    (a worker that is in fact still running one just records its result)."""
    superseded = f"{FetchSuperseded.__module__}.{FetchSuperseded.__qualname__}"
    return live_fetches([source_id]).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path=superseded,
        traceback=f"{superseded}: {FetchSuperseded.__doc__}\n",
    )


@receiver(task_finished)
def fetch_failed(sender, task_result, **kwargs):
    """A fetch that raised, or whose workers kept dying, leaves its source failed with the
    reason, not pending for ever."""
    if task_result.status != TaskResultStatus.FAILED:
        return
    if task_result.task.module_path != fetch_source.module_path or not task_result.args:
        return
    reason = _failure_reason(task_result)
    record_fetch_failure(task_result.args[0], f"The fetch stopped: {reason}", only_if_pending=True)


def _failure_reason(task_result) -> str:
    lines = task_result.errors[-1].traceback.strip().splitlines() if task_result.errors else []
    # The last line is "module.ExceptionClass: message"; people read the message.
    return (lines[-1].partition(": ")[2] or lines[-1]) if lines else "unknown error"


@task
def import_library_csv(import_id: str) -> str:
    """Import the CSV file an admin previewed and confirmed, all or nothing; its new state.

    The file waits in its LibraryImport row (any worker can read it), not in the task's
    arguments."""
    return library_csv.run_import(import_id)


def queue_import(job: LibraryImport, *, by) -> bool:
    """Queue the import of a previewed file that `by` uploaded and confirmed; False if it
    is not `by`'s, was confirmed already, or its preview refused a row."""
    with transaction.atomic():
        current = (
            LibraryImport.objects.select_for_update()
            .defer("text")
            .filter(pk=job.pk, created_by=by)
            .first()
        )
        if current is None or not current.confirmable:
            return False
        current.state = ImportState.QUEUED
        current.save(update_fields=["state"])
        # Queued in the same transaction: a database queue commits both or neither.
        import_library_csv.enqueue(str(current.pk))
    return True


@receiver(task_finished)
def import_stopped(sender, task_result, **kwargs):
    """An import that raised, or whose workers kept dying, is failed with the reason (its
    transaction was rolled back: nothing was written), not left waiting for ever."""
    if task_result.status != TaskResultStatus.FAILED:
        return
    if task_result.task.module_path != import_library_csv.module_path or not task_result.args:
        return
    library_csv.fail_import(
        task_result.args[0],
        f"The import stopped ({_failure_reason(task_result)}). Nothing was written.",
    )


# Queueing fetches ------------------------------------------------------------------------


def stuck_fetches(sources) -> set[int]:
    """The ids of those sources whose fetch has been pending longer than FETCH_STUCK_SECONDS:
    queued that long without a worker starting it, or running that long (its worker is
    likely gone). No query unless one of them has been pending that long.

    A pending source's `updated_at` is when its fetch was queued (the fetch saves the source
    when it ends; an edit meanwhile only makes it look younger).
    """
    limit = timezone.now() - timedelta(seconds=settings.FETCH_STUCK_SECONDS)
    old = {s.pk for s in sources if s.fetch_status == FetchStatus.PENDING and s.updated_at < limit}
    if not old:
        return set()
    started = live_fetches(old).filter(started_at__gte=limit)
    return old - set(started.values_list("args_kwargs__args__0", flat=True))


def fetchable_sources(sources) -> set[int]:
    """The ids of those sources a reviewer may fetch now: not pending, or stuck pending."""
    sources = list(sources)
    idle = {s.pk for s in sources if s.fetch_status != FetchStatus.PENDING}
    return idle | stuck_fetches(sources)


def queue_refresh(source: Source, *, by=None) -> bool:
    """Fetch the source's page in the background once the current transaction commits.

    Never two live fetches of one source: while a fetch is pending this refuses (False),
    unless that fetch is stuck; then it is retired and a new one queued.
    """
    with transaction.atomic():
        current = Source.objects.select_for_update().get(pk=source.pk)
        if current.fetch_status == FetchStatus.PENDING:
            if not stuck_fetches([current]):
                return False
            retire_fetches(source.pk)
        source.fetch_status = FetchStatus.PENDING
        source._history_user = by
        source.save(update_fields=["fetch_status", "updated_at"])
        transaction.on_commit(lambda: fetch_source.enqueue(source.pk))
    return True
