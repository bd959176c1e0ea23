r"""Facts a server can tell about itself: each one a shell command and a pure parser.

A fact never touches the network or the disk on this side: `parse` turns the text
a command printed into a typed value, and the unit tests feed it recorded output
from real distributions (tests/data/discovery/<distro>/<fact>.out). All facts of
one host run as ONE script in ONE SSH session (`combined_script`), each command
under its own timeout and output cap, separated by markers carrying a random
nonce so that nothing the host prints can be mistaken for a marker.

>>> parse_os_release('ID=debian\nNAME="Debian GNU/Linux"\nVERSION_ID="13"\n')
OsInfo(id='debian', name='Debian', version='13', pretty=None, id_like=[])
>>> parse_meminfo("MemTotal:       65843200 kB\n").total_gb
62.8
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from lsg_infra.textsafe import printable

T = TypeVar("T")

KIB = 1024
GIB = 1024**3


class FactRecord(BaseModel):
    """Base of every parsed fact: immutable, strict keys (they are stored in YAML)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class OsInfo(FactRecord):
    id: str = Field(description="os-release ID, e.g. debian, ubuntu, rocky.")
    name: str = Field(description="Short product name, e.g. Debian, Ubuntu, Rocky Linux.")
    version: str | None = Field(default=None, description="os-release VERSION_ID, e.g. 12.")
    pretty: str | None = None
    id_like: list[str] = Field(default_factory=list)


class KernelInfo(FactRecord):
    name: str
    release: str
    machine: str | None = None


class CpuInfo(FactRecord):
    model: str | None = None
    logical: int = Field(description="Logical CPUs (threads) the kernel sees.")
    cores: int = Field(description="Physical cores (sockets x cores per socket) when known.")
    sockets: int | None = None


class MemoryInfo(FactRecord):
    total_bytes: int
    available_bytes: int | None = None
    swap_bytes: int | None = None

    @property
    def total_gb(self) -> float:
        return round(self.total_bytes / GIB, 1)


class Filesystem(FactRecord):
    device: str
    type: str
    mount: str
    size_bytes: int
    used_bytes: int
    free_bytes: int


class BlockDevice(FactRecord):
    name: str
    size_bytes: int
    rotational: bool | None = None
    model: str | None = None


class ListeningSocket(FactRecord):
    address: str
    port: int
    process: str | None = Field(default=None, description="Process name; needs root to see.")
    pid: int | None = None


class Packages(FactRecord):
    manager: str = Field(description="dpkg or rpm.")
    installed: dict[str, str] = Field(
        default_factory=dict, description="Package name (name:arch when several) -> version."
    )


class UpdateHistory(FactRecord):
    """When updates were last applied (host local time)."""

    source: str = Field(description="apt, dnf or none.")
    last_upgrade: dt.datetime | None = None
    last_security_upgrade: dt.datetime | None = Field(
        default=None,
        description="Last run of unattended-upgrades (apt) or of an upgrade with --security "
        "or dnf-automatic (dnf): the tools that apply security updates.",
    )


class HostFacts(FactRecord):
    """Everything discovery learnt about one host; None where a fact was not available."""

    hostname: str | None = None
    os: OsInfo | None = None
    kernel: KernelInfo | None = None
    virtualisation: str | None = None
    cpu: CpuInfo | None = None
    memory: MemoryInfo | None = None
    filesystems: list[Filesystem] = Field(default_factory=list)
    disks: list[BlockDevice] = Field(default_factory=list)
    uptime_seconds: float | None = None
    listening: list[ListeningSocket] = Field(default_factory=list)
    packages: Packages | None = None
    services: list[str] = Field(default_factory=list)
    updates: UpdateHistory | None = None
    problems: list[str] = Field(
        default_factory=list, description="Facts that failed, timed out or were cut short."
    )

    @property
    def storage_bytes(self) -> int:
        return sum(d.size_bytes for d in self.disks)


@dataclass(frozen=True, slots=True)
class Fact(Generic[T]):
    """One fact: the shell command that prints it and the pure function that reads it."""

    name: str
    command: str
    parse: Callable[[str], T]
    cap: int = 64 * KIB
    timeout: int = 10


# ---------------------------------------------------------------- parsers (pure)


def parse_hostname(text: str) -> str | None:
    line = text.strip().splitlines()[0].strip() if text.strip() else ""
    # A host name is letters, digits, dots, dashes; anything else is not one.
    return line if re.fullmatch(r"[A-Za-z0-9_.-]{1,253}", line) else None


