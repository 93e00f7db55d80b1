"""Run the desk's background worker: db_worker's options, plus a lease on running tasks and
a loop that survives database restarts (see claims.sources.worker)."""

import os

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from claims.sources.worker import DeskWorker


class Command(db_worker.Command):
    help = (
        "Run the background worker: re-runs tasks whose worker died (after the lease) and "
        "keeps running through database restarts."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--lease",
            type=db_worker.valid_interval,
            default=settings.TASK_LEASE_SECONDS,
            help="Seconds a task may run before it is taken for lost and run again "
            "(default: TASK_LEASE_SECONDS, %(default)s).",
        )
        parser.add_argument(
            "--max-attempts",
            type=db_worker.valid_max_tasks,
            default=settings.TASK_MAX_ATTEMPTS,
            help="Runs of a task before a lost one is marked failed "
            "(default: TASK_MAX_ATTEMPTS, %(default)s).",
        )

    def handle(self, *, verbosity, queue_name, exclude_queues, reload, lease, max_attempts, **opts):
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = DeskWorker(
            lease=lease,
            max_attempts=max_attempts,
            queue_names=queue_names,
            excluded_queue_names=excluded,
            interval=opts["interval"],
            batch=opts["batch"],
            backend_name=opts["backend_name"],
            startup_delay=opts["startup_delay"],
            max_tasks=opts["max_tasks"],
            worker_id=opts["worker_id"],
        )
        if reload and not opts["batch"]:
            # Only the reloader's child runs the worker, so only it takes the signals.
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
