"""Run one piece of work per host, at most `workers` at a time: discovery and preflight.

Results come back in the order the hosts were given, whatever order they finish in;
`progress` is called with each result as it finishes, in the calling thread, so a
progress bar needs no lock. The work returns a failed result for a host that fails
rather than raising (nornir's per-host results): one town hall that is down never
stops the others.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import TypeVar

Host = TypeVar("Host")
Result = TypeVar("Result")


def run_per_host(
    hosts: Sequence[Host],
    work: Callable[[Host], Result],
    *,
    workers: int,
    progress: Callable[[Result], object] | None = None,
    thread_name: str = "lsg-host",
) -> list[Result]:
    """`work(host)` for every host, `workers` at a time; the results in host order.

    >>> run_per_host([3, 1, 2], lambda n: n * 10, workers=2)
    [30, 10, 20]
    """
    if not hosts:
        return []
    results: dict[int, Result] = {}
    # never more threads than hosts, never fewer than one
    size = max(1, min(workers, len(hosts)))
    with ThreadPoolExecutor(max_workers=size, thread_name_prefix=thread_name) as pool:
        futures = {pool.submit(work, host): i for i, host in enumerate(hosts)}
        for future in as_completed(futures):
            result = future.result()
            results[futures[future]] = result
            if progress is not None:
                progress(result)
    return [results[i] for i in range(len(hosts))]
