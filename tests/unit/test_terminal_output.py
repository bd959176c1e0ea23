"""What reaches the terminal: text shown as written, tables whole, formats honest, streams safe."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lsg_infra.cli import output
from lsg_infra.cli.plan import parse_budget
from lsg_infra.errors import UsageError
from lsg_infra.textsafe import printable

REPO = Path(__file__).resolve().parents[2]
LSG = Path(sys.executable).with_name("lsg")
HOSTILE = "Kikinda\x1b]0;owned\x07\x1b[2J\x9b31m\u202egnp.exe :fire: [bold red]x[/]"


def lsg(*args: str, cwd: Path = REPO, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LSG_") and k != "COLUMNS"}
    return subprocess.run(
        [str(LSG), *args],
        cwd=cwd,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_printable_escapes_what_a_terminal_would_interpret() -> None:
    shown = printable(HOSTILE + "\nnext line\ttab")
    assert shown == (
        "Kikinda\\x1b]0;owned\\x07\\x1b[2J\\x9b31m\\u202egnp.exe :fire: [bold red]x[/]"
        "\\x0anext line\\x09tab"
    )
    assert printable("Кикинда, Битола, Žabljak") == "Кикинда, Битола, Žabljak"


def test_tables_lines_and_errors_show_text_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    output.print_table(HOSTILE, ["name [b]"], [[HOSTILE]])
    output.line(HOSTILE)
    output.error(HOSTILE)
    output.print_json({"name": HOSTILE})
    output.print_csv(["name"], [[HOSTILE]])
    captured = capsys.readouterr()
    for text in (captured.out, captured.err):
        assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
        assert "\u202e" not in text
    assert captured.out.count(":fire: [bold red]x[/]") == 5
    assert "name [b]" in captured.out
    assert "\U0001f525" not in captured.out + captured.err  # no emoji for :fire:


def test_markup_in_inventory_text_is_shown_as_written(tmp_path: Path) -> None:
    shutil.copytree(REPO / "inventory" / "rs", tmp_path / "inventory" / "rs")
    path = tmp_path / "inventory" / "rs" / "kikinda.yaml"
    path.write_text(
        path.read_text("utf-8").replace("name: Kikinda", "name: '[bold]Kiki :fire: nda[/bold]'"),
        "utf-8",
    )
    done = lsg("inventory", "show", "rs-kikinda", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "[bold]Kiki :fire: nda[/bold]" in done.stdout


def test_tables_are_not_cut_when_piped() -> None:
    done = lsg("inventory", "list", COLUMNS="40")
    assert done.returncode == 0, done.stderr
    assert "…" not in done.stdout
    for lsg_id in ("rs-novi-sad", "mk-vevcani", "me-podgorica"):
        assert lsg_id in done.stdout


def test_a_narrow_terminal_gets_every_value_not_empty_cells() -> None:
    main, other = os.openpty()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LSG_")}
    process = subprocess.Popen(
        [str(LSG), "inventory", "list"],
        cwd=REPO,
        env={**clean, "COLUMNS": "20", "TERM": "xterm"},
        stdout=other,
        stderr=subprocess.DEVNULL,
    )
    os.close(other)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=120)
    os.close(main)
    text = b"".join(chunks).decode("utf-8", "replace")
    assert process.returncode == 0, text
    assert "…" not in text
    for value in ("rs-novi-sad", "Novi Sad", "mk-vevcani", "368,967"):
        assert value in text, (value, text)


@pytest.mark.parametrize(
    "command",
    [
        ["inventory", "show", "rs-kikinda"],
        ["blueprint", "show", "small"],
    ],
)
def test_csv_is_refused_where_there_are_no_rows_to_write(command: list[str]) -> None:
    done = lsg(*command, "-f", "csv")
    assert done.returncode == 2
    assert "csv is not available" in done.stderr
    assert done.stdout == ""


def test_csv_where_rows_make_sense() -> None:
    done = lsg("inventory", "list", "-f", "csv")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("id,name,country,population")
    assert len(lines) == 11
    done = lsg("validate", "-f", "csv")
    assert done.returncode == 0 and done.stdout == "file,line,where,message\n"


def test_plan_prints_its_summary_in_each_format(tmp_path: Path) -> None:
    done = lsg("plan", "--out", str(tmp_path / "out"), "-f", "csv")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == (
        "scope,lsgs,gaps,capex_gross_eur,opex_gross_eur_per_year,tco_gross_eur,unfunded_gross_eur"
    )
    assert lines[-1].startswith("Programme,10,")
    assert lsg("plan", "--out", str(tmp_path / "out"), "-f", "xml").returncode == 2


def test_a_full_stdout_is_a_one_line_error() -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [str(LSG), "inventory", "list", "-f", "json"],
            cwd=REPO,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert done.returncode == 1
    assert done.stderr == "error: cannot write the output: No space left on device\n"


def test_an_ascii_terminal_gets_escapes_not_an_internal_error() -> None:
    done = lsg("inventory", "show", "rs-kikinda", PYTHONIOENCODING="ascii")
    assert done.returncode == 0, done.stderr
    assert "\\u041a\\u0438\\u043a\\u0438\\u043d\\u0434\\u0430" in done.stdout  # Кикинда
    json_done = lsg("inventory", "show", "rs-kikinda", "-f", "json", PYTHONIOENCODING="ascii")
    assert json_done.returncode == 0, json_done.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1500000", "1500000"),
        ("1500000,50", "1500000.50"),
        ("1.500.000,50", "1500000.50"),
        ("1,500,000.50", "1500000.50"),
        ("1 500 000", "1500000"),
        ("0", "0"),
    ],
)
def test_budget_as_people_write_it(text: str, expected: str) -> None:
    assert str(parse_budget(text)) == expected


@pytest.mark.parametrize(
    "text", ["1e30", "NaN", "inf", "-1500000", "1,500", "1.500", "1500000.505", "1" * 14, ""]
)
def test_budget_that_cannot_be_read_for_sure_is_refused(text: str) -> None:
    with pytest.raises(UsageError, match="--budget"):
        parse_budget(text)


def test_budget_refusal_is_one_line_exit_2(tmp_path: Path) -> None:
    done = lsg("plan", "--out", str(tmp_path / "out"), "--budget", "1e30")
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1 and "--budget '1e30'" in done.stderr
    assert not (tmp_path / "out").exists()


def test_log_records_are_escaped() -> None:
    import logging

    record = logging.LogRecord(
        "lsg_infra", logging.WARNING, __file__, 1, "host said %s", (HOSTILE,), None
    )
    shown = output.SafeLogFormatter("%(levelname)s %(message)s").format(record)
    assert shown.startswith("WARNING host said Kikinda\\x1b]0;owned\\x07")
    assert "\x1b" not in shown and "\u202e" not in shown


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e999"])
def test_timeouts_are_finite_numbers(value: str, tmp_path: Path) -> None:
    # hosts on loopback: should the option ever pass again, nothing leaves this machine
    (tmp_path / "rs").mkdir()
    text = (REPO / "inventory" / "rs" / "kikinda.yaml").read_text("utf-8")
    text = re.sub(r"host: [a-z0-9.-]+\.internal", "host: 127.0.0.1", text)
    (tmp_path / "rs" / "kikinda.yaml").write_text(text, "utf-8")
    done = lsg("preflight", "rs-kikinda", "-i", str(tmp_path), "--connect-timeout", value)
    assert done.returncode == 2, done.stderr
    assert "--connect-timeout" in done.stderr
    import typer

    from lsg_infra.cli.main_options import finite

    with pytest.raises(typer.BadParameter):
        finite(float(value))


@pytest.mark.parametrize(
    "command", [["plan", "--out", "out", "--date"], ["gaps", "--today"]], ids=["plan", "gaps"]
)
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_reference_dates_out_of_range_are_refused(
    command: list[str], day: str, tmp_path: Path
) -> None:
    done = lsg(*command, day, "-i", str(REPO / "inventory"), cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr == (
        f"error: {command[-1]} {day}: expected a date from 2000-01-01 to 2100-12-31\n"
    )
