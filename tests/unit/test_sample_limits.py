"""`lsg sample generate` replaces only files it wrote, and cannot be asked to fill a disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from lsg_infra import sample
from lsg_infra.cli.main import app
from lsg_infra.cli.sample import GENERATED_MARK
from lsg_infra.errors import UsageError
from lsg_infra.sample import generate

ARGS = ["sample", "generate", "--lsgs", "3", "--assets-per-lsg", "2"]


def test_every_generated_file_carries_the_mark() -> None:
    assert all(text.startswith(GENERATED_MARK) for _, text in generate(3, 2, 1))


def test_force_replaces_generated_files_only(tmp_path: Path) -> None:
    first = CliRunner().invoke(app, [*ARGS, "--out", str(tmp_path)])
    assert first.exit_code == 0, first.output
    again = CliRunner().invoke(app, [*ARGS, "--seed", "2", "--out", str(tmp_path), "--force"])
    assert again.exit_code == 0, again.output
    [generated, *_] = sorted(tmp_path.rglob("*.yaml"))
    # a person takes one over: from now on it is theirs
    generated.write_text("# Our town hall, kept by hand\n" + generated.read_text("utf-8"))
    before = generated.read_text("utf-8")
    refused = CliRunner().invoke(app, [*ARGS, "--out", str(tmp_path), "--force"])
    assert refused.exit_code != 0
    assert isinstance(refused.exception, UsageError)
    assert "was not written by `lsg sample generate`" in str(refused.exception)
    assert generated.read_text("utf-8") == before


def test_sizes_are_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def would_fill_the_disk(*args: object) -> None:
        raise AssertionError(f"generate{args} was called; the sizes should have been refused")

    # should the caps ever go, this test fails at once instead of writing gigabytes
    monkeypatch.setattr(sample, "generate", would_fill_the_disk)
    for extra in (["--lsgs", "100000"], ["--assets-per-lsg", "100000"]):
        done = CliRunner().invoke(app, ["sample", "generate", "--out", str(tmp_path), *extra])
        assert done.exit_code == 2, done.output
    done = CliRunner().invoke(
        app,
        [
            "sample",
            "generate",
            "--out",
            str(tmp_path),
            "--lsgs",
            "2000",
            "--assets-per-lsg",
            "5000",
        ],
    )
    assert isinstance(done.exception, UsageError), done.exception
    assert "expected at most 1,000,000" in str(done.exception)
    assert not any(tmp_path.iterdir())
