"""The generated Ansible inventory and the preflight checks (no hosts needed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lsg_infra.provision.inventory import Connection, ansible_inventory
from lsg_infra.provision.preflight import parse
from lsg_infra.provision.runner import recap
from lsg_infra.sources.files import load_inventory_file

DATA = Path(__file__).parents[1] / "data" / "provision"


def load_testopolje():
    inv, problems = load_inventory_file(DATA / "rs" / "testopolje.yaml")
    assert not problems, problems
    return inv


def test_groups_follow_the_playbooks_contract():
    data = ansible_inventory(load_testopolje(), tier="medium")["all"]
    assert list(data["hosts"]) == ["testopolje-app01", "testopolje-db01"]  # vh01 has no address
    assert data["hosts"]["testopolje-db01"]["ansible_host"] == "db01.testopolje.lsg.internal"
    groups = {name: sorted(g["hosts"]) for name, g in data["children"].items()}
    assert groups == {
        "country_rs": ["testopolje-app01", "testopolje-db01"],
        "lsg_rs_testopolje": ["testopolje-app01", "testopolje-db01"],
        "role_backup": ["testopolje-db01"],
        "role_database": ["testopolje-db01"],
        "role_monitoring": ["testopolje-app01"],
        "role_web": ["testopolje-app01"],  # implied by the website
        "role_website": ["testopolje-app01"],
    }
    assert data["children"]["lsg_rs_testopolje"]["vars"] == {
        "lsg_id": "rs-testopolje",
        "lsg_name": "Testopolje",
        "lsg_name_local": "Тестопоље",
        "lsg_country": "RS",
        "lsg_tier": "medium",
    }
    assert data["vars"] == {}


def test_connection_overrides_for_tests_and_strict_host_keys():
    conn = Connection(
        known_hosts=Path("/k/known_hosts"),
        identity=Path("/k/id"),
        addresses={"app01": ("127.0.0.1", 2201)},
    )
    data = ansible_inventory(load_testopolje(), tier="small", connection=conn)["all"]
    assert (
        data["hosts"]["testopolje-app01"]["ansible_host"],
        data["hosts"]["testopolje-app01"]["ansible_port"],
    ) == ("127.0.0.1", 2201)
    assert data["hosts"]["testopolje-db01"]["ansible_host"] == "db01.testopolje.lsg.internal"
    assert "StrictHostKeyChecking=yes" in data["vars"]["ansible_ssh_common_args"]
    assert "UserKnownHostsFile=/k/known_hosts" in data["vars"]["ansible_ssh_common_args"]
    assert data["vars"]["ansible_ssh_private_key_file"] == "/k/id"


def test_preflight_parse_good_and_bad():
    good = "sudo=yes\nos=debian 12\ndisk_free=21474836480\nntp=yes\nepoch=1000\n"
    assert all(c.ok for c in parse(good, now=1010))
    bad = "sudo=no\nos=debian 10\ndisk_free=1073741824\nntp=no\nepoch=1000\n"
    checks = {c.name: c for c in parse(bad, now=2000)}
    assert [n for n, c in checks.items() if not c.ok] == ["sudo", "os", "disk", "time"]
    assert "debian 10" in checks["os"].detail
    assert "1.0 GiB free" in checks["disk"].detail
    garbage = {c.name: c.ok for c in parse("\x00\xff binary junk", now=0)}
    assert garbage == {"reachable": True, "sudo": False, "os": False, "disk": False, "time": False}


def test_recap_lists_every_host_even_untouched():
    stats = {"ok": {"a": 10}, "changed": {"a": 2}, "dark": {"b": 1}, "failures": {}}
    rows = {r.host: r for r in recap(stats, ["b", "a", "c"])}
    assert (rows["a"].ok, rows["a"].changed, rows["a"].succeeded) == (10, 2, True)
    assert (rows["b"].unreachable, rows["b"].succeeded) == (1, False)
    assert rows["c"].ok == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("admin_users: [\n", "vars.yml:2: YAML syntax error"),
        ("- just\n- a list\n", "vars.yml:1: expected a mapping of variables"),
    ],
)
def test_bad_extra_vars_file_is_one_line_with_file_and_line(
    tmp_path: Path, text: str, expected: str
) -> None:
    # checked before anything connects to a host
    bad = tmp_path / "vars.yml"
    bad.write_text(text)
    root = Path(__file__).resolve().parents[2]
    lsg = str(Path(sys.executable).with_name("lsg"))
    done = subprocess.run(
        [lsg, "provision", "rs-kikinda", "-i", str(root / "inventory"), "-e", str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert expected in done.stderr
    assert "Traceback" not in done.stderr
