"""lsg-infra as a user installs it: the wheel, into a fresh virtual environment, used in
a folder outside this repository that holds only an LSG's `inventory/`.

It needs the package index (or pip's cache / the local wheel folder) for the
dependencies, so it is an integration test. The core install must do a planner's
whole job with the blueprints, playbooks and schemas it carries, and be light;
a command that needs an extra must say which one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
CORE_LIMIT_MB = 150  # measured 66 MB (pip and setuptools 21 of it); `all` measured 512 MB


def run(
    args: list[str | Path], cwd: Path, timeout: float = 900
) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LSG_", "PYTHON", "VIRTUAL_ENV")) and k != "PATH"
    }
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin"
    env["COLUMNS"] = "200"
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", out, REPO], cwd=out)
    assert done.returncode == 0, done.stdout + done.stderr
    [built] = out.glob("lsg_infra-*.whl")
    return built


def fresh_venv(root: Path, requirement: str) -> tuple[Path, Path]:
    """(bin folder, site-packages) of a new virtual environment with `requirement`."""
    venv = root / "venv"
    assert run([sys.executable, "-m", "venv", venv], cwd=root).returncode == 0
    done = run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", requirement], root)
    assert done.returncode == 0, done.stdout + done.stderr
    [site] = (venv / "lib").glob("python3.*/site-packages")
    return venv / "bin", site


@pytest.fixture(scope="module")
def lsg_repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An LSG's own repository: inventory/ and nothing else, far from this checkout."""
    root = tmp_path_factory.mktemp("lsg-repository")
    shutil.copytree(REPO / "inventory" / "me", root / "inventory" / "me")
    return root


@pytest.fixture(scope="module")
def core(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    yield fresh_venv(tmp_path_factory.mktemp("core"), str(wheel))


def test_the_wheel_carries_blueprints_playbooks_and_schemas(core: tuple[Path, Path]) -> None:
    _, site = core
    bundled = site / "lsg_infra" / "_bundled"
    for name in ("blueprints/catalogue.yaml", "blueprints/tiers.yaml", "playbooks/site.yml"):
        assert (bundled / name).is_file(), name
    assert (bundled / "playbooks" / "roles" / "base" / "tasks" / "main.yml").is_file()
    assert (bundled / "playbooks" / "group_vars" / "all.yml").is_file()
    assert (bundled / "schemas" / "inventory.schema.json").is_file()
    assert (site / "lsg_infra" / "reports" / "templates" / "report.html.j2").is_file()
    # the report's catalogues (lsg plan --language), read at run time
    for name in ("messages.pot", "sr-Latn.po", "sr-Cyrl.po", "cnr.po", "mk.po"):
        assert (site / "lsg_infra" / "reports" / "locale" / name).is_file(), name


def test_the_wheel_carries_the_discovery_shell(core: tuple[Path, Path]) -> None:
    """The facts' shell files are package data: the script is built from the wheel's copy."""
    bin_dir, site = core
    for name in ("lsg_run.sh", "packages.sh", "updates.sh"):
        assert (site / "lsg_infra" / "discovery" / "facts" / name).is_file(), name
    build = (
        "from lsg_infra.discovery.facts import session; "
        "print(session.combined_script('0123456789abcdef'))"
    )
    done = run([bin_dir / "python", "-c", build], cwd=site)
    assert done.returncode == 0, done.stderr
    assert "lsg_run() {" in done.stdout and "dpkg-query" in done.stdout


def test_the_core_is_light_and_has_no_ansible(core: tuple[Path, Path]) -> None:
    _, site = core
    for heavy in ("ansible", "ansible_collections", "ansible_runner", "paramiko", "pynetbox"):
        assert not (site / heavy).exists(), heavy
    measured = size_mb(site)
    print(f"core install: site-packages {measured:.0f} MB")
    assert measured < CORE_LIMIT_MB


@pytest.mark.parametrize(
    "args",
    [
        ["validate"],
        ["gaps", "--today", "2026-11-26"],
        ["plan", "--out", "out", "--date", "2026-11-26"],
        ["blueprint", "show", "small", "--country", "ME"],
        ["inventory", "ansible", "me-kotor"],
        ["provision", "--help"],
    ],
)
def test_a_planners_commands_work_from_the_core(
    core: tuple[Path, Path], lsg_repository: Path, args: list[str]
) -> None:
    bin_dir, _ = core
    done = run([bin_dir / "lsg", *args], cwd=lsg_repository)
    assert done.returncode == 0, done.stderr
    if args[0] == "plan":
        assert (lsg_repository / "out" / "report.html").is_file()


def test_provisioning_from_the_core_names_its_extra(
    core: tuple[Path, Path], lsg_repository: Path
) -> None:
    bin_dir, _ = core
    done = run([bin_dir / "lsg", "provision", "me-kotor", "--check"], cwd=lsg_repository)
    assert done.returncode == 2
    assert done.stderr.strip().endswith("pip install 'lsg-infra[provision]'"), done.stderr
    assert "Traceback" not in done.stderr


def test_export_writes_the_bundled_blueprints(
    core: tuple[Path, Path], lsg_repository: Path, tmp_path: Path
) -> None:
    bin_dir, _ = core
    done = run([bin_dir / "lsg", "blueprint", "export", tmp_path / "mine"], cwd=lsg_repository)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "mine" / "catalogue.yaml").is_file()
    done = run([bin_dir / "lsg", "validate", "-b", tmp_path / "mine"], cwd=lsg_repository)
    assert done.returncode == 0, done.stderr


def test_the_provision_extra_brings_ansible_and_finds_the_bundled_playbooks(
    wheel: Path, lsg_repository: Path, tmp_path: Path
) -> None:
    bin_dir, site = fresh_venv(tmp_path, f"{wheel}[provision]")
    print(f"core + provision install: site-packages {size_mb(site):.0f} MB")
    done = run([bin_dir / "lsg", "inventory", "ansible", "me-kotor"], cwd=lsg_repository)
    assert done.returncode == 0, done.stderr
    assert run([bin_dir / "lsg", "provision", "--check", "--help"], lsg_repository).returncode == 0
    # the playbooks the runner is given are the wheel's, and ansible can read them
    syntax = run(
        [bin_dir / "ansible-playbook", "--syntax-check", "-i", "localhost,", "site.yml"],
        cwd=site / "lsg_infra" / "_bundled" / "playbooks",
    )
    assert syntax.returncode == 0, syntax.stdout + syntax.stderr


def test_init_from_the_core_starts_a_valid_repository(
    core: tuple[Path, Path], tmp_path: Path
) -> None:
    bin_dir, _ = core
    done = run(
        [bin_dir / "lsg", "init", "repo", "--lsg", "me-podgorica", "--employees", "900"],
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    repo = tmp_path / "repo"
    assert (repo / "schemas" / "inventory.schema.json").is_file()
    assert (repo / ".github" / "workflows" / "lsg.yml").is_file()
    done = run([bin_dir / "lsg", "validate"], cwd=repo)
    assert done.returncode == 0, done.stderr
