"""Headless Chromium for the report tests: Debian's package, installed by `make test`.

Outside CI a missing browser skips the tests with a reason; under CI=true it fails the run.
"""

from __future__ import annotations

import os
import shutil

import pytest

IN_CI = os.environ.get("CI") == "true"


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        # Installed by `make test` (ci/test-tools.sh) before pytest starts, never here.
        _missing(
            "headless Chromium is missing: run ci/test-tools.sh as root (apt-get install chromium)"
        )
    assert found
    return found
