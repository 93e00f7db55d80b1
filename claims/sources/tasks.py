"""Background tasks (Django's tasks API; a database-backed queue run by `desk_worker`)."""

from django.dispatch import receiver
from django.tasks import TaskResultStatus, task
from django.tasks.signals import task_finished
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

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
    lines = task_result.errors[-1].traceback.strip().splitlines() if task_result.errors else []
    # The last line is "module.ExceptionClass: message"; reviewers read the message.
    reason = (lines[-1].partition(": ")[2] or lines[-1]) if lines else "unknown error"
    record_fetch_failure(task_result.args[0], f"The fetch stopped: {reason}", only_if_pending=True)
