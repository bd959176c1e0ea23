"""Defaults of the `lsg` command in an LSG's own repository (inventory/ and nothing else)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LSG = Path(sys.executable).with_name("lsg")


def lsg(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LSG_")}
    return subprocess.run(
        [str(LSG), *args],
        cwd=cwd,
        env={**clean, "COLUMNS": "200", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def lsg_repository(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "inventory" / "me", tmp_path / "inventory" / "me")
    return tmp_path


def test_without_blueprints_of_its_own_the_bundled_ones_are_used(lsg_repository: Path) -> None:
    done = lsg(lsg_repository, "plan", "--out", "out", "--date", "2026-11-26")
    assert done.returncode == 0, done.stderr
    assert (lsg_repository / "out" / "procurement.xlsx").is_file()
    assert lsg(lsg_repository, "gaps", "--today", "2026-11-26").returncode == 0


def test_own_blueprints_win_and_a_missing_folder_says_how_to_give_one(
    lsg_repository: Path,
) -> None:
    (lsg_repository / "blueprints").mkdir()  # an (empty) folder of its own is used, not ours
    done = lsg(lsg_repository, "plan", "--out", "out")
    assert done.returncode == 2
    assert "blueprints/tiers.yaml: file is missing" in done.stderr
    done = lsg(lsg_repository, "plan", "--out", "out", LSG_BLUEPRINTS="nowhere")
    assert done.returncode == 2
    assert (
        "nowhere: no such blueprints folder; give one with --blueprints DIR or LSG_BLUEPRINTS"
        in done.stderr
    )
    assert "Traceback" not in done.stderr
    assert not (lsg_repository / "out").exists()
