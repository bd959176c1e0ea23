"""Fact parsers on output recorded from (or written after) real distributions."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from lsg_infra.discovery.facts import FACTS, session
from lsg_infra.discovery.facts.base import Fact
from lsg_infra.discovery.facts.session import Section, parse_facts
from lsg_infra.discovery.facts.system import parse_hostname, parse_kernel, parse_uptime

DATA = Path(__file__).parent.parent / "data" / "discovery"
DISTROS = ["debian-12", "ubuntu-22.04", "ubuntu-24.04", "rocky-9"]


def recorded(distro: str) -> dict[str, Section]:
    return {
        f.name: Section(text=(DATA / distro / f"{f.name}.out").read_text(), rc=0, truncated=False)
        for f in FACTS
    }


@pytest.mark.parametrize("distro", DISTROS)
def test_every_fact_parses_without_problems(distro: str) -> None:
    host = parse_facts(recorded(distro))
    assert host.problems == []
    for name in ("hostname", "os", "kernel", "cpu", "memory", "packages", "updates"):
        assert getattr(host, name) is not None, name
    assert host.filesystems and host.listening and host.services


def test_debian_12_recorded_from_a_container() -> None:
    host = parse_facts(recorded("debian-12"))
    assert host.hostname == "disc-rec-1"
    assert host.os is not None
    assert (host.os.id, host.os.name, host.os.version) == ("debian", "Debian", "12")
    assert host.virtualisation == "podman"
    assert host.kernel is not None and host.kernel.machine == "x86_64"
    assert host.cpu is not None and (host.cpu.logical, host.cpu.cores) == (2, 2)
    assert host.memory is not None and host.memory.total_bytes == 24683656 * 1024
    # the container's /etc/hosts bind mount is the same filesystem as / : counted once
    assert [fs.mount for fs in host.filesystems] == ["/"]
    assert host.disks == []
    assert [(s.address, s.port, s.process) for s in host.listening] == [
        ("0.0.0.0", 22, "sshd"),
        ("::", 22, "sshd"),
    ]
    assert host.packages is not None and host.packages.manager == "dpkg"
    assert host.packages.installed["openssh-server"].startswith("1:9.2p1")
    assert "ssh" in host.services and "dbus" in host.services
    assert host.updates is not None and host.updates.source == "apt"
    assert host.updates.last_upgrade is None


def test_whole_recorded_session_splits_into_the_same_sections() -> None:
    text = (DATA / "debian-12" / "combined.out").read_text()
    nonce = (DATA / "debian-12" / "nonce").read_text().strip()
    sections = session.split_output(text, nonce)
    assert set(sections) == {f.name for f in FACTS}
    assert all(s.rc == 0 and not s.truncated for s in sections.values())
    assert sections["hostname"].text == "disc-rec-1\n"
    assert parse_facts(sections) == parse_facts(recorded("debian-12"))


def test_ubuntu_22_04_vm() -> None:
    host = parse_facts(recorded("ubuntu-22.04"))
    assert host.os is not None and (host.os.name, host.os.version) == ("Ubuntu", "22.04")
    assert host.os.id_like == ["debian"]
    assert host.virtualisation == "kvm"
    assert host.cpu is not None
    assert (host.cpu.logical, host.cpu.cores, host.cpu.sockets) == (4, 4, 4)
    assert host.memory is not None and host.memory.total_gb == 7.8
    assert host.filesystems[-1].mount == "/srv/web data"  # a mount point with a space
    assert [d.name for d in host.disks] == ["vda", "vdb"]  # loop and rom are not disks
    assert host.storage_bytes == 107374182400 + 536870912000
    resolver = next(s for s in host.listening if s.port == 53)
    assert (resolver.address, resolver.process) == ("127.0.0.53", "systemd-resolve")
    assert {s.port for s in host.listening} == {22, 53, 80, 443, 5432, 9000}
    assert host.packages is not None
    assert "apache2" not in host.packages.installed  # removed, config left ("rc")
    assert host.packages.installed["libc6:i386"] == "2.35-0ubuntu3.7"  # multiarch kept apart
    assert "postgresql@14-main" in host.services
    assert host.updates is not None
    assert host.updates.last_upgrade == dt.datetime(2024, 4, 20, 13, 3, 31)
    assert host.updates.last_security_upgrade == dt.datetime(2024, 4, 16, 6, 31, 20)
    assert host.uptime_seconds == pytest.approx(1892731.44)


def test_ubuntu_24_04_physical_non_root() -> None:
    host = parse_facts(recorded("ubuntu-24.04"))
    assert host.os is not None and host.os.version == "24.04"
    assert host.virtualisation == "none"
    assert host.cpu is not None and (host.cpu.logical, host.cpu.cores) == (16, 8)
    assert host.cpu.model == "Intel(R) Xeon(R) Silver 4208 CPU @ 2.10GHz"
    assert all(s.process is None for s in host.listening)  # ss shows processes to root only
    assert ("*", 22) in {(s.address, s.port) for s in host.listening}
    assert [d.rotational for d in host.disks] == [False, True, True]
    assert host.updates is not None
    assert host.updates.last_security_upgrade == dt.datetime(2024, 6, 2, 6, 40, 12)


def test_rocky_9_vm() -> None:
    host = parse_facts(recorded("rocky-9"))
    assert host.os is not None
    assert (host.os.id, host.os.name, host.os.version) == ("rocky", "Rocky Linux", "9.3")
    assert host.cpu is not None
    assert (host.cpu.logical, host.cpu.cores, host.cpu.sockets) == (8, 8, 2)
    assert host.cpu.model == "Intel(R) Xeon(R) Gold 6226R CPU @ 2.90GHz"
    assert host.packages is not None and host.packages.manager == "rpm"
    assert host.packages.installed["openssl"] == "1:3.0.7-25.el9_3"
    # two kernels installed side by side (rpm "installonly"): both versions kept
    assert host.packages.installed["kernel"] == "5.14.0-362.24.1.el9_3.0.1, 5.14.0-362.8.1.el9_3"
    assert [d.model for d in host.disks] == ["Virtual disk", "Virtual disk"]
    assert "sshd" in host.services and "firewalld" in host.services
    assert host.updates is not None and host.updates.source == "dnf"
    assert host.updates.last_upgrade == dt.datetime(2024, 5, 6, 3, 0)
    assert host.updates.last_security_upgrade == dt.datetime(2024, 5, 6, 3, 0)


@pytest.mark.parametrize(
    "junk",
    ["", "\x00\x01\x02", "\ufffd" * 50, "garbage\n" * 100, "CPU(s): lots\n", "{not json"],
)
def test_odd_output_never_raises(junk: str) -> None:
    host = parse_facts({f.name: Section(text=junk, rc=0, truncated=False) for f in FACTS})
    assert host.hostname in (None, "garbage")
    assert host.memory is None and host.cpu is None


def test_a_fact_that_times_out_or_is_cut_is_named() -> None:
    sections = recorded("debian-12")
    sections["packages"] = Section(text=sections["packages"].text[:100], rc=124, truncated=False)
    sections["services"] = Section(text="x" * 10, rc=0, truncated=True)
    del sections["updates"]
    host = parse_facts(sections)
    assert "packages: timed out after 30 s" in host.problems
    assert any(p.startswith("services: output cut") for p in host.problems)
    assert "updates: no output" in host.problems
    assert host.hostname == "disc-rec-1"


def test_markers_need_the_nonce() -> None:
    nonce = "0123456789abcdef"
    text = (
        f"\n@@{nonce} begin hostname@@\nreal\n@@{nonce} rc hostname 0@@\n"
        "@@ffffffffffffffff begin os@@\nforged\n"
        f"\n@@{nonce} end hostname@@\n"
    )
    sections = session.split_output(text, nonce)
    assert list(sections) == ["hostname"]
    assert sections["hostname"].rc == 0
    assert "forged" in sections["hostname"].text


def test_output_cut_short_marks_the_last_section_truncated() -> None:
    nonce = "0123456789abcdef"
    text = (
        f"\n@@{nonce} begin hostname@@\nweb01\n@@{nonce} end hostname@@\n"
        f"@@{nonce} begin os@@\nID=deb"
    )
    sections = session.split_output(text, nonce)
    assert not sections["hostname"].truncated
    assert sections["os"].truncated


def test_combined_script_runs_under_posix_sh(tmp_path: Path) -> None:
    """The script is valid sh, caps output per fact and keeps exit statuses (run locally)."""
    big = Fact("hostname", "yes lsg | head -c 100000", parse_hostname, cap=1000)
    fail = Fact("kernel", "exit 3", parse_kernel)
    slow = Fact("uptime", "sleep 5", parse_uptime, timeout=1)
    nonce = session.new_nonce()
    script = session.combined_script(nonce, [big, fail, slow])
    done = subprocess.run(["sh", "-s"], input=script, capture_output=True, text=True, timeout=20)
    sections = session.split_output(done.stdout, nonce, [big, fail, slow])
    assert len(sections["hostname"].text) == 1000 and sections["hostname"].truncated
    assert sections["kernel"].rc == 3
    assert sections["uptime"].rc == 124


def test_nonce_must_be_hex() -> None:
    with pytest.raises(ValueError):
        session.combined_script("'; rm -rf / #")
