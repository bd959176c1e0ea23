"""Every failure lsg-infra knows about, in one place.

The library raises these; only the CLI turns them into a one-line message and an
exit code. Anything else that escapes is a bug and is reported as an internal error.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong with one input file, at one line.

    >>> str(Problem("inventory/rs/kikinda.yaml", 42, "assets[3].ram_gb", "expected a number"))
    'inventory/rs/kikinda.yaml:42: assets[3].ram_gb: expected a number'
    """

    file: str
    line: int
    where: str
    message: str

    def __str__(self) -> str:
        location = f"{self.file}:{self.line}" if self.line else self.file
        if self.where:
            return f"{location}: {self.where}: {self.message}"
        return f"{location}: {self.message}"


class LsgError(Exception):
    """Root of every error lsg-infra raises on purpose."""

    exit_code = 1


class InputError(LsgError):
    """Input files (inventories, blueprints, catalogues) are invalid; carries every problem."""

    exit_code = 2

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class SheetError(LsgError):
    """A spreadsheet cannot be read as a register (not a workbook or CSV, no header row)."""

    exit_code = 2

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


class UsageError(LsgError):
    """The command was asked for something that cannot be done (unknown LSG id, bad option)."""

    exit_code = 2


class MissingExtra(UsageError):
    """The command needs an optional part of lsg-infra that is not installed (an extra)."""


class OutputError(LsgError):
    """An output could not be written (permissions, disk full)."""


class ConnectionFailure(LsgError):
    """A remote system (SSH host, NetBox) could not be reached or refused us."""


class AuthenticationFailure(ConnectionFailure):
    """A remote system refused our credentials."""


class HostKeyMismatch(ConnectionFailure):
    """An SSH host presented a key that does not match known_hosts."""


class UnknownHostKey(ConnectionFailure):
    """An SSH host has no key in known_hosts and new keys are not being accepted."""


class ConnectTimeout(ConnectionFailure):
    """An SSH host did not answer within the connect timeout."""


class RemoteError(LsgError):
    """A remote system answered, but with an error we cannot work around."""


class CommandTimeout(RemoteError):
    """A command on an SSH host did not finish within the command timeout."""


class NetBoxRequestFailed(RemoteError):
    """NetBox answered a request with an error (validation, permissions, server error)."""

    def __init__(self, message: str, status: int, body: object) -> None:
        super().__init__(message)
        self.status = status
        self.body = body


class ChunkFailed(RemoteError):
    """One bulk request to NetBox failed; earlier chunks were written, later ones were not."""


class CostingError(LsgError):
    """A gap names a catalogue item or a country that the data does not have."""

    exit_code = 2


class ProvisioningError(LsgError):
    """An Ansible run could not be started or did not complete."""
