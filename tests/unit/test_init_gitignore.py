"""`lsg init` keeps what `lsg plan` writes out of the LSG's repository: the outputs and the
lock file beside them (a planner's `git status` must stay clean after a plan)."""

from __future__ import annotations

from lsg_infra import scaffold
from lsg_infra.atomic_write import LOCK_SUFFIX


def test_the_repository_ignores_the_plan_outputs_and_their_lock() -> None:
    ignored = scaffold.GITIGNORE.splitlines()
    assert "out/" in ignored
    assert f".out{LOCK_SUFFIX}" in ignored
