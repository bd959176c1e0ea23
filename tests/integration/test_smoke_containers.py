"""Smoke tests of the test infrastructure itself: real hosts over SSH, a real NetBox.

Everything is reached on 127.0.0.1 only.
"""

from __future__ import annotations

import base64
import uuid

import paramiko
import pytest
from lsg_ci_containers import HostGroup, NetBoxServer

pytestmark = pytest.mark.integration


def test_hosts_are_on_loopback_with_known_host_keys(container_hosts: HostGroup) -> None:
    assert len(container_hosts) == len({h.port for h in container_hosts}) >= 2
    known = container_hosts.known_hosts.read_text()
    for host in container_hosts:
        assert host.address == "127.0.0.1"
        assert f"[127.0.0.1]:{host.port} {host.host_key}" in known


def test_command_over_ssh_with_verified_host_key(container_hosts: HostGroup) -> None:
    host = container_hosts[0]
    status, out, err = host.run("hostname; systemctl is-system-running; id -un")
    assert status == 0, err
    hostname, state, user = out.split()
    assert hostname == host.name
    assert state in {"running", "degraded"}
    assert user == "admin"

    status, out, _ = host.run("sudo -n id -u")
    assert (status, out.strip()) == (0, "0")
    status, out, _ = host.run("id -u", user="root")
    assert (status, out.strip()) == (0, "0")


def test_wrong_host_key_is_rejected(container_hosts: HostGroup) -> None:
    """RejectPolicy really checks: host 1 presented under host 2's port entry fails."""
    first, second = container_hosts[0], container_hosts[1]
    client = paramiko.SSHClient()
    # known_hosts that claims the first host's port has the second host's key
    client.get_host_keys().add(
        f"[127.0.0.1]:{first.port}",
        "ssh-ed25519",
        paramiko.Ed25519Key(data=_key_blob(second.host_key)),
    )
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    with pytest.raises(paramiko.BadHostKeyException):
        client.connect(
            "127.0.0.1",
            port=first.port,
            username=first.user,
            key_filename=str(first.key_path),
            look_for_keys=False,
            allow_agent=False,
            timeout=10,
        )
    client.close()


def _key_blob(public: str) -> bytes:
    return base64.b64decode(public.split()[1])


def test_netbox_create_and_read_back(netbox: NetBoxServer) -> None:
    assert netbox.url.startswith("http://127.0.0.1:")
    assert netbox.version.startswith("4.7")
    nb = netbox.api()
    assert nb.status()["netbox-version"] == netbox.version
    slug = f"smoke-{uuid.uuid4().hex[:12]}"
    created = nb.tenancy.tenants.create(name=slug, slug=slug, description="lsg-infra smoke")
    try:
        back = nb.tenancy.tenants.get(slug=slug)
        assert back is not None
        assert back.id == created.id
        assert back.description == "lsg-infra smoke"
    finally:
        created.delete()
    assert nb.tenancy.tenants.get(slug=slug) is None
