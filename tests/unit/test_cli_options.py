"""The `lsg` command's options read the same everywhere, and the shell completes them.

A short option means one thing in every command: `-c` was `--catalogue` in `lsg plan`
and `--country` in `lsg blueprint show`. The walk covers every command, so a new one
that reuses a letter for something else fails here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import typer

from lsg_infra.cli.main import app

LSG = Path(sys.executable).with_name("lsg")

# The meaning of each short option that exists; -c is the country (RS, ME, MK), the
# catalogue has only its long name: a country filter is what more commands will take.
SHORT_OPTIONS = {
    "-b": "--blueprints",
    "-c": "--country",
    "-e": "--extra-vars",
    "-f": "--format",
    "-i": "--inventory",
    "-o": "--out",
    "-v": "--verbose",
}


def options(command: Any, path: str = "lsg") -> list[tuple[str, str, tuple[str, ...]]]:
    """(command path, short option, its long names) for every short option of every command."""
    found = []
    for param in command.params:
        if getattr(param, "param_type_name", "") != "option":
            continue
        names = [*param.opts, *param.secondary_opts]
        longs = tuple(sorted(n for n in names if n.startswith("--")))
        found += [(path, n, longs) for n in names if not n.startswith("--")]
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        found += options(sub, f"{path} {name}")
    return found


def test_each_short_option_means_one_thing_in_every_command() -> None:
    walked = options(typer.main.get_command(app))
    assert {path for path, _, _ in walked} >= {"lsg plan", "lsg blueprint show", "lsg provision"}
    meanings: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    where: dict[str, list[str]] = defaultdict(list)
    for path, short, longs in walked:
        meanings[short].add(longs)
        where[short].append(f"{path} {short} = {'/'.join(longs)}")
    clashes = {short: where[short] for short, seen in meanings.items() if len(seen) > 1}
    assert not clashes, clashes
    for short, seen in meanings.items():
        if short in SHORT_OPTIONS:
            assert seen == {(SHORT_OPTIONS[short],)}, where[short]


def test_the_walk_finds_a_clash() -> None:
    clash = typer.Typer()

    @clash.command()
    def one(country: str = typer.Option("RS", "--country", "-c")) -> None: ...

    @clash.command()
    def two(catalogue: str = typer.Option("", "--catalogue", "-c")) -> None: ...

    walked = options(typer.main.get_command(clash))
    assert {longs for _, short, longs in walked if short == "-c"} == {
        ("--country",),
        ("--catalogue",),
    }


def complete(words: str) -> list[str]:
    env = {**os.environ, "_LSG_COMPLETE": "complete_bash", "COMP_WORDS": words}
    env["COMP_CWORD"] = str(len(words.split()) - 1)
    done = subprocess.run([str(LSG)], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_shell_completion_is_on() -> None:
    done = subprocess.run([str(LSG), "--help"], capture_output=True, text=True, timeout=60)
    assert "--install-completion" in done.stdout
    assert complete("lsg bluep") == ["blueprint"]
    assert "--catalogue" in complete("lsg plan --cat")
