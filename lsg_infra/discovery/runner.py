"""Discover many hosts at once: a bounded worker pool, one `HostResult` per host.

One host that is down, refuses us or answers nonsense gets its own result with a
one-line reason; it never stops the others (nornir's per-host results).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from lsg_infra.discovery.facts import session
from lsg_infra.discovery.facts.models import HostFacts
from lsg_infra.errors import (
    AuthenticationFailure,
    CommandTimeout,
    ConnectionFailure,
    ConnectTimeout,
    HostKeyMismatch,
    LsgError,
    UnknownHostKey,
)
from lsg_infra.hostpool import run_per_host

if TYPE_CHECKING:  # paramiko only where a connection is made: `lsg gaps` reads results without it
    from lsg_infra.ssh import Connector, Target

log = logging.getLogger(__name__)

DEFAULT_WORKERS = 20


class HostStatus(StrEnum):
    OK = "ok"
    UNREACHABLE = "unreachable"
    AUTH_FAILED = "auth-failed"
    HOST_KEY_MISMATCH = "host-key-mismatch"
    HOST_KEY_UNKNOWN = "host-key-unknown"
    TIMEOUT = "timeout"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class HostResult:
    """The outcome for one host: a status, a one-line reason and, when ok, its facts."""

    target: Target
    status: HostStatus
    reason: str
    facts: HostFacts | None = None
    discovered_at: dt.datetime | None = None
    seconds: float = 0.0
    warnings: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.status is HostStatus.OK


def classify(exc: BaseException) -> HostStatus:
    """The status a failure stands for (most specific class first)."""
    for cls, status in (
        (HostKeyMismatch, HostStatus.HOST_KEY_MISMATCH),
        (UnknownHostKey, HostStatus.HOST_KEY_UNKNOWN),
        (AuthenticationFailure, HostStatus.AUTH_FAILED),
        (ConnectTimeout, HostStatus.TIMEOUT),
        (CommandTimeout, HostStatus.TIMEOUT),
        (ConnectionFailure, HostStatus.UNREACHABLE),
    ):
        if isinstance(exc, cls):
            return status
    return HostStatus.ERROR


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def discover_host(target: Target, connector: Connector) -> HostResult:
    """Run the facts script on one host; never raises (a bug becomes status `error`)."""
    started = time.monotonic()
    nonce = session.new_nonce()
    try:
        output = connector.run(target, session.combined_script(nonce))
        sections = session.split_output(output.stdout, nonce)
        host_facts = session.parse_facts(sections)
    except LsgError as exc:
        return HostResult(
            target=target,
            status=classify(exc),
            reason=_one_line(str(exc)),
            seconds=time.monotonic() - started,
        )
    except Exception as exc:  # a bug or a library surprise: this host only
        log.debug("discovery of %s failed", target.key, exc_info=True)
        return HostResult(
            target=target,
            status=HostStatus.ERROR,
            reason=_one_line(f"internal error: {type(exc).__name__}: {exc}"),
            seconds=time.monotonic() - started,
        )
    warnings = list(host_facts.problems)
    if output.truncated:
        warnings.insert(0, "output cut at the size cap")
    if not sections:
        return HostResult(
            target=target,
            status=HostStatus.ERROR,
            reason=_one_line(
                "the answer held none of the discovery output (no POSIX /bin/sh there?)"
                + (f": {output.stderr}" if output.stderr.strip() else "")
            ),
            seconds=time.monotonic() - started,
        )
    summary = f"{len(sections)} facts" + (
        f", {len(warnings)} problem(s): {warnings[0]}" if warnings else ""
    )
    return HostResult(
        target=target,
        status=HostStatus.OK,
        reason=_one_line(summary),
        facts=host_facts,
        discovered_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        seconds=time.monotonic() - started,
        warnings=tuple(warnings),
    )


def discover_hosts(
    targets: Sequence[Target],
    connector: Connector,
    *,
    workers: int = DEFAULT_WORKERS,
    progress: Callable[[HostResult], None] | None = None,
) -> list[HostResult]:
    """Discover every target with at most `workers` at a time; results in target order."""
    return run_per_host(
        targets,
        lambda t: discover_host(t, connector),
        workers=workers,
        progress=progress,
        thread_name="lsg-discover",
    )
