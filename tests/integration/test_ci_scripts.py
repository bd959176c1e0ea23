"""The scripts the CI templates call (ci/github-actions.yml, ci/gitlab-ci.yml), run for real."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LSG = Path(sys.executable).with_name("lsg")

pytestmark = pytest.mark.integration


def test_provision_test_dry_run_on_new_container_hosts(
    host_group_cleanup: Callable[[str], None], tmp_path: Path
) -> None:
    # `ci/provision-test.sh LSG --check`: throw-away hosts, preflight, then a dry
    # run. On servers that have nothing yet, the dry run must get through every
    # play (each role stops after the packages it would install) without failing.
    host_group_cleanup("lsg-provtest")
    done = subprocess.run(
        [str(REPO / "ci" / "provision-test.sh"), "rs-kikinda", "--check"],
        capture_output=True,
        text=True,
        timeout=1800,
        cwd=tmp_path,
        env={
            **os.environ,
            "LSG": str(LSG),
            "LSG_INVENTORY": str(REPO / "inventory"),
            "COLUMNS": "200",
            "SSH_AUTH_SOCK": "",
        },
    )
    output = done.stdout[-4000:] + done.stderr[-4000:]
    assert done.returncode == 0, output
    assert "Dry run of rs-kikinda: successful" in done.stdout, output
    rows = [ln for ln in done.stdout.splitlines() if "kikinda-" in ln and "│" in ln]
    recap = {cells[1]: cells[2:] for cells in (ln.split("│") for ln in rows)}
    assert sorted(k.strip() for k in recap) == ["kikinda-app01", "kikinda-db01"], output
    # ok, changed, failed, unreachable: packages would be installed, nothing failed
    for host, (ok, changed, failed, unreachable, *_rest) in recap.items():
        assert int(ok) > 0, (host, output)
        assert int(changed) > 0 and int(failed) == 0 and int(unreachable) == 0, (host, output)
