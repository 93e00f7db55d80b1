"""Claim detection for the importer: a long article is read in parts on several processors.

`claims.extraction` reads a text in one process; a 1 MB article takes it about half a
second of pure Python. Above PARALLEL_MIN_CHARS the article is cut at paragraph breaks
(`extraction.part_cuts`) into parts of equal size: the parts after the first go to a
small pool of worker processes while this process reads the first (the importer stores
its claims as the workers finish theirs). `extraction.PartJoiner` makes the result
exactly the claims of a single reading. The pool starts on first use (a forkserver, safe in threaded
servers) and lives as long as the process; if it cannot start or breaks, the article (or
the part) is read here.
"""

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from django.conf import settings

from claims import extraction

# Below this, starting work elsewhere costs more than it saves.
PARALLEL_MIN_CHARS = 100_000

logger = logging.getLogger(__name__)
_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def detected_claims(text: str) -> list[extraction.ProposedClaim]:
    """The proposed claims of text: the same as `extraction.proposed_claims(text)`."""
    return [claim for batch in detected_batches(text) for claim in batch]


def detected_batches(text: str) -> Iterator[list[extraction.ProposedClaim]]:
    """The proposed claims of text in batches, in order, each as soon as it is final."""
    processes = settings.DETECTION_PROCESSES
    cuts = []
    if processes > 0 and len(text) >= PARALLEL_MIN_CHARS:
        cuts = extraction.part_cuts(text, processes + 1)
    if not cuts:
        yield extraction.proposed_claims(text)
        return
    bounds = list(zip([0, *cuts], [*cuts, len(text)], strict=True))
    try:
        pool = _detection_pool(processes)
        futures = [pool.submit(extraction.detect_part, text[a:b], a) for a, b in bounds[1:]]
    except (BrokenProcessPool, OSError, RuntimeError, ValueError):
        logger.exception("Claim detection workers unavailable; reading the article here.")
        _discard_pool()
        yield extraction.proposed_claims(text)
        return
    joiner = extraction.PartJoiner()
    yield joiner.add(extraction.detect_part(text[: cuts[0]], 0, first=True))
    for future, (start, end) in zip(futures, bounds[1:], strict=True):
        yield joiner.add(_result(future, text, start, end))


def _result(future: Future, text: str, start: int, end: int) -> extraction.Part:
    try:
        return future.result()
    except (BrokenProcessPool, OSError):
        logger.exception("A claim detection worker failed; reading its part here.")
        _discard_pool()
        return extraction.detect_part(text[start:end], start)


def _detection_pool(processes: int) -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            context = multiprocessing.get_context("forkserver")
            # Workers import only the detector (standard library): no Django, no database.
            context.set_forkserver_preload(["claims.extraction"])
            _pool = ProcessPoolExecutor(
                max_workers=processes,
                mp_context=context,
                initializer=exit_with,
                initargs=(os.getpid(),),
            )
        return _pool


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


def _discard_pool() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
            _pool = None
