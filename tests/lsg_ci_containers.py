"""Python side of the ci/ container scripts: start and stop test hosts and NetBox.

The fixtures in tests/integration/conftest.py use these helpers; benchmarks and other
tests may call them directly (``start_container_hosts(20, "bench")``). Every address is
127.0.0.1: the scripts publish container ports on loopback only and these helpers refuse
anything else. The module sits in tests/, not beside the integration tests, so that
``import lsg_ci_containers`` resolves the same way for pytest (``pythonpath``) and for
mypy (``mypy_path``), which cannot also take tests/integration as a root: its conftest.py
would clash with tests/conftest.py.

Exit code 2 from a script means "a prerequisite is missing" (no root, no podman and
no way to install it); it is raised as ``MissingPrerequisite``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CI_DIR = REPO / "ci"
HOSTS_SH = CI_DIR / "hosts.sh"
NETBOX_SH = CI_DIR / "netbox.sh"
LOOPBACK = "127.0.0.1"

# Building the NetBox image takes about 10 minutes once on a 2-core machine;
# everything else takes seconds.
SCRIPT_TIMEOUT = 45 * 60


class MissingPrerequisite(RuntimeError):
    """A ci/ script exited 2: root, podman or a Debian package is missing."""


class ScriptFailed(RuntimeError):
    """A ci/ script failed for another reason; the message ends with its log tail."""


#: (what, seconds) of every script call in this process, for the test report.
TIMINGS: list[tuple[str, float]] = []


def prerequisite_problem() -> str | None:
    """Why the container tests cannot run here, with how to enable them; None if they can."""
    if not sys.platform.startswith("linux"):
        return "integration tests need Linux with podman (run on Debian 12 as root)"
    if os.environ.get("LSG_INTEGRATION", "").lower() in {"0", "no", "false", "off"}:
        return "disabled by LSG_INTEGRATION=0 (unset it to run them)"
    if os.geteuid() != 0:
        return (
            "needs root: run the tests as root (e.g. `sudo make test`); the ci/ scripts "
            "then install podman, runc and debootstrap and build the images themselves"
        )
    if shutil.which("podman") is None and shutil.which("apt-get") is None:
        return "needs podman and runc (apt-get install -y podman runc debootstrap)"
    return None


def _run_script(what: str, args: list[str]) -> str:
    """Run a ci/ script; return its last stdout line (the state file path)."""
    started = time.monotonic()
    done = subprocess.run(
        args,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT,
        check=False,
    )
    TIMINGS.append((what, time.monotonic() - started))
    tail = "\n".join(done.stderr.strip().splitlines()[-40:])
    if done.returncode == 2:
        raise MissingPrerequisite(f"{what}: {tail}")
    if done.returncode != 0:
        raise ScriptFailed(f"{what} failed (exit {done.returncode}):\n{tail}")
    lines = done.stdout.strip().splitlines()
    return lines[-1] if lines else ""


# --------------------------------------------------------------------------- hosts


@dataclass(frozen=True)
class ContainerHost:
    """One running test host: systemd + sshd, reachable at 127.0.0.1:port."""

    name: str  # container name and hostname
    address: str  # always 127.0.0.1
    port: int  # sshd, published on 127.0.0.1
    user: str  # "admin": passwordless sudo
    root_user: str  # "root": the same key works
    key_path: Path  # private key (ed25519, no passphrase)
    known_hosts: Path  # "[127.0.0.1]:PORT ssh-ed25519 ..." for the group
    host_key: str  # "ssh-ed25519 AAAA..." of this host

    @property
    def container(self) -> str:
        return self.name

    def ssh(self, user: str | None = None, timeout: float = 10.0) -> Any:
        """A connected paramiko SSHClient; the host key is checked (RejectPolicy)."""
        import paramiko

        client = paramiko.SSHClient()
        client.load_host_keys(str(self.known_hosts))
        client.set_missing_host_key_policy(paramiko.RejectPolicy())
        client.connect(
            self.address,
            port=self.port,
            username=user or self.user,
            key_filename=str(self.key_path),
            look_for_keys=False,
            allow_agent=False,
            timeout=timeout,
            banner_timeout=timeout,
            auth_timeout=timeout,
        )
        return client

    def run(
        self, command: str, user: str | None = None, timeout: float = 60.0
    ) -> tuple[int, str, str]:
        """Run a command over SSH: (exit status, stdout, stderr)."""
        client = self.ssh(user=user)
        try:
            _, stdout, stderr = client.exec_command(command, timeout=timeout)
            out = stdout.read().decode()
            err = stderr.read().decode()
            return stdout.channel.recv_exit_status(), out, err
        finally:
            client.close()


@dataclass(frozen=True)
class HostGroup:
    """Hosts started together by ``ci/hosts.sh up N --name-prefix PREFIX``."""

    prefix: str
    hosts: list[ContainerHost]
    private_key: Path
    public_key: Path
    known_hosts: Path
    inventory: Path  # Ansible inventory (INI) of the group, become via sudo as admin
    state_file: Path  # the JSON ci/hosts.sh wrote
    state: dict[str, Any] = field(repr=False)  # that JSON as a dict

    def __iter__(self) -> Iterator[ContainerHost]:
        return iter(self.hosts)

    def __len__(self) -> int:
        return len(self.hosts)

    def __getitem__(self, index: int) -> ContainerHost:
        return self.hosts[index]

    # dict-style access, as the state JSON reads (group["hosts"], group["known_hosts"])
    def get(self, key: str, default: Any = None) -> Any:
        return self.state.get(key, default)


def load_host_group(state_file: Path) -> HostGroup:
    state = json.loads(state_file.read_text())
    hosts = []
    for h in state["hosts"]:
        if h["address"] != LOOPBACK:
            raise ScriptFailed(f"refusing host {h['name']}: address {h['address']} is not loopback")
        hosts.append(
            ContainerHost(
                name=h["name"],
                address=h["address"],
                port=int(h["port"]),
                user=h["user"],
                root_user=h["root_user"],
                key_path=Path(h["key_path"]),
                known_hosts=Path(h["known_hosts"]),
                host_key=h["host_key"],
            )
        )
    return HostGroup(
        prefix=state["group"],
        hosts=hosts,
        private_key=Path(state["private_key"]),
        public_key=Path(state["public_key"]),
        known_hosts=Path(state["known_hosts"]),
        inventory=Path(state["inventory"]),
        state_file=state_file,
        state=state,
    )


def start_container_hosts(count: int, prefix: str) -> HostGroup:
    """Start ``count`` hosts named PREFIX-1..PREFIX-count (replacing a group PREFIX)."""
    path = _run_script(
        f"hosts.sh up {count}", [str(HOSTS_SH), "up", str(count), "--name-prefix", prefix]
    )
    return load_host_group(Path(path))


def stop_container_hosts(prefix: str) -> None:
    _run_script("hosts.sh down", [str(HOSTS_SH), "down", "--name-prefix", prefix])


# -------------------------------------------------------------------------- NetBox


@dataclass(frozen=True)
class NetBoxServer:
    """A running NetBox (real server, PostgreSQL + Redis inside) on 127.0.0.1."""

    name: str  # container name
    url: str  # http://127.0.0.1:PORT
    token: str = field(repr=False)  # v1 API token (40 hex), write-enabled, superuser
    version: str  # e.g. "4.7.3"
    state_file: Path

    def __getitem__(self, key: str) -> Any:  # netbox["url"], like the state JSON
        return getattr(self, key)

    def api(self) -> Any:
        """A pynetbox API object for this server."""
        import pynetbox

        return pynetbox.api(self.url, token=self.token)


def start_netbox(name: str) -> NetBoxServer:
    path = Path(_run_script("netbox.sh up", [str(NETBOX_SH), "up", "--name", name]))
    state = json.loads(path.read_text())
    if not state["url"].startswith(f"http://{LOOPBACK}:"):
        raise ScriptFailed(f"refusing NetBox at {state['url']}: not loopback")
    return NetBoxServer(
        name=state["name"],
        url=state["url"],
        token=state["token"],
        version=state["version"],
        state_file=path,
    )


def stop_netbox(name: str) -> None:
    _run_script("netbox.sh down", [str(NETBOX_SH), "down", "--name", name])


# ------------------------------------------------------------------ safety net


def session_label() -> str:
    """A name part unique to this process, so concurrent test sessions never collide."""
    return f"pt{os.getpid()}"


def remove_orphans() -> None:
    """Remove containers of test sessions whose process is gone (killed with SIGKILL)."""
    if shutil.which("podman") is None:
        return
    done = subprocess.run(
        [
            "podman", "--runtime", "runc", "ps", "-a", "--filter", "label=lsg-infra.ci=1",
            "--format", '{{.ID}} {{index .Labels "lsg-infra.ci.group"}}',
        ],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    orphans = []
    for line in done.stdout.splitlines():
        cid, _, group = line.partition(" ")
        if not group.startswith("pt") or "-" not in group:
            continue
        pid = group[2:].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            orphans.append(cid)
    if orphans:
        subprocess.run(
            ["podman", "--runtime", "runc", "rm", "-f", "-t", "1", *orphans],
            capture_output=True, check=False, timeout=300,
        )  # fmt: skip


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
