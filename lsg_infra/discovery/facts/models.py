"""What a host told discovery, as typed records: one per fact, and `HostFacts` for a host.

They are stored in `<slug>.discovered.yaml`, so their keys are strict and they never
change once made.

>>> MemoryInfo(total_bytes=65843200 * 1024).total_gb
62.8
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

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
