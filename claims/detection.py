"""Claim detection for the importer: a long article is read in parts on several processors.

`claims.extraction` reads a text in one process; a 1 MB article takes it about half a
second of pure Python. Above PARALLEL_MIN_CHARS the article is cut at paragraph breaks
(`extraction.part_cuts`) and the parts after the first go to a small pool of worker
processes while this process reads the first; `extraction.joined_parts` then gives
exactly the claims a single reading gives. The pool starts on first use (a forkserver,
safe in threaded servers) and lives as long as the process; if it cannot start or
breaks, the article is read here, whole.
"""

import logging
import multiprocessing
import threading
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
    processes = settings.DETECTION_PROCESSES
    cuts = extraction.part_cuts(text, processes + 1) if processes > 0 else []
    if len(text) < PARALLEL_MIN_CHARS or not cuts:
        return extraction.proposed_claims(text)
    bounds = list(zip([0, *cuts], [*cuts, len(text)], strict=True))
    try:
        pool = _detection_pool(processes)
        futures = [pool.submit(extraction.detect_part, text[a:b], a) for a, b in bounds[1:]]
    except (BrokenProcessPool, OSError, RuntimeError):
        logger.exception("Claim detection workers unavailable; reading the article here.")
        _discard_pool()
        return extraction.proposed_claims(text)
    first = extraction.detect_part(text[: cuts[0]], 0, first=True)
    return extraction.joined_parts([first, *_results(futures, text, bounds[1:])])


def _results(futures: list[Future], text: str, bounds) -> list[extraction.Part]:
    parts = []
    for future, (start, end) in zip(futures, bounds, strict=True):
        try:
            parts.append(future.result())
        except (BrokenProcessPool, OSError):
            logger.exception("A claim detection worker failed; reading its part here.")
            _discard_pool()
            parts.append(extraction.detect_part(text[start:end], start))
    return parts


def _detection_pool(processes: int) -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            context = multiprocessing.get_context("forkserver")
            # Workers import only the detector (standard library): no Django, no database.
            context.set_forkserver_preload(["claims.extraction"])
            _pool = ProcessPoolExecutor(max_workers=processes, mp_context=context)
        return _pool


def _discard_pool() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
            _pool = None
