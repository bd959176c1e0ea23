"""Running the `lsg` command in tests, the two ways users meet it (shared by test modules)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lsg_infra.cli.main import main

LSG = Path(sys.executable).with_name("lsg")


def lsg_process(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The installed `lsg` in a child process, without the caller's LSG_* settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LSG_")}
    return subprocess.run(
        [str(LSG), *args],
        cwd=cwd,
        env={**clean, "COLUMNS": "200", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def lsg_main(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    """The real entry point in this process, as a user runs it: exit code, stdout, stderr."""
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setattr(sys, "argv", ["lsg", *args])
    with pytest.raises(SystemExit) as exit_:
        main()
    out, err = capsys.readouterr()
    code = exit_.value.code
    return (code if isinstance(code, int) else 0), out, err
