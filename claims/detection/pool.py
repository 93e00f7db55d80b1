"""The worker pool: for the importer, a long article is read in parts on several processors.

`reading.proposed_claims` reads a text in one process; a 1 MB article takes it about half
a second of pure Python. Above PARALLEL_MIN_CHARS the article is cut at paragraph breaks
(`reading.part_cuts`) into parts of equal size: the parts after the first go to a small
pool of worker processes while this process reads the first (the importer stores its
claims as the workers finish theirs). `reading.PartJoiner` makes the result exactly the
claims of a single reading.

The pool starts on first use (a forkserver: safe in threaded servers) and lives as long as
the process. Its workers load this module and the detector, standard library only (Django
is imported by a function that runs only in the importing process); like every
multiprocessing worker they also import the main script, so a script that imports
articles must keep its work under `if __name__ == "__main__":` (manage.py and the servers
do). Workers exit when the process they serve is gone. If the pool cannot start or a
worker fails, the article (or the part) is read here.
"""

import concurrent.futures
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Iterator

from claims.detection import reading
from claims.detection.claims import ProposedClaim

# Below this, starting work elsewhere costs more than it saves.
PARALLEL_MIN_CHARS = 100_000
# A part takes a worker well under a second; one that takes this long is read here.
PART_TIMEOUT_SECONDS = 30

logger = logging.getLogger(__name__)
_pool: concurrent.futures.ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()
# What going wrong with a worker looks like: the part is then read here.
_WORKER_FAILURES = (
    concurrent.futures.BrokenExecutor,
    concurrent.futures.CancelledError,
    concurrent.futures.TimeoutError,
    OSError,
)


def detected_claims(text: str) -> list[ProposedClaim]:
    """The proposed claims of text: the same as `reading.proposed_claims(text)`."""
    return [claim for batch in detected_batches(text) for claim in batch]


def detected_batches(text: str) -> Iterator[list[ProposedClaim]]:
    """The proposed claims of text in batches, in order, each as soon as it is final."""
    from django.conf import settings  # here, not above: workers import this module

    processes = settings.DETECTION_PROCESSES
    cuts = []
    if (
        processes > 0
        and len(text) >= PARALLEL_MIN_CHARS
        and multiprocessing.parent_process() is None  # never from inside a worker
    ):
        cuts = reading.part_cuts(text, processes + 1)
    if not cuts:
        yield reading.proposed_claims(text)
        return
    bounds = list(zip([0, *cuts], [*cuts, len(text)], strict=True))
    pool = None
    try:
        pool = _detection_pool(processes)
        futures = [pool.submit(reading.detect_part, text[a:b], a) for a, b in bounds[1:]]
    except (*_WORKER_FAILURES, RuntimeError, ValueError):
        logger.exception("Claim detection workers unavailable; reading the article here.")
        if pool is not None:
            _discard_pool(pool)
        yield reading.proposed_claims(text)
        return
    try:
        joiner = reading.PartJoiner()
        yield joiner.add(reading.detect_part(text[: cuts[0]], 0, first=True))
        for future, (start, end) in zip(futures, bounds[1:], strict=True):
            yield joiner.add(_result(pool, future, text, start, end))
    finally:
        for future in futures:  # the importer gave up: parts nobody will read
            future.cancel()


def _result(pool, future, text: str, start: int, end: int) -> reading.Part:
    try:
        return future.result(timeout=PART_TIMEOUT_SECONDS)
    except _WORKER_FAILURES:
        logger.exception("A claim detection worker failed; reading its part here.")
        _discard_pool(pool)
        return reading.detect_part(text[start:end], start)


def _detection_pool(processes: int) -> concurrent.futures.ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["claims.detection.pool"])
            _pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=processes,
                mp_context=context,
                initializer=exit_with,
                initargs=(os.getpid(),),
            )
        return _pool


def _discard_pool(pool) -> None:
    """Stop using a pool that failed (not one another thread has started since)."""
    global _pool
    with _pool_lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False)


def _forget_pool() -> None:
    """In a child forked from this process: the pool is the parent's, not ours."""
    global _pool, _pool_lock
    _pool = None
    _pool_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_pool)


def exit_with(pid: int, interval: float = 1.0) -> None:
    """Make this worker exit once process `pid` (the one whose pool it serves) is gone.

    A server process killed without cleanup (SIGKILL, or SIGTERM outside a server that
    handles it) cannot tell its workers to stop; they would wait for work forever, and
    keep the forkserver alive with them.
    """

    def watch() -> None:
        while True:
            time.sleep(interval)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:
                pass  # the process exists, owned by someone else: not ours to judge

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
