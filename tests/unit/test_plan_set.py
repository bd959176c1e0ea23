"""The four plan outputs are one set: a reader sees all files of one run, never a mix.

Concurrent runs into one --out are serialised by a lock file, a run killed half way
leaves the previous set in place (and its hidden folder is removed by the next run),
and a write that fails half way leaves the previous files as they were.
"""

from __future__ import annotations

import csv
import errno
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from lsg_infra.atomic_write import MANIFEST, publish_set, write_atomic, write_text_atomic
from lsg_infra.errors import OutputError, UsageError

DATA = Path(__file__).parents[1] / "data" / "plan"
LSG = Path(sys.executable).with_name("lsg")
OUTPUTS = ("plan.json", "procurement.csv", "procurement.xlsx", "report.html")


def plan_command(out: Path, *lsgs: str) -> list[str]:
    return [
        str(LSG),
        "plan",
        *lsgs,
        "-i",
        str(DATA / "inventory"),
        "-b",
        str(DATA / "blueprints"),
        "--date",
        "2026-11-26",
        "--years",
        "2027-2028",
        "--out",
        str(out),
    ]


def start(command: list[str]) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LSG_")}
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def assert_one_run(out: Path) -> set[str]:
    """Every file of `out` comes from the run its manifest names; returns the LSGs."""
    manifest = json.loads((out / MANIFEST).read_text("utf-8"))
    assert sorted(manifest["files"]) == sorted(OUTPUTS)
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest, name
    plan = json.loads((out / "plan.json").read_text("utf-8"))
    programme = next(r for r in plan["rollups"] if r["level"] == "programme")["totals"]
    rows = list(csv.DictReader((out / "procurement.csv").read_text("utf-8-sig").splitlines()))
    assert sum(Decimal(r["tco_gross_eur"]) for r in rows) == Decimal(programme["tco_gross_eur"])
    lsgs = {ln["lsg"] for ln in plan["lines"]}
    book = openpyxl.load_workbook(out / "procurement.xlsx", read_only=True)
    assert {s for s in book.sheetnames if s[:3] in ("rs-", "me-", "mk-")} == lsgs
    html = (out / "report.html").read_text("utf-8")
    for lsg in ("rs-alfa", "me-beta", "mk-gama"):
        assert (lsg in html) == (lsg in lsgs), lsg
    return lsgs


def test_concurrent_and_killed_runs_leave_one_consistent_set(tmp_path: Path) -> None:
    out = tmp_path / "out"
    # two runs with different results (all three LSGs, one LSG) into one folder at once,
    # and a third killed as soon as it has started writing (or whatever it was doing)
    everything = start(plan_command(out))
    one = start(plan_command(out, "rs-alfa"))
    killed = start(plan_command(out, "me-beta"))
    deadline = time.monotonic() + 120
    while killed.poll() is None and time.monotonic() < deadline:
        if list(tmp_path.glob(".out.tmp-*")):
            break
        time.sleep(0.002)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    for process in (everything, one):
        _, err = process.communicate(timeout=240)
        assert process.returncode == 0, err
    lsgs = assert_one_run(out)
    assert lsgs in ({"rs-alfa", "me-beta", "mk-gama"}, {"rs-alfa"}, {"me-beta"})
    # the next run removes whatever hidden folder the killed run left
    done = subprocess.run(plan_command(out), capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    assert assert_one_run(out) == {"rs-alfa", "me-beta", "mk-gama"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "out"]


def test_stale_temporaries_of_killed_runs_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    stale = tmp_path / ".out.tmp-k1ll3d"
    stale.mkdir()
    (stale / "plan.json").write_text("{}", "utf-8")
    (tmp_path / ".out.old-k1ll3d").mkdir()
    out.mkdir()
    (out / ".plan.json.x2y3.tmp").write_text("half", "utf-8")  # an older version's leftover
    published = publish_set(out, lambda folder: [_write(folder, "plan.json", "new")], owned=OUTPUTS)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "out"]
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "plan.json"]
    assert json.loads((out / MANIFEST).read_text("utf-8"))["run"] == published.run_id


def _write(folder: Path, name: str, text: str) -> Path:
    write_text_atomic(folder / name, text)
    return folder / name


def test_a_set_that_fails_half_way_leaves_the_previous_set(tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish_set(
        out,
        lambda f: [_write(f, "plan.json", "old"), _write(f, "report.html", "old")],
        owned=OUTPUTS,
    )
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def fails_after_one_file(folder: Path) -> list[Path]:
        _write(folder, "plan.json", "new")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OutputError, match="No space left on device"):
        publish_set(out, fails_after_one_file, owned=OUTPUTS)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "out"]


def test_a_write_that_fails_half_way_leaves_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    write_text_atomic(target, '{"run": 1}')

    def half_then_full(fh) -> None:  # type: ignore[no-untyped-def]
        fh.write(b'{"run": 2, "lines": [')
        fh.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OutputError, match=r"cannot write .*plan\.json: No space left on device"):
        write_atomic(target, half_then_full)
    assert target.read_text("utf-8") == '{"run": 1}'
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]


def test_a_folder_holding_other_files_is_not_replaced(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", "utf-8")
    with pytest.raises(UsageError, match=r"notes\.txt"):
        publish_set(tmp_path, lambda f: [_write(f, "plan.json", "x")], owned=OUTPUTS)
    assert (tmp_path / "notes.txt").read_text("utf-8") == "mine"


def test_a_second_run_says_it_waits_for_the_first(tmp_path: Path) -> None:
    out = tmp_path / "out"
    waited: list[str] = []

    def fill_while_another_waits(folder: Path) -> list[Path]:
        # a second run into the same folder while this one holds the lock, in a thread
        import threading

        second = threading.Thread(
            target=publish_set,
            args=(out, lambda f: [_write(f, "plan.json", "second")]),
            kwargs={"owned": OUTPUTS, "on_wait": lambda: waited.append("waiting")},
        )
        second.start()
        second.join(timeout=0.5)  # it cannot finish: the lock is held
        assert second.is_alive()
        fill_while_another_waits.second = second  # type: ignore[attr-defined]
        return [_write(folder, "plan.json", "first")]

    publish_set(out, fill_while_another_waits, owned=OUTPUTS)
    fill_while_another_waits.second.join(timeout=60)  # type: ignore[attr-defined]
    assert waited == ["waiting"]
    assert (out / "plan.json").read_text("utf-8") == "second"
