"""Running the playbooks through ansible-runner, with live progress and a recap per host.

One unreachable host does not stop the others (Ansible carries on with the rest);
the result says, per host, what was ok, changed, failed or unreachable.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsg_infra import bundled
from lsg_infra.errors import ProvisioningError
from lsg_infra.provision.scrub import scrub_artifacts

HOST_EVENTS = {
    "runner_on_ok": "ok",
    "runner_on_failed": "failed",
    "runner_on_unreachable": "unreachable",
    "runner_on_skipped": "skipped",
}


@dataclass
class HostRecap:
    host: str
    ok: int = 0
    changed: int = 0
    failed: int = 0
    unreachable: int = 0
    skipped: int = 0
    rescued: int = 0
    ignored: int = 0

    @property
    def succeeded(self) -> bool:
        return not self.failed and not self.unreachable


@dataclass
class ProvisionResult:
    status: str
    rc: int
    artifacts: Path
    hosts: list[HostRecap] = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        return self.rc == 0 and bool(self.hosts) and all(h.succeeded for h in self.hosts)


ProgressFn = Callable[[str, str, str], None]
"""Called with (host, task name, outcome) for every task result."""


def recap(stats: dict[str, Any] | None, hosts: Sequence[str]) -> list[HostRecap]:
    """Ansible's playbook_on_stats into one recap per host (every host, even untouched)."""
    stats = stats or {}
    out = []
    for host in sorted(hosts):
        out.append(
            HostRecap(
                host=host,
                ok=int(stats.get("ok", {}).get(host, 0)),
                changed=int(stats.get("changed", {}).get(host, 0)),
                failed=int(stats.get("failures", {}).get(host, 0)),
                unreachable=int(stats.get("dark", {}).get(host, 0)),
                skipped=int(stats.get("skipped", {}).get(host, 0)),
                rescued=int(stats.get("rescued", {}).get(host, 0)),
                ignored=int(stats.get("ignored", {}).get(host, 0)),
            )
        )
    return out


def run_playbook(
    inventory: dict[str, Any],
    *,
    run_dir: Path,
    playbooks: Path | None = None,
    playbook: str = "site.yml",
    check: bool = False,
    limit: str | None = None,
    tags: Sequence[str] = (),
    forks: int | None = None,
    envvars: dict[str, str] | None = None,
    extravars: dict[str, Any] | None = None,
    progress: ProgressFn | None = None,
) -> ProvisionResult:
    """Run `playbook` from `playbooks` (default: the bundled ones) on `inventory`'s hosts.

    Artifacts go under run_dir.
    """
    import ansible_runner  # imported here: it is slow to import and only this needs it

    if playbooks is None:
        playbooks = bundled.playbooks()

    if not (playbooks / playbook).is_file():
        raise ProvisioningError(f"playbook not found: {playbooks / playbook}")
    hosts = list(inventory.get("all", {}).get("hosts", {}))
    if not hosts:
        raise ProvisioningError(
            "no host to provision: give servers a management address (assets[].manage)"
        )
    run_dir.mkdir(parents=True, exist_ok=True)
    ident = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    bindir = str(Path(sys.executable).parent)
    env = {
        # ansible-playbook from this environment, and this project's ansible.cfg
        "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}",
        "ANSIBLE_CONFIG": str(playbooks / "ansible.cfg"),
        "ANSIBLE_ROLES_PATH": str(playbooks / "roles"),
        # ansible-runner turns host key checking off unless told otherwise; we verify keys.
        "ANSIBLE_HOST_KEY_CHECKING": "True",
        **(envvars or {}),
    }
    # --diff shows what a dry run would change in files; the roles mark every task
    # that templates or sets a secret `diff: false` / `no_log: true`, and the
    # artifacts are scrubbed after the run (scrub.py) as a safety net.
    cmdline = "--check --diff" if check else None
    full_env = {**os.environ, **env}
    artifact_dir = run_dir / "artifacts" / ident
    scrubbed_early = False

    def on_event(event: dict[str, Any]) -> bool:
        nonlocal scrubbed_early
        if not scrubbed_early:
            # ansible-runner has written the environment to artifacts/<ident>/command
            # by the first event: do not leave it there for the length of the run.
            scrubbed_early = True
            scrub_artifacts(artifact_dir, {})
        outcome = HOST_EVENTS.get(event.get("event", ""))
        if outcome and progress is not None:
            data = event.get("event_data", {})
            if outcome == "ok" and data.get("res", {}).get("changed"):
                outcome = "changed"
            progress(str(data.get("host", "?")), str(data.get("task", "")), outcome)
        return True

    try:
        runner = ansible_runner.run(
            private_data_dir=str(run_dir),
            project_dir=str(playbooks),
            playbook=playbook,
            inventory=inventory,
            ident=ident,
            limit=limit,
            tags=",".join(tags) if tags else None,
            forks=forks or max(5, min(50, len(hosts))),
            cmdline=cmdline,
            envvars=env,
            extravars=extravars or None,
            # one fact cache for every run of this LSG, so a re-run skips re-gathering
            fact_cache=str(run_dir / "facts"),
            event_handler=on_event,
            quiet=True,
            suppress_env_files=True,  # nothing secret may land in env/ on disk
            rotate_artifacts=20,
        )
    finally:
        if artifact_dir.is_dir():
            scrub_artifacts(artifact_dir, full_env)
    artifacts = Path(runner.config.artifact_dir)
    if runner.status not in ("successful", "failed"):
        raise ProvisioningError(
            f"ansible run {runner.status} (rc {runner.rc}); see {artifacts / 'stdout'}"
        )
    return ProvisionResult(
        status=runner.status,
        rc=int(runner.rc),
        artifacts=artifacts,
        hosts=recap(runner.stats, hosts),
    )
