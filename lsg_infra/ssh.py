"""The SSH transport: running one script on one host over SSH (paramiko), safely.

Discovery (`discovery/runner.py`) and preflight (`provision/preflight.py`) both reach
hosts through it; neither owns it.

- Host keys are checked against a known_hosts file (paramiko's RejectPolicy);
  `accept_new` records a key for a host that has none, and never accepts a key
  that differs from the recorded one (paramiko raises BadHostKeyException first).
- Keys come from the agent, the default key files or one given key file; a
  password only from the caller (a prompt or LSG_SSH_PASSWORD), kept in a
  `Secret` that never shows in repr, str, logs or messages.
- Output is read in chunks up to a cap and decoded with errors="replace": a host
  that prints huge or binary output can neither crash the run nor fill memory.
"""

from __future__ import annotations

import logging
import math
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import paramiko

from lsg_infra import redact
from lsg_infra.errors import (
    AuthenticationFailure,
    CommandTimeout,
    ConnectionFailure,
    ConnectTimeout,
    HostKeyMismatch,
    UnknownHostKey,
    UsageError,
)

# paramiko's transport thread logs every failed handshake with a full traceback at
# ERROR (a host sending a garbage banner printed pages of it). Each failure already
# becomes a one-line result per host here, so its logger only speaks when asked to.
if logging.getLogger("paramiko").level == logging.NOTSET:
    logging.getLogger("paramiko").setLevel(logging.CRITICAL)

PASSWORD_ENV = "LSG_SSH_PASSWORD"  # noqa: S105 - the name of the variable, not a password
DEFAULT_KNOWN_HOSTS = Path("~/.ssh/known_hosts")
CHUNK = 32 * 1024
DEFAULT_OUTPUT_CAP = 8 * 1024 * 1024
STDERR_CAP = 16 * 1024


