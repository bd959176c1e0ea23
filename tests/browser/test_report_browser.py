"""report.html in a real browser: it renders, has no console errors, runs no script."""

from __future__ import annotations

import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from plan_samples import EVIL_NAME, make_plan

from lsg_infra.reports import write_all

ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--enable-logging=stderr",
    "--v=0",
]

pytestmark = pytest.mark.browser


def run_chromium(chromium: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile"
    return subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_report_renders_without_errors(chromium: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_all(make_plan(Decimal("6000")), out)
    url = (out / "report.html").resolve().as_uri()
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    result = run_chromium(
        chromium, tmp_path, f"--screenshot={shot}", "--window-size=1280,2400", url
    )
    assert shot.exists() and shot.stat().st_size > 10_000, result.stderr[-2000:]
    console = [ln for ln in result.stderr.splitlines() if "CONSOLE" in ln or "Uncaught" in ln]
    assert not console, console

    dom = run_chromium(chromium, tmp_path, "--dump-dom", url).stdout
    assert "Investment plan for local self-governments" in dom
    assert EVIL_NAME not in dom  # the name shows as text, never as an element
    assert "<script" not in dom.lower()
    assert "&lt;script&gt;" in dom