def _os_release_pairs(text: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        try:
            parts = shlex.split(value)
        except ValueError:
            parts = [value.strip("\"'")]
        pairs[key.strip()] = " ".join(parts)
    return pairs


# os-release NAME is long ("Debian GNU/Linux", "Red Hat Enterprise Linux"); people
# write the short product name in inventories.
SHORT_OS_NAMES = {
    "debian": "Debian",
    "ubuntu": "Ubuntu",
    "rocky": "Rocky Linux",
    "almalinux": "AlmaLinux",
    "rhel": "Red Hat Enterprise Linux",
    "centos": "CentOS",
    "ol": "Oracle Linux",
    "fedora": "Fedora",
    "sles": "SUSE Linux Enterprise Server",
    "opensuse-leap": "openSUSE Leap",
}


def parse_os_release(text: str) -> OsInfo | None:
    pairs = _os_release_pairs(text)
    os_id = pairs.get("ID", "").lower()
    if not os_id:
        return None
    return OsInfo(
        id=os_id,
        name=SHORT_OS_NAMES.get(os_id) or pairs.get("NAME") or os_id,
        version=pairs.get("VERSION_ID") or None,
        pretty=pairs.get("PRETTY_NAME") or None,
        id_like=pairs.get("ID_LIKE", "").split(),
    )


def parse_kernel(text: str) -> KernelInfo | None:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        return None
    return KernelInfo(name=lines[0], release=lines[1], machine=lines[2] if len(lines) > 2 else None)


def parse_virtualisation(text: str) -> str | None:
    word = text.strip().splitlines()[0].strip() if text.strip() else ""
    return word if re.fullmatch(r"[a-z0-9-]{1,32}", word) else None


def _int(value: str | None) -> int | None:
    try:
        return int(value.strip()) if value is not None else None
    except ValueError:
        return None


def parse_cpu(text: str) -> CpuInfo | None:
    """`lscpu` output, or the matching lines of /proc/cpuinfo where lscpu is missing."""
    fields: dict[str, str] = {}
    processors = 0
    physical: set[tuple[str, str]] = set()
    physical_id = "0"
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key, value = key.strip(), value.strip()
        if key == "processor":
            processors += 1
        elif key == "physical id":
            physical_id = value
        elif key == "core id":
            physical.add((physical_id, value))
        fields.setdefault(key, value)
    if "CPU(s)" in fields:  # lscpu
        logical = _int(fields["CPU(s)"])
        if logical is None:
            return None
        per_socket = _int(fields.get("Core(s) per socket"))
        sockets = _int(fields.get("Socket(s)")) or _int(fields.get("Cluster(s)"))
        cores = per_socket * sockets if per_socket and sockets else logical
        return CpuInfo(
            model=fields.get("Model name") or None, logical=logical, cores=cores, sockets=sockets
        )
    if processors:
        return CpuInfo(
            model=fields.get("model name") or fields.get("Processor") or None,
            logical=processors,
            cores=len(physical) or processors,
            sockets=len({p for p, _ in physical}) or None,
        )
    return None


def parse_meminfo(text: str) -> MemoryInfo | None:
    values: dict[str, int] = {}
    for line in text.splitlines():
        m = re.match(r"^(\w+):\s+(\d+)\s*kB", line)
        if m:
            values[m.group(1)] = int(m.group(2)) * KIB
    if "MemTotal" not in values:
        return None
    return MemoryInfo(
        total_bytes=values["MemTotal"],
        available_bytes=values.get("MemAvailable"),
        swap_bytes=values.get("SwapTotal"),
    )


PSEUDO_FILESYSTEMS = frozenset(
    {"tmpfs", "devtmpfs", "squashfs", "efivarfs", "proc", "sysfs", "devpts", "cgroup", "cgroup2"}
)


def parse_df(text: str) -> list[Filesystem]:
    """`df -P -T -B1`: device, type, size, used, available, capacity, mount (may hold spaces)."""
    result: list[Filesystem] = []
    seen: set[tuple[int, int, int]] = set()
    for line in text.splitlines():
        parts = line.split(None, 6)
        if len(parts) < 7 or parts[0] == "Filesystem":
            continue
        device, fstype, size, used, free, _capacity, mount = parts
        numbers = [_int(size), _int(used), _int(free)]
        if fstype in PSEUDO_FILESYSTEMS or any(n is None for n in numbers):
            continue
        s, u, f = (n or 0 for n in numbers)
        # A bind mount (a container's /etc/hosts, a bind-mounted folder) shows the same
        # filesystem again, with the same numbers: count it once.
        if (s, u, f) in seen:
            continue
        seen.add((s, u, f))
        result.append(
            Filesystem(
                device=device, type=fstype, mount=mount, size_bytes=s, used_bytes=u, free_bytes=f
            )
        )
    return result


def parse_lsblk(text: str) -> list[BlockDevice]:
    """`lsblk -J -b -d -o NAME,SIZE,TYPE,ROTA,MODEL`: whole disks only."""
    if not text.strip():
        return []
    data = json.loads(text)
    result: list[BlockDevice] = []
    for dev in data.get("blockdevices", []) if isinstance(data, dict) else []:
        if not isinstance(dev, dict) or dev.get("type") != "disk":
            continue
        size = dev.get("size")
        size = _int(size) if isinstance(size, str) else size
        if not isinstance(size, int) or size <= 0:
            continue
        rota = dev.get("rota")
        model = dev.get("model")
        result.append(
            BlockDevice(
                name=str(dev.get("name")),
                size_bytes=size,
                rotational=rota in (True, "1", 1) if rota is not None else None,
                model=model.strip() if isinstance(model, str) and model.strip() else None,
            )
        )
    return result


def parse_uptime(text: str) -> float | None:
    try:
        return float(text.split()[0])
    except (IndexError, ValueError):
        return None


_SS_USERS = re.compile(r'users:\(\("([^"]*)",pid=(\d+)')


def parse_ss(text: str) -> list[ListeningSocket]:
    """`ss -ltnpH`: state, recv-q, send-q, local address:port, peer, process (root only)."""
    seen: dict[tuple[str, int], ListeningSocket] = {}
    for line in text.splitlines():
        parts = line.split()
        if not parts or parts[0] in ("State", "Netid", "Recv-Q"):
            continue
        if not parts[0].isdigit():  # the State column (LISTEN)
            parts = parts[1:]
        if len(parts) < 4:
            continue
        local = parts[2]
        address, sep, port_text = local.rpartition(":")
        port = _int(port_text)
        if not sep or port is None:
            continue
        address = address.strip("[]").split("%", 1)[0] or "*"
        m = _SS_USERS.search(line)
        sock = ListeningSocket(
            address=address,
            port=port,
            process=m.group(1) if m else None,
            pid=int(m.group(2)) if m else None,
        )
        seen.setdefault((sock.address, sock.port), sock)
    return sorted(seen.values(), key=lambda s: (s.port, s.address))


def parse_packages(text: str) -> Packages | None:
    """First line `manager=dpkg|rpm`, then `status<TAB>name<TAB>version<TAB>arch` lines."""
    lines = text.splitlines()
    if not lines or not lines[0].startswith("manager="):
        return None
    manager = lines[0].partition("=")[2].strip()
    rows: list[tuple[str, str, str]] = []
    for line in lines[1:]:
        parts = line.split("\t")
        if len(parts) < 4:
            continue
        status, name, version, arch = parts[:4]
        # dpkg: "ii " is installed; "rc " removed with config left, not installed
        if manager == "dpkg" and not status.startswith("i"):
            continue
        if name:
            rows.append((name, version, arch))
    arches: dict[str, set[str]] = {}
    for name, _, arch in rows:
        arches.setdefault(name, set()).add(arch)
    installed: dict[str, str] = {}
    for name, version, arch in rows:
        # dpkg multiarch (libc6:amd64 and libc6:i386) gets one key per architecture;
        # rpm keeps several versions of one package (kernels): they share the key.
        key = f"{name}:{arch}" if len(arches[name]) > 1 else name
        installed[key] = f"{installed[key]}, {version}" if key in installed else version
    return Packages(manager=manager, installed=dict(sorted(installed.items())))


def parse_services(text: str) -> list[str]:
    """`systemctl list-units --type=service --state=running --no-legend --plain`."""
    names = []
    for line in text.splitlines():
        parts = line.replace("●", " ").split()
        if parts and parts[0].endswith(".service"):
            names.append(parts[0].removesuffix(".service"))
    return sorted(set(names))


_APT_DATE = re.compile(r"^(Start-Date|End-Date):\s+(\d{4}-\d\d-\d\d)\s+(\d\d:\d\d:\d\d)")
_UU_LINE = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)[,.]\d+ INFO "
    r"(All upgrades installed|Packages that were upgraded)"
)
_DNF_ROW = re.compile(r"^\s*(\d+)\s*\|(.*)\|\s*(\d{4}-\d\d-\d\d \d\d:\d\d)\s*\|(.*)\|")


