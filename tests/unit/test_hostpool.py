"""The one per-host pool (#16): discovery and preflight each had their own."""

from __future__ import annotations

import threading

import pytest

from lsg_infra.hostpool import run_per_host

GUARD_S = 10  # only so that a broken pool fails instead of hanging; no race depends on it


def test_results_come_in_host_order_and_progress_in_finishing_order() -> None:
    last_done = threading.Event()
    finished: list[str] = []
    callers: set[threading.Thread] = set()

    def work(host: str) -> str:
        if host == "first":
            assert last_done.wait(GUARD_S)  # finishes after "last" has
        if host == "last":
            last_done.set()
        return host.upper()

    def progress(result: str) -> None:
        finished.append(result)
        callers.add(threading.current_thread())

    hosts = ["first", "middle", "last"]
    assert run_per_host(hosts, work, workers=3, progress=progress) == ["FIRST", "MIDDLE", "LAST"]
    assert finished.index("LAST") < finished.index("FIRST")
    assert callers == {threading.current_thread()}  # a progress bar needs no lock


@pytest.mark.parametrize("workers", [1, 3])
def test_at_most_workers_hosts_at_a_time(workers: int) -> None:
    together = threading.Barrier(workers, timeout=GUARD_S)  # breaks if fewer ever run at once
    lock = threading.Lock()
    active = 0
    most = 0

    def work(host: int) -> int:
        nonlocal active, most
        with lock:
            active += 1
            most = max(most, active)
        together.wait()
        with lock:
            active -= 1
        return host

    assert run_per_host(list(range(workers * 4)), work, workers=workers) == list(range(workers * 4))
    assert most == workers


def test_no_hosts_no_threads_and_a_zero_limit_still_runs_one() -> None:
    assert run_per_host([], lambda h: h, workers=5) == []
    assert run_per_host(["a", "b"], str.upper, workers=0) == ["A", "B"]
