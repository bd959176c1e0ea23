"""Fixtures for tests against real systems in containers (see ci/README.md).

- ``container_hosts``: a session-wide ``HostGroup`` of 2 Debian 13 systemd hosts with
  sshd on 127.0.0.1 ports (``LSG_CI_HOSTS`` changes the number).
- ``container_host_factory``: ``start(count=2, name=None) -> HostGroup`` for tests
  that need their own group (e.g. 20 hosts); every group is removed at session end.
- ``netbox``: a session-wide ``NetBoxServer`` (url, token, version, ``.api()``).

Containers are removed when the session ends, whatever the outcome: fixture
finalizers, then ``pytest_sessionfinish`` and ``atexit`` as safety nets, and at
the next session start containers of dead sessions are removed.

Without root (or podman and a way to install it) the tests that use these fixtures
are skipped with the reason; under ``CI=true`` they fail instead.
"""

from __future__ import annotations

import atexit
import os
import signal
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from lsg_ci_containers import (
    TIMINGS,
    HostGroup,
    MissingPrerequisite,
    NetBoxServer,
    prerequisite_problem,
    remove_orphans,
    session_label,
    start_container_hosts,
    start_netbox,
    stop_container_hosts,
    stop_netbox,
)

# Everything started in this process and not yet removed.
_HOST_GROUPS: set[str] = set()
_NETBOXES: set[str] = set()


def _remove_everything() -> None:
    for prefix in sorted(_HOST_GROUPS):
        try:
            stop_container_hosts(prefix)
        except Exception as exc:  # keep removing the others
            print(f"lsg-infra ci: could not remove host group {prefix}: {exc}")
        _HOST_GROUPS.discard(prefix)
    for name in sorted(_NETBOXES):
        try:
            stop_netbox(name)
        except Exception as exc:
            print(f"lsg-infra ci: could not remove NetBox {name}: {exc}")
        _NETBOXES.discard(name)


atexit.register(_remove_everything)


def pytest_configure(config: pytest.Config) -> None:
    # A SIGTERM (CI job cancelled, `timeout`) would skip finalizers and atexit;
    # turn it into KeyboardInterrupt so pytest unwinds and removes the containers.
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:

        def _term(signum: int, frame: Any) -> None:
            raise KeyboardInterrupt("SIGTERM")

        signal.signal(signal.SIGTERM, _term)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _remove_everything()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if TIMINGS:
        terminalreporter.section("lsg-infra ci containers")
        for what, seconds in TIMINGS:
            terminalreporter.write_line(f"{what:<24} {seconds:7.1f} s")


def _unavailable(reason: str) -> None:
    """Skip (outside CI) or fail (CI=true) a test whose containers cannot run here."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and an integration prerequisite is missing: {reason}", pytrace=False)
    pytest.skip(reason)


def _check_prerequisites() -> None:
    problem = prerequisite_problem()
    if problem:
        _unavailable(problem)


@pytest.fixture
def host_group_cleanup() -> Callable[[str], None]:
    """``register(prefix)``: containers a script starts under `prefix` are removed at exit."""
    _check_prerequisites()
    return _HOST_GROUPS.add


@pytest.fixture(scope="session")
def container_host_factory() -> Iterator[Callable[..., HostGroup]]:
    """``start(count=2, name=None) -> HostGroup``; all groups removed at session end."""
    _check_prerequisites()
    remove_orphans()
    mine: list[str] = []

    def start(count: int = 2, name: str | None = None) -> HostGroup:
        prefix = f"{session_label()}-{name or f'g{len(mine) + 1}'}"
        mine.append(prefix)
        _HOST_GROUPS.add(prefix)
        try:
            return start_container_hosts(count, prefix)
        except MissingPrerequisite as exc:
            _unavailable(str(exc))
            raise  # not reached: _unavailable raises

    try:
        yield start
    finally:
        for prefix in mine:
            if prefix in _HOST_GROUPS:
                stop_container_hosts(prefix)
                _HOST_GROUPS.discard(prefix)


@pytest.fixture(scope="session")
def container_hosts(container_host_factory: Callable[..., HostGroup]) -> HostGroup:
    """2 hosts (``LSG_CI_HOSTS``) for the whole session; tests must not stop them."""
    return container_host_factory(int(os.environ.get("LSG_CI_HOSTS", "2")), "hosts")


@pytest.fixture(scope="session")
def netbox() -> Iterator[NetBoxServer]:
    """A real NetBox for the whole session, shared: create objects with unique names."""
    _check_prerequisites()
    remove_orphans()
    name = f"{session_label()}-netbox"
    _NETBOXES.add(name)
    try:
        try:
            server = start_netbox(name)
        except MissingPrerequisite as exc:
            _unavailable(str(exc))
            raise
        yield server
    finally:
        if name in _NETBOXES:
            stop_netbox(name)
            _NETBOXES.discard(name)
