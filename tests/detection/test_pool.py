"""The worker pool: a long article's parts after the first are read on worker processes,
and whatever goes wrong with a worker, the claims are those of one reading here."""

import multiprocessing
import os
import subprocess
import sys
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import pytest

from claims.detection import pool as detection
from claims.detection.reading import part_cuts, proposed_claims
from claims.management.commands.benchmark_detection import benchmark_text


def test_a_long_article_is_read_by_worker_processes(settings, monkeypatch, caplog):
    settings.DETECTION_PROCESSES = 1
    real_pool, sent = detection._detection_pool, []

    class Watched:
        """The real pool, noting which parts (by offset) went to it."""

        def __init__(self, pool):
            self.pool = pool

        def submit(self, function, part, offset):
            sent.append(offset)
            return self.pool.submit(function, part, offset)

        def shutdown(self, **kwargs):
            self.pool.shutdown(**kwargs)

    monkeypatch.setattr(detection, "_detection_pool", lambda n: Watched(real_pool(n)))
    text = benchmark_text(detection.PARALLEL_MIN_CHARS * 3 // 2, seed=5)
    assert detection.detected_claims(text) == proposed_claims(text)
    assert sent == part_cuts(text, 2)
    assert "reading" not in caplog.text  # the worker's part came back from the worker


def test_a_short_article_or_no_workers_means_one_reading_here(settings, monkeypatch):
    def no_pool(processes):
        raise AssertionError("no worker should be asked")

    monkeypatch.setattr(detection, "_detection_pool", no_pool)
    short = benchmark_text(20_000, seed=1)
    assert detection.detected_claims(short) == proposed_claims(short)
    settings.DETECTION_PROCESSES = 0
    long = benchmark_text(detection.PARALLEL_MIN_CHARS * 3 // 2, seed=2)
    assert detection.detected_claims(long) == proposed_claims(long)


def test_when_workers_cannot_start_the_article_is_read_here(settings, monkeypatch, caplog):
    settings.DETECTION_PROCESSES = 2

    def broken(processes):
        raise OSError("no more processes")

    monkeypatch.setattr(detection, "_detection_pool", broken)
    text = benchmark_text(detection.PARALLEL_MIN_CHARS * 3 // 2, seed=4)
    assert detection.detected_claims(text) == proposed_claims(text)
    assert "reading the article here" in caplog.text


class FailingPool:
    def submit(self, *args):
        future = Future()
        future.set_exception(BrokenProcessPool("a worker died"))
        return future

    def shutdown(self, **kwargs):
        pass


def test_when_a_worker_fails_its_part_is_read_here(settings, monkeypatch, caplog):
    settings.DETECTION_PROCESSES = 2
    monkeypatch.setattr(detection, "_detection_pool", lambda processes: FailingPool())
    text = benchmark_text(detection.PARALLEL_MIN_CHARS * 3 // 2, seed=6)
    assert detection.detected_claims(text) == proposed_claims(text)
    assert "reading its part here" in caplog.text


def test_a_worker_exits_when_the_process_it_serves_is_gone():
    """A worker outliving a killed server would wait for work forever."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    context = multiprocessing.get_context("forkserver")
    orphan = ProcessPoolExecutor(
        1, context, initializer=detection.exit_with, initargs=(gone.pid, 0.05)
    )
    with pytest.raises(BrokenProcessPool):
        orphan.submit(time.sleep, 30).result(timeout=20)
    orphan.shutdown()
    # While the process it serves lives, the worker works.
    served = ProcessPoolExecutor(
        1, context, initializer=detection.exit_with, initargs=(os.getpid(), 0.05)
    )
    assert served.submit(time.sleep, 0.3).result(timeout=20) is None
    served.shutdown()


class CancellingPool:
    def __init__(self):
        self.shut = False

    def submit(self, *args):
        future = Future()
        future.cancel()
        return future

    def shutdown(self, **kwargs):
        self.shut = True


def test_a_cancelled_part_is_read_here_and_only_the_failed_pool_is_dropped(settings, monkeypatch):
    settings.DETECTION_PROCESSES = 1
    failed, newer = CancellingPool(), object()
    monkeypatch.setattr(detection, "_detection_pool", lambda processes: failed)
    monkeypatch.setattr(detection, "_pool", newer)  # started meanwhile by another thread
    text = benchmark_text(detection.PARALLEL_MIN_CHARS * 3 // 2, seed=8)
    assert detection.detected_claims(text) == proposed_claims(text)
    assert failed.shut
    assert detection._pool is newer


class RecordingPool:
    def __init__(self):
        self.futures = []

    def submit(self, *args):
        self.futures.append(Future())  # never done
        return self.futures[-1]

    def shutdown(self, **kwargs):
        pass


def test_parts_nobody_will_read_are_cancelled(settings, monkeypatch):
    """The importer stopped after the first batch (an error storing it, say)."""
    settings.DETECTION_PROCESSES = 2
    pool = RecordingPool()
    monkeypatch.setattr(detection, "_detection_pool", lambda processes: pool)
    batches = detection.detected_batches(benchmark_text(detection.PARALLEL_MIN_CHARS * 2, seed=9))
    assert next(batches)
    batches.close()
    assert len(pool.futures) == 2
    assert all(future.cancelled() for future in pool.futures)


def test_inside_a_worker_no_pool_is_started(settings, monkeypatch):
    settings.DETECTION_PROCESSES = 2
    monkeypatch.setattr(multiprocessing, "parent_process", lambda: object())

    def no_pool(processes):
        raise AssertionError("a worker must not start workers")

    monkeypatch.setattr(detection, "_detection_pool", no_pool)
    text = benchmark_text(detection.PARALLEL_MIN_CHARS * 3 // 2, seed=10)
    assert detection.detected_claims(text) == proposed_claims(text)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_a_forked_child_starts_its_own_pool(monkeypatch):
    monkeypatch.setattr(detection, "_pool", object())
    pid = os.fork()
    if pid == 0:  # the child: the parent's pool is not its own
        os._exit(0 if detection._pool is None else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
