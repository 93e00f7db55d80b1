"""Detection of a long article in parts, the parts after the first on worker processes:
always exactly the claims of one reading of the whole text."""

import multiprocessing
import os
import subprocess
import sys
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import pytest

from claims.detection import extraction
from claims.detection import parts as detection
from claims.management.commands.benchmark_detection import benchmark_text


def read_in_parts(text: str, cuts: list[int]) -> list[extraction.ProposedClaim]:
    bounds = list(zip([0, *cuts], [*cuts, len(text)], strict=True))
    joiner = extraction.PartJoiner()
    claims = []
    for index, (start, end) in enumerate(bounds):
        claims.extend(joiner.add(extraction.detect_part(text[start:end], start, first=index == 0)))
    return claims


def test_every_cut_gives_the_claims_of_one_reading():
    text = benchmark_text(30_000, seed=3)
    whole = extraction.proposed_claims(text)
    cuts = extraction.part_cuts(text, 60)
    assert len(cuts) > 40
    for cut in cuts:
        assert read_in_parts(text, [cut]) == whole, text[cut - 80 : cut + 80]
    assert read_in_parts(text, cuts) == whole


def test_a_pronoun_opening_a_part_refers_to_the_person_named_before_it():
    """“He” at the start of a part is the last person named in an earlier part, and the
    signals and score of its claim are those of one reading."""
    text = (
        "Secretary of State Antony Blinken said that North Korea sent one million "
        "artillery shells to Russia in 2023.\n\n"
        "Officials in Seoul said that 300 containers were recorded in September.\n\n"
        "He said that the shipments began after a summit in Vladivostok."
    )
    cuts = extraction.part_cuts(text, 3)
    assert len(cuts) == 2
    claims = read_in_parts(text, cuts)
    assert claims == extraction.proposed_claims(text)
    assert claims[-1].claimant == "Antony Blinken"
    # Nobody named before: "he" stays unknown, as in one reading.
    alone = "Officials said 300 containers left.\n\nHe said that the shipments began in May."
    assert read_in_parts(alone, extraction.part_cuts(alone, 2)) == extraction.proposed_claims(alone)


def test_parts_are_cut_only_at_a_paragraph_break_after_a_sentence():
    text = (
        "A first paragraph that ends with a sentence.\n\n"
        "A heading without a full stop\n\n"
        "“A quoted paragraph ends here.”\n\n"
        "The last paragraph."
    )
    cuts = extraction.part_cuts(text, 4)
    assert [text[:cut][-6:] for cut in cuts] == ["nce.\n\n", "re.”\n\n"]
    assert extraction.part_cuts("One paragraph. Two sentences.", 2) == []


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
    assert detection.detected_claims(text) == extraction.proposed_claims(text)
    assert sent == extraction.part_cuts(text, 2)
    assert "reading" not in caplog.text  # the worker's part came back from the worker


def test_a_short_article_or_no_workers_means_one_reading_here(settings, monkeypatch):
    def no_pool(processes):
        raise AssertionError("no worker should be asked")

    monkeypatch.setattr(detection, "_detection_pool", no_pool)
    short = benchmark_text(20_000, seed=1)
    assert detection.detected_claims(short) == extraction.proposed_claims(short)
    settings.DETECTION_PROCESSES = 0
    long = benchmark_text(detection.PARALLEL_MIN_CHARS * 3 // 2, seed=2)
    assert detection.detected_claims(long) == extraction.proposed_claims(long)


def test_when_workers_cannot_start_the_article_is_read_here(settings, monkeypatch, caplog):
    settings.DETECTION_PROCESSES = 2

    def broken(processes):
        raise OSError("no more processes")

    monkeypatch.setattr(detection, "_detection_pool", broken)
    text = benchmark_text(detection.PARALLEL_MIN_CHARS * 3 // 2, seed=4)
    assert detection.detected_claims(text) == extraction.proposed_claims(text)
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
    assert detection.detected_claims(text) == extraction.proposed_claims(text)
    assert "reading its part here" in caplog.text


@pytest.mark.parametrize("processes", [1, 3])
def test_cuts_follow_the_number_of_workers(processes):
    text = benchmark_text(detection.PARALLEL_MIN_CHARS * 3 // 2, seed=7)
    cuts = extraction.part_cuts(text, processes + 1)
    assert len(cuts) == processes
    sizes = [end - start for start, end in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    assert max(sizes) - min(sizes) < len(text) // 10


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


def test_a_paragraph_break_ends_a_quote_whatever_follows():
    """“…” then a paragraph whose first words say who spoke: the quote still ends at the
    paragraph break, in one reading as in parts."""
    text = (
        "“We will not send any more shells to the front this year,” officials wrote. "
        "“The army has 500 tanks.” U.S.\n\nBlinken said that 40 people died."
    )
    claims = extraction.proposed_claims(text)
    assert read_in_parts(text, extraction.part_cuts(text, 2)) == claims
    assert all("\n" not in claim.quote for claim in claims)


def test_a_dotted_capital_i_neither_crashes_nor_changes_the_reading():
    """Lower-casing "İ" gives two characters; the scan reads it as "I" so that offsets
    hold, and odd letters that only match when case is ignored ("ſaid") are not words."""
    text = "Officials in İstanbul said that 5 people died.\n\nOfficials ſaid that 40 people died."
    claims = extraction.proposed_claims(text)
    assert read_in_parts(text, extraction.part_cuts(text, 2)) == claims
    assert [(claim.claimant, claim.statement) for claim in claims] == [
        ("Officials in İstanbul", "5 people died"),
        ("", "Officials ſaid that 40 people died"),
    ]
    figures = "Prices rose 40%2023 in İstanbul, officials said.\n\nPrices rose 40%2023, they said."
    assert read_in_parts(figures, extraction.part_cuts(figures, 2)) == extraction.proposed_claims(
        figures
    )


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
    assert detection.detected_claims(text) == extraction.proposed_claims(text)
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
    assert detection.detected_claims(text) == extraction.proposed_claims(text)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_a_forked_child_starts_its_own_pool(monkeypatch):
    monkeypatch.setattr(detection, "_pool", object())
    pid = os.fork()
    if pid == 0:  # the child: the parent's pool is not its own
        os._exit(0 if detection._pool is None else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