class Secret:
    """A password: `reveal()` gives it to paramiko; everything else shows stars."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        redact.register_secret(value)  # masked in every message, should it leak into one

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    @classmethod
    def from_env(cls, name: str = PASSWORD_ENV) -> Secret | None:
        value = os.environ.get(name)
        return cls(value) if value else None


@dataclass(frozen=True, slots=True)
class Target:
    """One host to reach: which asset of which LSG, and where (address, port, user, key)."""

    lsg_id: str
    asset_id: str
    host: str
    port: int = 22
    user: str = "root"
    identity: Path | None = None

    @property
    def address(self) -> str:
        return f"{self.user}@{self.host}:{self.port}"

    @property
    def key(self) -> str:
        return f"{self.lsg_id}/{self.asset_id}"


@dataclass(frozen=True, slots=True)
class SshOptions:
    connect_timeout: float = 10.0
    command_timeout: float = 60.0
    known_hosts: Path = DEFAULT_KNOWN_HOSTS
    accept_new: bool = False
    identity: Path | None = None
    password: Secret | None = field(default=None, repr=False)
    allow_agent: bool = True
    output_cap: int = DEFAULT_OUTPUT_CAP
    # The clock the command deadline is measured with; tests give a fake one so that
    # no unit test races the wall clock.
    clock: Callable[[], float] = field(default=time.monotonic, repr=False, compare=False)

    def __post_init__(self) -> None:
        # NaN compares false with everything: a NaN timeout never expired, and a
        # negative or infinite one is no bound either.
        for name in ("connect_timeout", "command_timeout"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                option = "--" + name.replace("_", "-")
                raise UsageError(
                    f"{option} {value!r}: expected a number of seconds, finite and above 0"
                )


@dataclass(frozen=True, slots=True)
class RemoteOutput:
    stdout: str
    exit_status: int | None
    truncated: bool
    stderr: str = ""


class Connector(Protocol):
    """Runs a script on a target; raises a ConnectionFailure or RemoteError subclass."""

    def run(self, target: Target, script: str) -> RemoteOutput: ...


class _RecordNewKey(paramiko.MissingHostKeyPolicy):
    """Trust a host seen for the first time and append its key to known_hosts.

    paramiko only asks the policy when the host has NO recorded key; a changed key
    raises BadHostKeyException before this is reached.
    """

    _lock = threading.Lock()

    def __init__(self, path: Path) -> None:
        self.path = path

    def missing_host_key(
        self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey
    ) -> None:
        line = f"{hostname} {key.get_name()} {key.get_base64()}\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line)
        client.get_host_keys().add(hostname, key.get_name(), key)


class _RejectUnknown(paramiko.MissingHostKeyPolicy):
    def missing_host_key(
        self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey
    ) -> None:
        raise _UnknownKeySignal(hostname)


class _UnknownKeySignal(paramiko.SSHException):
    pass


class ParamikoConnector:
    """The real connector: one SSH session per call, closed before returning."""

    def __init__(self, options: SshOptions) -> None:
        self.options = options
        self._known_hosts = options.known_hosts.expanduser()
        if self._known_hosts.exists():
            # once, here: a broken file is one usage error, not one failure per host
            try:
                paramiko.HostKeys(str(self._known_hosts))
            except Exception as exc:  # paramiko: InvalidHostKey, ValueError, UnicodeError
                raise UsageError(_unreadable_known_hosts(self._known_hosts, exc)) from None

    def __repr__(self) -> str:
        return f"ParamikoConnector(known_hosts={str(self._known_hosts)!r})"

    def _client(self) -> paramiko.SSHClient:
        client = paramiko.SSHClient()
        if self._known_hosts.exists():
            try:
                client.load_host_keys(str(self._known_hosts))
            except Exception as exc:  # changed since __init__ checked it
                raise ConnectionFailure(_unreadable_known_hosts(self._known_hosts, exc)) from None
        policy: paramiko.MissingHostKeyPolicy = (
            _RecordNewKey(self._known_hosts) if self.options.accept_new else _RejectUnknown()
        )
        client.set_missing_host_key_policy(policy)
        return client

    def connect(self, target: Target) -> paramiko.SSHClient:
        opts = self.options
        client = self._client()
        identity = target.identity or opts.identity
        password = opts.password.reveal() if opts.password else None
        where = f"{target.host}:{target.port}"
        try:
            client.connect(
                target.host,
                port=target.port,
                username=target.user,
                key_filename=str(identity.expanduser()) if identity else None,
                password=password,
                timeout=opts.connect_timeout,
                banner_timeout=opts.connect_timeout,
                auth_timeout=opts.connect_timeout,
                allow_agent=opts.allow_agent,
                look_for_keys=identity is None,
            )
        except paramiko.BadHostKeyException as exc:
            client.close()
            raise HostKeyMismatch(
                f"host key of {where} changed: got {exc.key.get_name()} "
                f"{exc.key.fingerprint}, known_hosts has {exc.expected_key.fingerprint}; "
                "not connecting (check the server, then fix known_hosts)"
            ) from None
        except _UnknownKeySignal:
            client.close()
            raise UnknownHostKey(
                f"no key for {where} in {self._known_hosts}; "
                "check it and add it, or run with --accept-new"
            ) from None
        except paramiko.AuthenticationException as exc:
            client.close()
            raise AuthenticationFailure(
                f"{target.user}@{where} refused our credentials ({_first_line(exc)})"
            ) from None
        except TimeoutError:
            client.close()
            raise ConnectTimeout(
                f"{where} did not answer within {opts.connect_timeout:g} s"
            ) from None
        except (paramiko.SSHException, EOFError) as exc:
            transport = client.get_transport()
            got_banner = bool(transport is not None and transport.remote_version)
            client.close()
            if not got_banner and (_silent(exc) or "No existing session" in str(exc)):
                # it took the TCP connection but said nothing: a timeout, not "unreachable"
                raise ConnectTimeout(
                    f"{where} accepted the connection but sent no SSH banner within "
                    f"{opts.connect_timeout:g} s"
                ) from None
            if not got_banner:
                raise ConnectionFailure(
                    f"{where}: does not speak SSH (no valid SSH banner)"
                ) from None
            raise ConnectionFailure(f"{where}: SSH failed: {_first_line(exc)}") from None
        except OSError as exc:
            client.close()
            reason = exc.strerror or _first_line(exc)
            if isinstance(exc, paramiko.ssh_exception.NoValidConnectionsError):
                # one error per address tried; say what they were ("Connection refused")
                reason = "; ".join(
                    sorted({getattr(e, "strerror", None) or str(e) for e in exc.errors.values()})
                )
            raise ConnectionFailure(f"{where}: {reason}") from None
        return client

    def run(self, target: Target, script: str) -> RemoteOutput:
        client = self.connect(target)
        try:
            return _run_on(client, script, self.options, f"{target.host}:{target.port}")
        finally:
            client.close()


def _unreadable_known_hosts(path: Path, exc: BaseException) -> str:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
    return f"cannot read known_hosts {path}: {reason} (expected OpenSSH known_hosts lines)"


def _silent(exc: BaseException) -> bool:
    """True when paramiko gave up waiting for the banner (a socket timeout inside)."""
    cause = exc.__cause__ or exc.__context__
    return isinstance(cause, TimeoutError | socket.timeout)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]


def _run_on(client: paramiko.SSHClient, script: str, opts: SshOptions, where: str) -> RemoteOutput:
    transport = client.get_transport()
    if transport is None:
        raise ConnectionFailure(f"{where}: SSH session closed")
    deadline = opts.clock() + opts.command_timeout
    try:
        channel = transport.open_session(timeout=opts.connect_timeout)
        # The script goes on stdin: the login shell never parses it, whatever it is.
        channel.exec_command("/bin/sh -s")
        channel.sendall(script.encode("utf-8"))
        channel.shutdown_write()
    except (paramiko.SSHException, OSError, EOFError) as exc:
        raise ConnectionFailure(f"{where}: cannot start the command: {_first_line(exc)}") from None
    channel.settimeout(0.2)
    out = bytearray()
    err = bytearray()
    truncated = False
    try:
        while True:
            if opts.clock() > deadline:
                raise CommandTimeout(
                    f"{where}: no complete answer within {opts.command_timeout:g} s"
                )
            while channel.recv_stderr_ready():  # drained so paramiko's buffer stays small
                chunk = channel.recv_stderr(CHUNK)
                if len(err) < STDERR_CAP:
                    err += chunk[: STDERR_CAP - len(err)]
            try:
                chunk = channel.recv(CHUNK)
            except TimeoutError:
                continue
            if not chunk:
                break
            room = opts.output_cap - len(out)
            if len(chunk) > room:
                out += chunk[:room]
                truncated = True
                break  # stop reading: closing the channel stops the remote side too
            out += chunk
        status: int | None = None
        if not truncated and channel.status_event.wait(max(0.0, deadline - opts.clock())):
            status = channel.recv_exit_status()
    except (paramiko.SSHException, OSError, EOFError) as exc:
        raise ConnectionFailure(f"{where}: connection lost: {_first_line(exc)}") from None
    finally:
        channel.close()
    return RemoteOutput(
        stdout=out.decode("utf-8", errors="replace"),
        exit_status=status,
        truncated=truncated,
        stderr=err.decode("utf-8", errors="replace"),
    )
