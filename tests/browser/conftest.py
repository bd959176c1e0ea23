"""Headless Chromium for the report tests: Debian's package, installed when missing.

Outside CI without root the tests are skipped with a reason; under CI=true a
browser that cannot be installed fails the run.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

IN_CI = os.environ.get("CI") == "true"


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        _missing("headless Chromium is missing: run `apt-get install chromium` (or run as root)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    result = subprocess.run(
        ["apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "-q", "chromium"],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    if result.returncode != 0:
        # A stale package index is the usual cause on a fresh machine.
        subprocess.run(["apt-get", "update", "-q"], capture_output=True, env=env, timeout=600)
        result = subprocess.run(
            ["apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "-q", "chromium"],
            capture_output=True,
            text=True,
            env=env,
            timeout=900,
        )
    found = shutil.which("chromium")
    if not found:
        _missing(f"could not install chromium: {result.stderr.strip()[-300:]}")
    assert found
    return found
