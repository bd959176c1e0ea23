"""Benchmark of `lsg discover` against real SSH hosts, and of Ansible's fact gathering.

Starts N Debian 12 systemd containers with ci/hosts.sh (sshd on 127.0.0.1 ports
only), then, in the same run, times:
  - discovery of 1 host and of all N hosts (the library call behind `lsg discover`,
    one worker per host; the best of --repeat runs),
  - `ansible all -m setup -f N` on the same N hosts (the generated inventory,
    known_hosts checked, the best of --ansible-repeat runs).
Goals: N hosts take under 2x the time of 1, and discovery is at least 3x faster
than Ansible's fact gathering. Exit code 1 when a goal is missed.

    .venv/bin/python benchmarks/bench_discovery.py              # 20 hosts
    .venv/bin/python benchmarks/bench_discovery.py --hosts 5    # a quick run

Needs root and podman (as ci/hosts.sh does); the containers are removed at the end.
`--json` prints the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from lsg_infra import api
from lsg_infra.ssh import SshOptions

ROOT = Path(__file__).resolve().parents[1]
GROUP = "lsg-disc-bench"
MAX_SCALE_RATIO = 2.0
MIN_SPEEDUP = 3.0


def hosts_up(count: int) -> dict[str, Any]:
    done = subprocess.run(
        [str(ROOT / "ci" / "hosts.sh"), "up", str(count), "--name-prefix", GROUP],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    if done.returncode != 0:
        raise SystemExit(f"ci/hosts.sh up failed:\n{done.stderr[-2000:]}")
    state: dict[str, Any] = json.loads(Path(done.stdout.strip().splitlines()[-1]).read_text())
    if any(h["address"] != "127.0.0.1" for h in state["hosts"]):
        raise SystemExit("refusing: a test host is not on 127.0.0.1")
    return state


def hosts_down() -> None:
    subprocess.run(
        [str(ROOT / "ci" / "hosts.sh"), "down", "--name-prefix", GROUP],
        capture_output=True,
        timeout=600,
    )


def write_inventory(folder: Path, state: dict[str, Any]) -> Path:
    rs = folder / "inventory" / "rs"
    rs.mkdir(parents=True)
    assets = "\n".join(
        f"  - {{id: srv-{i:02d}, kind: server, site: hall, "
        f"manage: {{host: 127.0.0.1, port: {h['port']}, user: root}}}}"
        for i, h in enumerate(state["hosts"], start=1)
    )
    (rs / "benchgrad.yaml").write_text(
        "municipality: {id: rs-benchgrad, name: Benchgrad, country: RS, population: 20000, "
        "employees: 90}\nsites:\n  - {id: hall, name: City hall}\nassets:\n" + assets + "\n"
    )
    return folder / "inventory"


def time_discovery(
    inventory: Path, state: dict[str, Any], hosts: list[str], repeat: int
) -> dict[str, Any]:
    inventories = api.load_inventories([inventory])
    options = SshOptions(
        known_hosts=Path(state["known_hosts"]),
        identity=Path(state["private_key"]),
        allow_agent=False,
    )
    best = float("inf")
    cpu = float("inf")
    failed = 0
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        run = api.discover(inventories, options, hosts=hosts, workers=len(hosts), write=False)
        best = min(best, time.perf_counter() - started)
        # this side's CPU (paramiko, parsing); the rest is the hosts' own work and waiting
        cpu = min(cpu, time.process_time() - cpu_started)
        failed = sum(not r.ok for r in run.results)
    return {
        "hosts": len(hosts),
        "seconds": round(best, 3),
        "client_cpu_seconds": round(cpu, 3),
        "failed": failed,
    }


def time_ssh_logins(state: dict[str, Any], count: int, repeat: int) -> dict[str, Any]:
    """The floor under discovery: `ssh HOST true` (OpenSSH) to `count` hosts at once.

    A login costs the host work of its own (sshd, PAM, a systemd session); when the
    hosts are containers on the controller's cores, that work queues for the same
    CPUs however well the client overlaps its connections.
    """
    hosts = state["hosts"][:count]
    known = f"UserKnownHostsFile={state['known_hosts']}"

    def login(host: dict[str, Any]) -> int:
        return subprocess.run(
            [
                *("ssh", "-F", "/dev/null", "-o", "BatchMode=yes"),
                *("-o", "StrictHostKeyChecking=yes", "-o", known),
                *("-o", "IdentitiesOnly=yes", "-i", state["private_key"], "-p", str(host["port"])),
                f"{host['root_user']}@{host['address']}",
                "true",
            ],
            capture_output=True,
            timeout=300,
        ).returncode

    best = float("inf")
    failed = 0
    for _ in range(repeat):
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=len(hosts)) as pool:
            codes = list(pool.map(login, hosts))
        best = min(best, time.perf_counter() - started)
        failed = sum(1 for c in codes if c != 0)
    return {"hosts": len(hosts), "seconds": round(best, 3), "failed": failed}


def time_ansible(state: dict[str, Any], forks: int, repeat: int) -> dict[str, Any]:
    ansible = Path(sys.executable).with_name("ansible")
    if not ansible.exists():
        found = shutil.which("ansible")
        if found is None:
            return {"hosts": forks, "seconds": None, "error": "ansible not installed"}
        ansible = Path(found)
    env = {
        **os.environ,
        "ANSIBLE_HOST_KEY_CHECKING": "True",
        "ANSIBLE_RETRY_FILES_ENABLED": "False",
        "ANSIBLE_STDOUT_CALLBACK": "json",
        "ANSIBLE_LOAD_CALLBACK_PLUGINS": "1",
        "ANSIBLE_GATHERING": "explicit",
        "SSH_AUTH_SOCK": "",
    }
    best = float("inf")
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        env["ANSIBLE_LOCAL_TEMP"] = tmp
        for i in range(repeat):
            # a fresh control path each run: no SSH connection persisted from the last one
            env["ANSIBLE_SSH_CONTROL_PATH_DIR"] = f"{tmp}/cp{i}"
            started = time.perf_counter()
            done = subprocess.run(
                [str(ansible), "all", "-i", state["inventory"], "-m", "setup", "-f", str(forks)],
                capture_output=True,
                text=True,
                env=env,
                timeout=1200,
            )
            best = min(best, time.perf_counter() - started)
            failed = 0 if done.returncode == 0 else 1
            if done.returncode != 0:
                stats = _ansible_failures(done.stdout)
                return {"hosts": forks, "seconds": round(best, 3), "failed": stats}
    return {"hosts": forks, "seconds": round(best, 3), "failed": failed}


def _ansible_failures(stdout: str) -> int:
    try:
        stats = json.loads(stdout)["stats"]
    except (ValueError, KeyError):
        return -1
    return sum(1 for s in stats.values() if s.get("failures") or s.get("unreachable"))


def measure(count: int, repeat: int, ansible_repeat: int) -> dict[str, Any]:
    started = time.perf_counter()
    state = hosts_up(count)
    startup = time.perf_counter() - started
    try:
        with tempfile.TemporaryDirectory() as tmp:
            inventory = write_inventory(Path(tmp), state)
            ids = [f"srv-{i:02d}" for i in range(1, count + 1)]
            time_discovery(inventory, state, ids[:1], 1)  # warm-up: imports, first handshake
            one = time_discovery(inventory, state, ids[:1], repeat)
            many = time_discovery(inventory, state, ids, repeat)
            logins_1 = time_ssh_logins(state, 1, repeat)
            logins_n = time_ssh_logins(state, count, repeat)
            ansible = time_ansible(state, count, ansible_repeat)
        mem = _containers_memory()
    finally:
        hosts_down()
    scale = many["seconds"] / one["seconds"] if one["seconds"] else 0.0
    speedup = (ansible["seconds"] or 0.0) / many["seconds"] if many["seconds"] else 0.0
    return {
        "benchmark": "discovery",
        "hosts": count,
        "cpus": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "hosts_startup_seconds": round(startup, 1),
        "containers_memory_mb": mem,
        "discover_1": one,
        f"discover_{count}": many,
        f"ansible_setup_{count}": ansible,
        "ssh_true_1": logins_1,
        f"ssh_true_{count}": logins_n,
        # the same ratio for bare OpenSSH logins: what these hosts allow at best
        "ssh_true_scale_ratio": round(logins_n["seconds"] / logins_1["seconds"], 2)
        if logins_1["seconds"]
        else None,
        "scale_ratio": round(scale, 2),
        "max_scale_ratio": MAX_SCALE_RATIO,
        "speedup_vs_ansible": round(speedup, 2),
        "min_speedup": MIN_SPEEDUP,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "ok": scale < MAX_SCALE_RATIO
        and speedup >= MIN_SPEEDUP
        and many["failed"] == 0
        and one["failed"] == 0,
    }


def _containers_memory() -> float | None:
    """Memory the test hosts use together (podman stats), in MB; None if unknown."""
    done = subprocess.run(
        [
            "podman",
            "--runtime",
            "runc",
            "stats",
            "--no-stream",
            "--no-reset",
            "--format",
            "{{.Name}} {{.MemUsage}}",
        ],
        capture_output=True,
        text=True,
    )
    total = 0.0
    units = {"kB": 1 / 1000, "KB": 1 / 1000, "MB": 1.0, "GB": 1000.0, "B": 1e-6}
    for line in done.stdout.splitlines():
        parts = line.split()
        if len(parts) < 2 or not parts[0].startswith(GROUP):
            continue
        used = parts[1]
        for unit, factor in sorted(units.items(), key=lambda u: -len(u[0])):
            if used.endswith(unit):
                try:
                    total += float(used[: -len(unit)]) * factor
                except ValueError:
                    return None
                break
    return round(total, 1) if total else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--ansible-repeat", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    args = parser.parse_args()
    if os.geteuid() != 0 or shutil.which("podman") is None:
        print("bench_discovery: skipped (needs root and podman for ci/hosts.sh)", file=sys.stderr)
        return 0
    result = measure(args.hosts, args.repeat, args.ansible_repeat)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        n = args.hosts
        print(f"discovery, {n} container hosts on {result['cpus']} CPUs")
        print(f"  hosts started in        {result['hosts_startup_seconds']:.1f} s")
        print(f"  lsg discover, 1 host    {result['discover_1']['seconds']:.2f} s")
        print(f"  lsg discover, {n} hosts  {result[f'discover_{n}']['seconds']:.2f} s")
        print(f"  ansible -m setup, {n}    {result[f'ansible_setup_{n}']['seconds']} s")
        print(f"  {n} vs 1 host: {result['scale_ratio']}x (goal < {MAX_SCALE_RATIO}x)")
        print(f"  vs ansible: {result['speedup_vs_ansible']}x faster (goal >= {MIN_SPEEDUP}x)")
        print(f"  containers memory: {result['containers_memory_mb']} MB")
        print("  ok" if result["ok"] else "  GOAL MISSED")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
