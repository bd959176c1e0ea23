"""The discovery worker pool, with fake connections (no network); the SSH transport's own
tests are in test_ssh.py."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from lsg_infra import errors
from lsg_infra.discovery import facts, runner
from lsg_infra.discovery.runner import HostStatus, discover_hosts
from lsg_infra.errors import AuthenticationFailure, ConnectionFailure, HostKeyMismatch
from lsg_infra.ssh import RemoteOutput, Target

DATA = Path(__file__).parent.parent / "data" / "discovery" / "debian-12"


def target(asset: str) -> Target:
    return Target(lsg_id="rs-test", asset_id=asset, host="127.0.0.1", port=2200)


class FakeConnector:
    """Answers each asset the way a real host of that kind would."""

    def __init__(self) -> None:
        self.active = 0
        self.peak = 0
        self.lock = threading.Lock()

    def run(self, t: Target, script: str) -> RemoteOutput:
        with self.lock:
            self.active += 1
            self.peak = max(self.peak, self.active)
        try:
            time.sleep(0.05)
            return self._answer(t, script)
        finally:
            with self.lock:
                self.active -= 1

    def _answer(self, t: Target, script: str) -> RemoteOutput:
        nonce = script.split("N=", 1)[1].split()[0]
        recorded_nonce = (DATA / "nonce").read_text().strip()
        good = (DATA / "combined.out").read_text().replace(recorded_nonce, nonce)
        match t.asset_id:
            case "down":
                raise ConnectionFailure("127.0.0.1:2200: Connection refused")
            case "rekeyed":
                raise HostKeyMismatch("host key of 127.0.0.1:2200 changed")
            case "locked":
                raise AuthenticationFailure("root@127.0.0.1:2200 refused our credentials")
            case "new":
                raise errors.UnknownHostKey("no key for 127.0.0.1:2200")
            case "slow":
                raise errors.CommandTimeout("127.0.0.1:2200: no complete answer within 1 s")
            case "buggy":
                raise ZeroDivisionError("oops")
            case "binary":
                return RemoteOutput(stdout="\ufffd\x00" * 5000, exit_status=0, truncated=True)
            case _:
                return RemoteOutput(stdout=good, exit_status=0, truncated=False)


def test_one_result_per_host_each_with_its_own_status() -> None:
    names = ["ok-1", "down", "rekeyed", "locked", "new", "slow", "buggy", "binary", "ok-2"]
    seen: list[str] = []
    results = discover_hosts(
        [target(n) for n in names],
        FakeConnector(),
        workers=4,
        progress=lambda r: seen.append(r.target.asset_id),
    )
    assert [r.target.asset_id for r in results] == names
    assert sorted(seen) == sorted(names)
    status = {r.target.asset_id: r.status for r in results}
    assert status == {
        "ok-1": HostStatus.OK,
        "down": HostStatus.UNREACHABLE,
        "rekeyed": HostStatus.HOST_KEY_MISMATCH,
        "locked": HostStatus.AUTH_FAILED,
        "new": HostStatus.HOST_KEY_UNKNOWN,
        "slow": HostStatus.TIMEOUT,
        "buggy": HostStatus.ERROR,
        "binary": HostStatus.ERROR,
        "ok-2": HostStatus.OK,
    }
    for r in results:
        assert r.reason and "\n" not in r.reason
    ok = results[0]
    assert ok.facts is not None and ok.facts.hostname == "disc-rec-1"
    assert ok.discovered_at is not None and ok.discovered_at.tzinfo is not None
    assert "internal error: ZeroDivisionError" in results[6].reason


def test_pool_is_bounded() -> None:
    connector = FakeConnector()
    results = discover_hosts([target(f"ok-{i}") for i in range(12)], connector, workers=3)
    assert len(results) == 12 and all(r.ok for r in results)
    assert connector.peak <= 3


def test_no_targets_no_work() -> None:
    assert discover_hosts([], FakeConnector()) == []


def test_classify_prefers_the_specific_failure() -> None:
    assert runner.classify(errors.ConnectTimeout("x")) is HostStatus.TIMEOUT
    assert runner.classify(errors.UnknownHostKey("x")) is HostStatus.HOST_KEY_UNKNOWN
    assert runner.classify(ConnectionFailure("x")) is HostStatus.UNREACHABLE
    assert runner.classify(ValueError("x")) is HostStatus.ERROR


def test_script_is_the_combined_facts_script() -> None:
    captured: list[str] = []

    class Capture(FakeConnector):
        def _answer(self, t: Target, script: str) -> RemoteOutput:
            captured.append(script)
            return super()._answer(t, script)

    discover_hosts([target("ok")], Capture())
    assert all(f"lsg_run {f.name} " in captured[0] for f in facts.FACTS)
