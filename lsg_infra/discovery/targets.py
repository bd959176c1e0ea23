"""Which hosts to discover: every asset with a management address, picked and addressed.

The address comes from the asset's `manage` (host, port, user). An OpenSSH-style
config file (`--ssh-config`) may override it per host, as `ssh` itself would:
`Host` patterns are matched against the management host name, then against
`<lsg-id>/<asset-id>`, and HostName, Port, User and IdentityFile are applied.
Tests use it to send every host to a container on 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import paramiko

from lsg_infra.errors import InputError, Problem, UsageError
from lsg_infra.model.inventory import Inventory
from lsg_infra.readers.files import display_path
from lsg_infra.readers.messages import did_you_mean
from lsg_infra.ssh import Target


def load_ssh_config(path: Path) -> paramiko.SSHConfig:
    try:
        return paramiko.SSHConfig.from_path(str(path))
    except OSError as exc:
        raise InputError(
            [Problem(display_path(path), 0, "", f"cannot read: {exc.strerror}")]
        ) from None
    except Exception as exc:  # paramiko raises plain exceptions for bad syntax
        raise InputError(
            [Problem(display_path(path), 0, "", f"not an ssh config: {exc}")]
        ) from None


def _override(target: Target, config: paramiko.SSHConfig) -> Target:
    for name in (target.host, target.key):
        entry = config.lookup(name)
        if entry.get("hostname", name) == name and not set(entry) - {"hostname"}:
            continue  # no Host block matched this name
        identity = entry.get("identityfile")
        return Target(
            lsg_id=target.lsg_id,
            asset_id=target.asset_id,
            # without HostName, ssh would use the name it looked up; here that is the asset's host
            host=target.host if entry.get("hostname", name) == name else str(entry["hostname"]),
            port=_port(entry.get("port", target.port), name),
            user=str(entry.get("user", target.user)),
            identity=Path(identity[0]) if identity else target.identity,
        )
    return target


def _port(value: object, name: str) -> int:
    """The Port of an ssh config entry; a one-line error rather than an internal one."""
    text = str(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise UsageError(f"ssh config: Port {text!r} for {name}: expected a number from 1 to 65535")
    return int(text)


def discovery_targets(
    inventories: Sequence[Inventory],
    *,
    hosts: Sequence[str] = (),
    ssh_config: paramiko.SSHConfig | None = None,
) -> list[Target]:
    """One Target per asset with a management address, in inventory order.

    `hosts` keeps only those assets, named by asset id (`srv-01`) or by LSG and
    asset id (`rs-kikinda/srv-01`); a name that matches nothing is a UsageError.
    """
    targets: list[Target] = []
    for inv in inventories:
        for asset in inv.assets:
            if asset.manage is None or asset.id is None:
                continue
            target = Target(
                lsg_id=inv.id,
                asset_id=asset.id,
                host=asset.manage.host,
                port=asset.manage.port,
                user=asset.manage.user,
            )
            targets.append(_override(target, ssh_config) if ssh_config is not None else target)
    if hosts:
        wanted = set(hosts)
        chosen = [t for t in targets if t.asset_id in wanted or t.key in wanted]
        known = {t.asset_id for t in targets} | {t.key for t in targets}
        unknown = sorted(wanted - known)
        if unknown:
            raise UsageError(
                f"no asset with a management address named {', '.join(unknown)}"
                f"{did_you_mean(unknown[0], known)}"
            )
        targets = chosen
    return targets