def _subsections(text: str) -> dict[str, list[str]]:
    parts: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        m = re.fullmatch(r"--([a-z][a-z-]*[a-z])--", line.strip())
        if m:
            current = parts.setdefault(m.group(1), [])
        elif current is not None:
            current.append(line)
    return parts


def parse_updates(text: str) -> UpdateHistory | None:
    """apt history and unattended-upgrades log, or `dnf history list`."""
    parts = _subsections(text)
    if "apt-history" in parts or "unattended-upgrades" in parts:
        last: dt.datetime | None = None
        security: dt.datetime | None = None
        start: dt.datetime | None = None
        upgraded = unattended = False
        for line in parts.get("apt-history", []):
            m = _APT_DATE.match(line)
            if m and m.group(1) == "Start-Date":
                start = dt.datetime.fromisoformat(f"{m.group(2)} {m.group(3)}")
                upgraded = unattended = False
            elif line.startswith("Commandline:") and "unattended-upgrade" in line:
                unattended = True
            elif line.startswith("Upgrade:"):
                upgraded = True
            elif m and m.group(1) == "End-Date":
                end = dt.datetime.fromisoformat(f"{m.group(2)} {m.group(3)}")
                if upgraded and start is not None:
                    last = max(filter(None, [last, end]))
                    if unattended:
                        security = max(filter(None, [security, end]))
        for line in parts.get("unattended-upgrades", []):
            m2 = _UU_LINE.match(line)
            if m2:
                when = dt.datetime.fromisoformat(m2.group(1))
                security = max(filter(None, [security, when]))
                last = max(filter(None, [last, when]))
        return UpdateHistory(source="apt", last_upgrade=last, last_security_upgrade=security)
    if "dnf-history" in parts:
        last = security = None
        for line in parts["dnf-history"]:
            m3 = _DNF_ROW.match(line)
            if not m3:
                continue
            command, when_text, actions = m3.group(2), m3.group(3), m3.group(4)
            when = dt.datetime.fromisoformat(when_text)
            action_words = {a.strip() for a in actions.replace(",", " ").split()}
            if action_words & {"Upgrade", "U", "Upgraded"}:
                last = max(filter(None, [last, when]))
                if "--security" in command or "dnf-automatic" in command:
                    security = max(filter(None, [security, when]))
        return UpdateHistory(source="dnf", last_upgrade=last, last_security_upgrade=security)
    if "none" in parts:
        return UpdateHistory(source="none")
    return None


