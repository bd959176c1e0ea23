"""`lsg discover` against real hosts: Debian systemd containers with sshd on 127.0.0.1.

Four hosts from ci/hosts.sh: one healthy, one stopped, one whose key in known_hosts
is replaced by another (a "changed" host key) and one that is offered a key it
does not accept. Each gets its own clear result and the others still succeed.
Every connection goes to 127.0.0.1 only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
NAMES = ["srv-good", "srv-stopped", "srv-rekeyed", "srv-refused"]
LSG = str(Path(sys.executable).with_name("lsg"))


def _debian_release(container: str) -> str:
    """The container's own Debian major release ("13"), read from its os-release."""
    text = _podman("exec", container, "cat", "/etc/os-release").stdout
    fields = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    return fields["VERSION_ID"].strip('"')


def _podman(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["podman", "--runtime", "runc", *args], capture_output=True, text=True, check=True
    )


@pytest.fixture(scope="module")
def hosts(container_host_factory: Callable[..., Any]) -> dict[str, Any]:
    """Four fresh hosts from the shared fixture (skipped, or failed under CI, without podman)."""
    group = container_host_factory(4, name="disc")
    assert all(h.address == "127.0.0.1" for h in group)
    return dict(group.state)


@pytest.fixture(scope="module")
def run(hosts: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One `lsg discover` over the four hosts, after breaking three of them."""
    work = tmp_path_factory.mktemp("discover")
    stopped, rekeyed = hosts["hosts"][1:3]
    folder = work / "inventory" / "rs"
    folder.mkdir(parents=True)
    assets = "\n".join(
        f"  - {{id: {name}, kind: server, site: hall, cpu_cores: 64, ram_gb: 2, "
        f"os: {{name: Debian, version: '11'}}, "
        f"manage: {{host: 127.0.0.1, port: {h['port']}, user: root}}}}"
        for name, h in zip(NAMES, hosts["hosts"], strict=True)
    )
    (folder / "testgrad.yaml").write_text(
        "municipality: {id: rs-testgrad, name: Testgrad, country: RS, population: 20000, "
        "employees: 90}\nsites:\n  - {id: hall, name: City hall}\nassets:\n" + assets + "\n"
    )
    # srv-rekeyed: known_hosts holds a different key for its address
    other = work / "other_host_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(other)], check=True)
    known = work / "known_hosts"
    lines = Path(hosts["known_hosts"]).read_text().splitlines()
    fake = " ".join(other.with_suffix(".pub").read_text().split()[:2])
    known.write_text(
        "\n".join(
            f"[127.0.0.1]:{rekeyed['port']} {fake}" if f":{rekeyed['port']} " in line else line
            for line in lines
        )
        + "\n"
    )
    # srv-refused: offered a key its authorized_keys does not hold
    stranger = work / "stranger_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(stranger)], check=True)
    ssh_config = work / "ssh_config"
    ssh_config.write_text(f"Host rs-testgrad/srv-refused\n  IdentityFile {stranger}\n")
    _podman("stop", "-t", "1", stopped["container"])

    env = {**os.environ, "SSH_AUTH_SOCK": "", "HOME": str(work)}
    cmd = [
        LSG,
        "discover",
        "--inventory",
        str(work / "inventory"),
        "--known-hosts",
        str(known),
        "--identity",
        hosts["private_key"],
        "--ssh-config",
        str(ssh_config),
        "--connect-timeout",
        "10",
        "--format",
        "json",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=work, env=env, timeout=300)
    return {
        "rc": done.returncode,
        "out": json.loads(done.stdout),
        "stderr": done.stderr,
        "work": work,
        "env": env,
        "known": known,
    }


def _by_asset(run: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {h["asset"]: h for h in run["out"]["hosts"]}


def test_each_broken_host_gets_its_own_result(run: dict[str, Any]) -> None:
    hosts = _by_asset(run)
    assert run["rc"] == 1, run["stderr"]
    assert {a: h["status"] for a, h in hosts.items()} == {
        "srv-good": "ok",
        "srv-stopped": "unreachable",
        "srv-rekeyed": "host-key-mismatch",
        "srv-refused": "auth-failed",
    }
    assert "refused" in hosts["srv-stopped"]["reason"].lower()
    assert "changed" in hosts["srv-rekeyed"]["reason"]
    assert "refused our credentials" in hosts["srv-refused"]["reason"]


def test_facts_match_the_container(run: dict[str, Any], hosts: dict[str, Any]) -> None:
    name = hosts["hosts"][0]["container"]
    good = _by_asset(run)["srv-good"]
    assert good["hostname"] == name
    assert good["os"] == f"Debian {_debian_release(name)}"
    assert good["virtualisation"] == "podman"
    assert good["listening"] == [22]
    assert good["cpu_cores"] == int(_podman("exec", name, "nproc").stdout)

    from lsg_infra.discovery import store

    found = store.load_discovered(run["work"] / "inventory" / "rs" / "testgrad.discovered.yaml")
    assert found is not None and list(found.hosts) == ["srv-good"]
    facts = found.hosts["srv-good"].facts
    assert facts.packages is not None
    version = _podman("exec", name, "dpkg-query", "-W", "-f=${Version}", "openssh-server").stdout
    assert facts.packages.installed["openssh-server"] == version
    assert {"ssh", "dbus", "systemd-journald"} <= set(facts.services)
    assert facts.kernel is not None
    assert facts.kernel.release == _podman("exec", name, "uname", "-r").stdout.strip()


def test_inventory_show_reports_the_differences(run: dict[str, Any], hosts: dict[str, Any]) -> None:
    done = subprocess.run(
        [LSG, "inventory", "show", "rs-testgrad", "-i", "inventory", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=run["work"],
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    detail = json.loads(done.stdout)
    fields = {(d["asset_id"], d["field"]) for d in detail["differences"]}
    assert fields == {("srv-good", "ram_gb"), ("srv-good", "cpu_cores"), ("srv-good", "os")}
    good = next(a for a in detail["assets"] if a["id"] == "srv-good")
    release = _debian_release(hosts["hosts"][0]["container"])
    assert good["os"] == {"name": "Debian", "version": release}


def test_accept_new_records_an_unknown_key_but_never_a_changed_one(
    run: dict[str, Any], hosts: dict[str, Any]
) -> None:
    work: Path = run["work"]
    fresh = work / "fresh_known_hosts"
    base = [
        LSG, "discover", "-i", "inventory", "--identity", hosts["private_key"], "--no-write",
        "--format", "json", "--known-hosts",
    ]  # fmt: skip
    first = subprocess.run(
        [*base, str(fresh), "--host", "srv-good"],
        capture_output=True, text=True, cwd=work, env=run["env"], timeout=120,
    )  # fmt: skip
    assert json.loads(first.stdout)["hosts"][0]["status"] == "host-key-unknown"
    assert first.returncode == 1
    second = subprocess.run(
        [*base, str(fresh), "--host", "srv-good", "--accept-new"],
        capture_output=True, text=True, cwd=work, env=run["env"], timeout=120,
    )  # fmt: skip
    assert second.returncode == 0, second.stdout + second.stderr
    assert f"[127.0.0.1]:{hosts['hosts'][0]['port']} ssh-ed25519 " in fresh.read_text()
    third = subprocess.run(
        [*base, str(run["known"]), "--host", "srv-rekeyed", "--accept-new"],
        capture_output=True, text=True, cwd=work, env=run["env"], timeout=120,
    )  # fmt: skip
    assert json.loads(third.stdout)["hosts"][0]["status"] == "host-key-mismatch"
