"""Discovery and preflight against hostile or broken hosts: real sockets on 127.0.0.1.

A server that takes the TCP connection and says nothing, one that answers with a
garbage banner, timeouts that are no bound (nan, inf, negative), and facts that
carry terminal escape sequences. No test here asserts on elapsed time: each server
is closed by the test, and the SSH timeouts are small so that a run is quick.
"""

from __future__ import annotations

import logging
import math
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from lsg_infra.discovery import runner
from lsg_infra.discovery.facts import session
from lsg_infra.discovery.runner import HostStatus
from lsg_infra.errors import UsageError
from lsg_infra.provision.preflight import preflight_host
from lsg_infra.ssh import ParamikoConnector, SshOptions, Target

INVENTORY = """\
municipality: {{id: rs-test, name: Test, country: RS, population: 5000, employees: 40}}
sites: [{{id: hq, name: HQ}}]
assets:
  - {{id: srv-01, kind: server, site: hq, manage: {{host: 127.0.0.1, port: {port}}}}}
"""


@contextmanager
def tcp_server(handle: Callable[[socket.socket], None]) -> Iterator[int]:
    """A TCP server on 127.0.0.1 that runs `handle` on each connection; yields its port."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    stop = threading.Event()
    conns: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            conns.append(conn)
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        listener.close()
        for conn in conns:
            conn.close()


def silent(conn: socket.socket) -> None:
    """Accept and say nothing (a firewall that accepts, a hung sshd)."""
    conn.recv(1024)  # returns when the client gives up and closes


def garbage(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nServer: \x1b]0;owned\x07\r\n\r\n<html>\r\n")
    conn.close()


def options(tmp_path: Path, **kwargs: float) -> SshOptions:
    return SshOptions(
        connect_timeout=kwargs.get("connect_timeout", 0.5),
        command_timeout=5,
        known_hosts=tmp_path / "known_hosts",
        allow_agent=False,
    )


def target(port: int) -> Target:
    return Target(lsg_id="rs-test", asset_id="srv-01", host="127.0.0.1", port=port)


def test_silent_host_is_a_timeout_not_unreachable(tmp_path: Path) -> None:
    with tcp_server(silent) as port:
        result = runner.discover_host(target(port), ParamikoConnector(options(tmp_path)))
    assert result.status is HostStatus.TIMEOUT, result.reason
    assert "no SSH banner" in result.reason


def test_garbage_banner_one_line_result_and_no_paramiko_traceback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with tcp_server(garbage) as port:
        result = runner.discover_host(target(port), ParamikoConnector(options(tmp_path)))
    assert result.status is HostStatus.UNREACHABLE
    assert result.reason == f"127.0.0.1:{port}: does not speak SSH (no valid SSH banner)"
    loud = [r for r in caplog.records if r.name.startswith("paramiko") and r.levelno >= 30]
    assert loud == []


def test_garbage_banner_through_the_cli_prints_no_traceback(tmp_path: Path) -> None:
    """The real `lsg discover` in a subprocess: stderr holds no traceback."""
    inv = tmp_path / "inventory" / "rs"
    inv.mkdir(parents=True)
    with tcp_server(garbage) as port:
        (inv / "test.yaml").write_text(INVENTORY.format(port=port))
        proc = subprocess.run(
            [
                sys.executable,
                "-c",
                "from lsg_infra.cli.main import main; main()",
                "discover",
                "--inventory",
                str(tmp_path / "inventory"),
                "--known-hosts",
                str(tmp_path / "kh"),
                "--connect-timeout",
                "2",
                "--no-write",
                "-f",
                "json",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
        )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "does not speak SSH" in proc.stdout


@pytest.mark.parametrize("bad", [math.nan, -1.0, 0.0, math.inf])
def test_timeouts_that_bound_nothing_are_refused(bad: float) -> None:
    with pytest.raises(UsageError, match="--connect-timeout"):
        SshOptions(connect_timeout=bad)
    with pytest.raises(UsageError, match="--command-timeout"):
        SshOptions(command_timeout=bad)


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_preflight_and_discover_refuse_nan_timeout_with_exit_2(value: str, tmp_path: Path) -> None:
    inv = tmp_path / "inventory" / "rs"
    inv.mkdir(parents=True)
    (inv / "test.yaml").write_text(INVENTORY.format(port=9))
    for command in (["preflight", "rs-test"], ["discover"]):
        proc = subprocess.run(
            [
                sys.executable,
                "-c",
                "from lsg_infra.cli.main import main; main()",
                *command,
                "--inventory",
                str(tmp_path / "inventory"),
                f"--connect-timeout={value}",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
        )
        assert proc.returncode == 2, (command, proc.stderr)
        assert "Traceback" not in proc.stderr
        # the reason is one line (click's usage errors add a usage header above it)
        assert "connect-timeout" in proc.stderr.strip().splitlines()[-1], proc.stderr


def test_silent_host_in_preflight_is_one_result(tmp_path: Path) -> None:
    with tcp_server(silent) as port:
        result = preflight_host(target(port), ParamikoConnector(options(tmp_path)))
    assert not result.ok
    assert result.error is not None and "no SSH banner" in result.error


def test_escape_sequences_in_facts_are_stored_escaped() -> None:
    hostile = {
        "os": session.Section(
            'ID=evil\nNAME="Evil\x1b]0;owned\x07"\nVERSION_ID="12\x9b1m"\n'
            'PRETTY_NAME="\x1b[2JDebian"\n',
            0,
            False,
        ),
        "kernel": session.Section("Linux\n6.1\x1b[31m\nx86_64\n", 0, False),
    }
    parsed = session.parse_facts(hostile)
    assert parsed.os is not None and parsed.kernel is not None
    assert parsed.os.name == "Evil\\x1b]0;owned\\x07"
    assert parsed.os.version == "12\\x9b1m"
    assert parsed.os.pretty == "\\x1b[2JDebian"
    assert parsed.kernel.release == "6.1\\x1b[31m"
    dumped = parsed.model_dump_json()
    assert "\\u001b" not in dumped and "\x9b" not in dumped


@pytest.mark.parametrize("port", ["abc", "99999", "0", "-1"])
def test_bad_port_in_ssh_config_is_a_usage_error(port: str, tmp_path: Path) -> None:
    from lsg_infra import api
    from lsg_infra.discovery import targets

    inv = tmp_path / "inventory" / "rs"
    inv.mkdir(parents=True)
    (inv / "test.yaml").write_text(INVENTORY.format(port=22))
    config = tmp_path / "ssh_config"
    config.write_text(f"Host 127.0.0.1\n  Port {port}\n")
    inventories = api.load_inventories([tmp_path / "inventory"])
    with pytest.raises(UsageError, match=f"Port '{port}' for 127.0.0.1"):
        targets.discovery_targets(inventories, ssh_config=targets.load_ssh_config(config))


@pytest.mark.parametrize(
    "content",
    [
        b"host ssh-ed25519 !!!notbase64!!!\n",
        b"\xff\xfe\x00garbage\n",
        b"h ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ==\n",
    ],
)
def test_broken_known_hosts_is_one_usage_error(content: bytes, tmp_path: Path) -> None:
    known = tmp_path / "known_hosts"
    known.write_bytes(content)
    opts = SshOptions(known_hosts=known)
    with pytest.raises(UsageError, match="cannot read known_hosts") as info:
        ParamikoConnector(opts)
    assert "\n" not in str(info.value)