# ---------------------------------------------------------------- the facts

_PACKAGES_COMMAND = r"""if command -v dpkg-query >/dev/null 2>&1; then
  echo manager=dpkg
  dpkg-query -W -f='${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\n'
elif command -v rpm >/dev/null 2>&1; then
  echo manager=rpm
  rpm -qa --qf 'i\t%{NAME}\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\t%{ARCH}\n'
fi"""

_UPDATES_COMMAND = r"""if [ -d /var/log/apt ]; then
  echo --apt-history--
  { zcat -f /var/log/apt/history.log.1.gz 2>/dev/null; cat /var/log/apt/history.log 2>/dev/null; } \
    | grep -E '^(Start-Date|Commandline|Upgrade|End-Date):' | tail -n 2000 | cut -c1-200
  echo --unattended-upgrades--
  grep -hE 'All upgrades installed|Packages that were upgraded' \
    /var/log/unattended-upgrades/unattended-upgrades.log 2>/dev/null | tail -n 50 | cut -c1-200
elif command -v dnf >/dev/null 2>&1; then
  echo --dnf-history--
  dnf -q -C history list 2>/dev/null | head -n 200
else
  echo --none--
fi"""

FACTS: tuple[Fact[Any], ...] = (
    Fact("hostname", "hostname 2>/dev/null || cat /proc/sys/kernel/hostname", parse_hostname),
    Fact("os", "cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release", parse_os_release),
    Fact("kernel", "uname -s; uname -r; uname -m", parse_kernel),
    Fact("virtualisation", "systemd-detect-virt 2>/dev/null || true", parse_virtualisation),
    Fact(
        "cpu",
        "lscpu 2>/dev/null || grep -E '^(processor|model name|physical id|core id)' /proc/cpuinfo",
        parse_cpu,
    ),
    Fact("memory", "cat /proc/meminfo", parse_meminfo),
    Fact("filesystems", "df -P -T -B1 -l -x tmpfs -x devtmpfs -x squashfs", parse_df),
    Fact("disks", "lsblk -J -b -d -o NAME,SIZE,TYPE,ROTA,MODEL", parse_lsblk),
    Fact("uptime", "cat /proc/uptime", parse_uptime),
    Fact("listening", "ss -ltnpH 2>/dev/null || ss -ltnp", parse_ss, cap=256 * KIB),
    Fact("packages", _PACKAGES_COMMAND, parse_packages, cap=2048 * KIB, timeout=30),
    Fact(
        "services",
        "systemctl list-units --type=service --state=running --no-legend --no-pager --plain",
        parse_services,
        cap=256 * KIB,
    ),
    Fact("updates", _UPDATES_COMMAND, parse_updates, cap=256 * KIB, timeout=30),
)
FACTS_BY_NAME: Mapping[str, Fact[Any]] = {f.name: f for f in FACTS}

