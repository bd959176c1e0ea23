"""ci/lib.sh's with_lock serialises two checkouts on one machine.

Images and their build containers are podman's, shared by every checkout, so
the build lock must be too: a lock under each checkout's .cache/ let a second
checkout remove the first one's NetBox build container.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

LIB = Path(__file__).resolve().parents[2] / "ci" / "lib.sh"

pytestmark = pytest.mark.skipif(shutil.which("flock") is None, reason="flock (util-linux) missing")


def _with_lock(state_dir: Path, name: str, script: str) -> subprocess.Popen[str]:
    command = f"source {LIB}; with_lock {name} bash -c {script!r}"
    env = {"PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "LSG_CI_STATE_DIR": str(state_dir)}
    return subprocess.Popen(["bash", "-c", command], env=env, stdout=subprocess.PIPE, text=True)


def _lock_dir() -> Path:
    """Where ci/lib.sh keeps its locks by default (one place for every checkout)."""
    command = f'source {LIB}; echo "$LSG_LOCK_DIR"'
    out = subprocess.run(["bash", "-c", command], capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


def test_two_checkouts_share_one_build_lock(tmp_path: Path) -> None:
    lock_dir = _lock_dir()
    name = f"test-{uuid.uuid4().hex}"
    started, release = tmp_path / "started", tmp_path / "release"
    holder = _with_lock(
        tmp_path / "checkout-a",
        name,
        f"touch {started}; while [ ! -e {release} ]; do sleep 0.05; done",
    )
    try:
        # Waiting for the holder's own signal, not racing a clock.
        for _ in range(2400):
            if started.exists():
                break
            time.sleep(0.05)
        assert started.exists(), "the first checkout never took the lock"
        # The second checkout (another state dir) must wait for the release:
        # if it ran at once it finds no release file and says so.
        waiter = _with_lock(
            tmp_path / "checkout-b", name, f"test -e {release} && echo after || echo overlapped"
        )
        # While the first checkout holds the lock, nobody can take the lock file the
        # second checkout's with_lock uses: probe it without blocking, no clock involved.
        probe = subprocess.run(
            ["flock", "--nonblock", str(lock_dir / f"{name}.lock"), "true"], check=False
        )
        assert probe.returncode == 1, "the lock is not held across checkouts"
        assert waiter.poll() is None, "the second checkout did not wait for the lock"
        release.touch()
        out, _ = waiter.communicate(timeout=60)
        assert out.strip() == "after"
    finally:
        release.touch()
        holder.communicate(timeout=60)
