"""Defaults of the `lsg` command in an LSG's own repository (inventory/ and nothing else)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cli_run import lsg_process

REPO = Path(__file__).resolve().parents[2]
lsg = lsg_process


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
