"""Background tasks (Django's tasks API; a database-backed queue run by `desk_worker`)."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.dispatch import receiver
from django.tasks import TaskResultStatus, task
from django.tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch
from django.tasks.signals import task_finished
from django.utils import timezone
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from claims.models import FetchStatus, Source
from claims.sources import library_csv
from claims.sources.library import record_fetch_failure, refresh_source

LIVE = [TaskResultStatus.READY, TaskResultStatus.RUNNING]


class FetchSuperseded(Exception):
    """A reviewer queued a new fetch of the source while this one was stuck."""


# Refused rows listed while an import runs; the finished import's report lists them all.
REFUSALS_SHOWN_WHILE_RUNNING = 100


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


@task(takes_context=True)
def import_library_csv(context, *, kind: str, text: str, rows: int, by_id: int | None) -> dict:
    """Import a CSV file of publishers or sources that the admin's upload checked.

    The file's text travels in the task's arguments, so that a worker on any machine can
    read it (library_csv.MAX_BYTES, 5 MB, at most). While the rows are written, the rows
    done so far are kept as the task's result; the finished import's report replaces them.
    """
    by = get_user_model().objects.filter(pk=by_id).first() if by_id else None
    task_result = context.task_result

    def progress(report: library_csv.ImportReport, total: int) -> None:
        if _on_database_queue(task_result):
            DBTaskResult.objects.filter(id=task_result.id).update(
                return_value=_progress_json(report, total)
            )

    return library_csv.import_file(kind, text, by=by, progress=progress).as_json()


def _progress_json(report: library_csv.ImportReport, total: int) -> dict:
    refusals = report.refusals
    return {
        "progress": True,
        "kind": report.kind,
        "done": len(report.rows),
        "total": total,
        "counts": {
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "refused": report.refused,
        },
        "refusals": [
            [row.line, row.label, row.message] for row in refusals[:REFUSALS_SHOWN_WHILE_RUNNING]
        ],
    }


@dataclass(frozen=True)
class CsvImport:
    """Where a queued CSV import stands, for the admin's progress page."""

    kind: str
    state: str  # "waiting" | "running" | "done" | "failed"
    total: int
    done: int = 0
    counts: dict = field(default_factory=dict)
    refusals: list[library_csv.RowResult] = field(default_factory=list)
    report: library_csv.ImportReport | None = None
    error: str = ""

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    @property
    def percent(self) -> int:
        return 100 * self.done // self.total if self.total else 100


def csv_import(result_id: str, *, kind: str) -> CsvImport | None:
    """The import queued under this id for this kind of file, or None if there is none."""
    try:
        result = import_library_csv.get_result(result_id)
    except (TaskResultDoesNotExist, TaskResultMismatch, NotImplementedError):
        return None
    if result.kwargs.get("kind") != kind:
        return None
    return csv_import_of(result)


def csv_import_of(result) -> CsvImport:
    """Where the import behind a task result stands."""
    kind, total = result.kwargs["kind"], result.kwargs["rows"]
    if result.status == TaskResultStatus.SUCCESSFUL:
        report = library_csv.ImportReport.from_json(result.return_value)
        return CsvImport(
            kind=kind,
            state="done",
            total=total,
            done=len(report.rows),
            refusals=report.refusals,
            report=report,
        )
    if result.status == TaskResultStatus.FAILED:
        error = result.errors[-1].exception_class_path if result.errors else "unknown"
        return CsvImport(kind=kind, state="failed", total=total, error=error)
    progress = _progress(result)
    if result.status != TaskResultStatus.RUNNING or progress is None:
        waiting = result.status == TaskResultStatus.READY
        return CsvImport(kind=kind, state="waiting" if waiting else "running", total=total)
    return CsvImport(
        kind=kind,
        state="running",
        total=total,
        done=progress["done"],
        counts=progress["counts"],
        refusals=[
            library_csv.RowResult(line, "refused", label, message)
            for line, label, message in progress["refusals"]
        ],
    )


def _progress(result) -> dict | None:
    """The progress a running import recorded, if it runs on the database queue."""
    if not _on_database_queue(result):
        return None
    data = DBTaskResult.objects.filter(id=result.id).values_list("return_value", flat=True).first()
    return data if isinstance(data, dict) and data.get("progress") else None


def _on_database_queue(result) -> bool:
    return isinstance(result.task.get_backend(), DatabaseBackend)


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
