"""The CI templates for an LSG's own repository (ci/github-actions.yml, ci/gitlab-ci.yml).

Neither service is reachable from here, so: each file is checked against the
service's published schema (check-jsonschema's vendored copies), and every `lsg`
command the jobs run is run here the way the job would, in a directory laid out
like an LSG's repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TEMPLATES = {
    "github-actions.yml": "vendor.github-workflows",
    "gitlab-ci.yml": "vendor.gitlab-ci",
}


def check_schema(path: Path, schema: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_template_matches_the_services_schema(name: str, tmp_path: Path) -> None:
    done = check_schema(REPO / "ci" / name, TEMPLATES[name])
    assert done.returncode == 0, done.stdout + done.stderr
    # and the check can fail: a job without what it must have
    broken = tmp_path / name
    text = (REPO / "ci" / name).read_text("utf-8")
    broken.write_text(text.replace("runs-on:", "runs_on:").replace("script:", "scripts:"))
    assert check_schema(broken, TEMPLATES[name]).returncode != 0


def lsg_commands(name: str) -> list[str]:
    """The `lsg ...` command lines the template's jobs run."""
    doc = yaml.safe_load((REPO / "ci" / name).read_text("utf-8"))
    scripts: list[str] = []
    if name == "github-actions.yml":
        for job in doc["jobs"].values():
            scripts += [step["run"] for step in job.get("steps", []) if "run" in step]
    else:
        for job in doc.values():
            if isinstance(job, dict):
                for key in ("before_script", "script"):
                    scripts += job.get(key, [])
    lines = [ln.strip() for script in scripts for ln in script.splitlines()]
    return [ln for ln in lines if ln.startswith("lsg ")]


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_the_lsg_commands_of_each_job_work_in_an_lsg_repository(name: str, tmp_path: Path) -> None:
    commands = lsg_commands(name)
    assert any(c.startswith("lsg validate") for c in commands), commands
    assert any(c.startswith("lsg plan") for c in commands), commands
    shutil.copytree(REPO / "inventory", tmp_path / "inventory")
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        # as the jobs set it when the repository has no blueprints of its own
        "LSG_BLUEPRINTS": str(REPO / "blueprints"),
        "COLUMNS": "120",
    }
    for command in commands:
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, f"{command}: {done.stdout[-2000:]}{done.stderr[-2000:]}"
    assert (tmp_path / "out" / "procurement.xlsx").is_file()
