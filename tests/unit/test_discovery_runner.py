"""The worker pool and the SSH output reader, with fake connections (no network)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from lsg_infra import errors
from lsg_infra.discovery import facts, runner, ssh
from lsg_infra.discovery.runner import HostStatus, discover_hosts
from lsg_infra.discovery.ssh import RemoteOutput, Secret, SshOptions, Target
from lsg_infra.errors import AuthenticationFailure, ConnectionFailure, HostKeyMismatch

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


def test_password_never_shows() -> None:
    secret = Secret("hunter2")
    options = SshOptions(password=secret)
    for text in (repr(secret), str(secret), repr(options), f"{secret}"):
        assert "hunter2" not in text
    assert secret.reveal() == "hunter2"


def test_password_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ssh.PASSWORD_ENV, raising=False)
    assert Secret.from_env() is None
    monkeypatch.setenv(ssh.PASSWORD_ENV, "s3cret")
    found = Secret.from_env()
    assert found is not None and found.reveal() == "s3cret"


class FakeChannel:
    """Enough of paramiko's Channel for `_run_on`: stdout in chunks, some stderr."""

    def __init__(self, chunks: list[bytes], stderr: bytes = b"", status: int = 0) -> None:
        self.chunks = list(chunks)
        self.stderr = stderr
        self.status = status
        self.status_event = threading.Event()
        self.status_event.set()
        self.closed = False
        self.sent = b""

    def exec_command(self, command: str) -> None:
        assert command == "/bin/sh -s"

    def sendall(self, data: bytes) -> None:
        self.sent += data

    def shutdown_write(self) -> None:
        pass

    def settimeout(self, value: float) -> None:
        pass

    def recv_stderr_ready(self) -> bool:
        return bool(self.stderr)

    def recv_stderr(self, n: int) -> bytes:
        out, self.stderr = self.stderr[:n], self.stderr[n:]
        return out

    def recv(self, n: int) -> bytes:
        if not self.chunks:
            return b""
        chunk = self.chunks.pop(0)
        if chunk == b"WAIT":
            raise TimeoutError
        return chunk

    def recv_exit_status(self) -> int:
        return self.status

    def close(self) -> None:
        self.closed = True


class FakeClient:
    def __init__(self, channel: FakeChannel) -> None:
        self.channel = channel

    def get_transport(self) -> FakeClient:
        return self

    def open_session(self, timeout: float) -> FakeChannel:
        return self.channel


def test_reader_stops_at_the_cap_and_decodes_binary() -> None:
    endless = [b"\xff\xfe\x00binary" * 1000] * 1000  # about 9 MB offered
    channel = FakeChannel(endless, stderr=b"e" * 100_000)
    out = ssh._run_on(FakeClient(channel), "echo", SshOptions(output_cap=50_000), "h:22")  # type: ignore[arg-type]
    assert out.truncated and out.exit_status is None
    assert len(out.stdout.encode("utf-8", "replace")) < 200_000
    assert "\ufffd" in out.stdout
    assert len(out.stderr) == ssh.STDERR_CAP
    assert channel.closed and channel.sent == b"echo"


class SteppingClock:
    """A clock that moves one second each time it is read: no race with the wall clock."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def test_reader_gives_up_after_the_command_timeout() -> None:
    channel = FakeChannel([b"WAIT"] * 10_000)
    clock = SteppingClock()
    opts = SshOptions(command_timeout=5, clock=clock)
    with pytest.raises(errors.CommandTimeout, match="within 5 s"):
        ssh._run_on(FakeClient(channel), "x", opts, "h:22")  # type: ignore[arg-type]
    assert channel.closed
    # It gave up as soon as the deadline passed, not when the channel ran dry.
    assert len(channel.chunks) > 10_000 - 10


def test_reader_keeps_reading_before_the_deadline() -> None:
    channel = FakeChannel([b"WAIT"] * 3 + [b"done"], status=0)
    opts = SshOptions(command_timeout=100, clock=SteppingClock())
    out = ssh._run_on(FakeClient(channel), "x", opts, "h:22")  # type: ignore[arg-type]
    assert out.stdout == "done"


def test_reader_returns_everything_below_the_cap() -> None:
    channel = FakeChannel([b"a" * 10, b"WAIT", "é".encode() * 3], status=0)
    out = ssh._run_on(FakeClient(channel), "x", SshOptions(), "h:22")  # type: ignore[arg-type]
    assert out == RemoteOutput(stdout="a" * 10 + "ééé", exit_status=0, truncated=False)


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
