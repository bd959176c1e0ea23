"""A planner's install (the core, without the extras) does the planner's work, and a
command that needs an extra says in one line which one to install (exit 2).

The optional packages are installed in the test environment, so each run blocks them
(None in sys.modules: the import fails as if they were absent); the install test
(tests/integration/test_install.py) does the same with a real core-only wheel."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from lsg_infra import extras

REPO = Path(__file__).resolve().parents[2]
OPTIONAL = sorted({m for modules in extras.MODULES.values() for m in modules})
WITHOUT_EXTRAS = f"""
import sys
for name in {OPTIONAL!r}:
    sys.modules[name] = None
from lsg_infra.cli.main import main
sys.argv = ["lsg", *sys.argv[1:]]
main()
"""


def core_lsg(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LSG_")}
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_EXTRAS, *args],
        cwd=cwd,
        env={**env, "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def lsg_repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lsg")
    shutil.copytree(REPO / "inventory" / "me", root / "inventory" / "me")
    return root


@pytest.mark.parametrize(
    "args",
    [
        ["gaps", "--today", "2026-11-26"],
        ["plan", "--out", "out", "--date", "2026-11-26"],
        ["inventory", "show", "me-kotor"],
        ["inventory", "ansible", "me-kotor"],
        ["provision", "--help"],
        ["netbox", "push", "--help"],
    ],
)
def test_the_core_does_a_planners_work(lsg_repository: Path, args: list[str]) -> None:
    done = core_lsg(lsg_repository, *args)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        (["provision", "me-kotor", "--check"], "provision"),
        (["preflight", "me-kotor"], "provision"),
        (["discover"], "discovery"),
        (["netbox", "check"], "netbox"),
        (["netbox", "pull"], "netbox"),
    ],
)
def test_a_command_names_the_extra_it_needs(
    lsg_repository: Path, args: list[str], extra: str
) -> None:
    done = core_lsg(lsg_repository, *args)
    assert done.returncode == 2, done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.endswith(f"pip install 'lsg-infra[{extra}]'"), line
    assert line.startswith(f"error: lsg {args[0]}")


def test_an_unforeseen_import_still_names_the_extra() -> None:
    assert extras.extra_for("pynetbox.core.query") == "netbox"
    assert extras.extra_for("paramiko") == "discovery"
    assert extras.extra_for("ansible_runner") == "provision"
    assert extras.extra_for("yaml") is None
    assert extras.extra_for(None) is None


def test_the_core_dependencies_leave_out_ansible_netbox_and_ssh() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    core = " ".join(project["dependencies"]).lower()
    for heavy in ("ansible", "paramiko", "pynetbox"):
        assert heavy not in core
    optional = project["optional-dependencies"]
    assert "ansible-runner>=2.4" in optional["provision"]
    assert any(d.startswith("pynetbox") for d in optional["netbox"])
    assert any(d.startswith("paramiko") for d in optional["discovery"])
    assert optional["all"] == ["lsg-infra[provision,netbox,discovery]"]
    assert "lsg-infra[all]" in optional["dev"]  # make plan / make test install everything
