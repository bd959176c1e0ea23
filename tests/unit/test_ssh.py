"""The SSH transport (lsg_infra/ssh.py): secrets and the bounded output reader, with a
fake channel and an injected clock (no network, no wall clock)."""

from __future__ import annotations

import threading

import pytest

from lsg_infra import errors, ssh
from lsg_infra.ssh import RemoteOutput, Secret, SshOptions


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