# HostFacts field each fact fills (most are the same name).
_FIELD = {"uptime": "uptime_seconds"}

# ---------------------------------------------------------------- one script, one session

_SCRIPT_HEAD = """export LC_ALL=C
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH
N={nonce}
if command -v timeout >/dev/null 2>&1; then
  lsg_t() {{ timeout -k 2 "$@"; }}
else
  lsg_t() {{ shift; "$@"; }}
fi
lsg_run() {{
  printf '\\n@@%s begin %s@@\\n' "$N" "$1"
  {{ {{ lsg_t "$2" /bin/sh -c "$4" 2>/dev/null </dev/null
      printf '\\n@@%s rc %s %s@@\\n' "$N" "$1" "$?" >&3; }} | head -c "$3"; }} 3>&1
  printf '\\n@@%s end %s@@\\n' "$N" "$1"
}}
"""


def new_nonce() -> str:
    return secrets.token_hex(8)


def combined_script(nonce: str, facts: Sequence[Fact[Any]] = FACTS) -> str:
    """A POSIX sh script that prints every fact between markers; read by `split_output`."""
    if not re.fullmatch(r"[0-9a-f]{8,64}", nonce):
        raise ValueError("nonce must be hex")
    lines = [_SCRIPT_HEAD.format(nonce=nonce)]
    for fact in facts:
        args = [fact.name, str(fact.timeout), str(fact.cap), fact.command]
        lines.append("lsg_run " + " ".join(shlex.quote(a) for a in args))
    return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class Section:
    """What one fact's command printed, with its exit status when known."""

    text: str
    rc: int | None
    truncated: bool


def split_output(text: str, nonce: str, facts: Sequence[Fact[Any]] = FACTS) -> dict[str, Section]:
    """The output of `combined_script` cut into one Section per fact that started.

    A section whose end marker is missing (the whole output was cut short) is
    marked truncated; a fact that never started is absent.
    """
    caps = {f.name: f.cap for f in facts}
    begin = re.compile(rf"^@@{nonce} begin ([a-z_-]+)@@$", re.MULTILINE)
    sections: dict[str, Section] = {}
    for m in begin.finditer(text):
        name = m.group(1)
        if name not in caps or name in sections:
            continue
        start = m.end() + 1
        end_marker = f"\n@@{nonce} end {name}@@"
        end = text.find(end_marker, start)
        body = text[start:] if end < 0 else text[start:end]
        rc: int | None = None
        rc_pattern = re.compile(rf"\n@@{nonce} rc {re.escape(name)} (\d+)@@\n?")
        rc_match = rc_pattern.search(body)
        if rc_match:
            rc = int(rc_match.group(1))
            body = body[: rc_match.start()] + body[rc_match.end() :]
        # head -c stops at the cap; a few bytes of slack for the decoder's replacements
        truncated = end < 0 or len(body.encode("utf-8", "replace")) >= caps[name] - 4
        sections[name] = Section(text=body, rc=rc, truncated=truncated)
    return sections


def parse_facts(sections: Mapping[str, Section], facts: Sequence[Fact[Any]] = FACTS) -> HostFacts:
    """Parse every section; a fact whose parser fails is None and named in `problems`."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for fact in facts:
        section = sections.get(fact.name)
        if section is None:
            problems.append(f"{fact.name}: no output")
            continue
        if section.rc == 124:
            problems.append(f"{fact.name}: timed out after {fact.timeout} s")
        elif section.truncated:
            problems.append(f"{fact.name}: output cut at {fact.cap:,} bytes")
        try:
            value = fact.parse(section.text)
        except Exception as exc:  # a parser meeting output it does not know: one fact lost
            problems.append(f"{fact.name}: unreadable output ({type(exc).__name__})")
            continue
        if value is not None:
            values[_FIELD.get(fact.name, fact.name)] = value
    parsed = HostFacts.model_validate({**values, "problems": problems})
    # A host can report anything: an escape sequence in its hostname or os-release
    # would reach the terminal of whoever reads the facts. Stored escaped, once, here.
    return HostFacts.model_validate(_escaped(parsed.model_dump()))


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    return value
