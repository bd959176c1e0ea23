"""Every malformed file in tests/data/malformed/ is refused the same way.

For each: exit code 2, one line per problem as `<file>:<line>: <where>: <message>`
(or `<file>: <message>` for problems of the whole file: empty, oversized), the
expected message, no traceback, and nothing written. The real `lsg` command runs
once over the whole corpus (which also proves that every problem in every file is
reported in one run); typer's CliRunner then checks each file in-process.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lsg_infra.cli.main import app
from lsg_infra.errors import InputError
from lsg_infra.readers import yamlfile
from lsg_infra.readers.files import load_inventories

CORPUS = Path(__file__).resolve().parents[1] / "data" / "malformed"

# (file stem under malformed/, line or None for a whole-file problem, message fragment)
EXPECTED: list[tuple[str, int | None, str]] = [
    ("absurd-population", 2, "municipality.population: 900000000 is not plausible"),
    ("absurd-ram", 6, "assets[0].ram_gb: 10000000 is not plausible"),
    ("alias-bomb", 2, "aliases expand to too many values (an alias bomb?)"),
    ("alias-cycle", 5, "assets[0]: an alias refers to itself (a cycle)"),
    ("bad-asset-kind", 6, "assets[0].kind: expected one of server, "),
    ("bad-asset-kind", 6, "got 'srever' (did you mean 'server'?)"),
    ("bad-date-impossible", 6, "warranty_until: '2024-13-45' is not a valid date"),
    ("bad-date-words", 6, "contract_until: expected a date as YYYY-MM-DD, got 'next spring'"),
    ("bad-lsg-id", 2, "municipality.id: 'Bad LSG Id' is not an LSG id"),
    ("complex-key", 5, "a key must be plain text"),
    ("control-not-a-mapping", 7, "controls.backup: expected a mapping, got 3"),
    ("country-does-not-match-id", 2, "'ME' does not match the id's country code 'rs'"),
    ("duplicate-asset-id", 7, "assets[1].id: duplicate id 'srv-01' (first used at line 6)"),
    ("duplicate-key", 8, "duplicate key 'population' (first at line 6)"),
    ("duplicate-service", 5, "services: service 'rs-eid' is listed twice"),
    ("duplicate-site-id", 5, "sites[1].id: duplicate id 'hall' (first used at line 4)"),
    ("empty", None, "file is empty; expected a YAML mapping"),
    ("host-on-a-server", 7, "assets[1]: only a virtual-machine has a 'host'"),
    ("id-does-not-match-file-name", 2, "'rs-somewhere-else' does not match the file name"),
    ("manage-with-count", 6, "an asset with a management address must have count 1"),
    ("me/wrong-country-folder", 2, "'RS' is in folder me/; expected ME"),
    ("missing-required-key", 2, "municipality.population: required key is missing"),
    ("negative-count", 6, "assets[0].count: must be at least 1, got -5"),
    ("negative-link-speed", 6, "links[0].down_mbps: must be at least 0"),
    ("no-sites", 3, "sites: expected at least 1 item"),
    ("non-utf8", 4, "byte 0xe9 is not valid UTF-8"),
    ("nul-byte", 4, "file contains NUL bytes"),
    ("only-comments", None, "file is empty; expected a YAML mapping"),
    ("schema-and-reference-errors", 6, "assets[0].ram_gb: expected a number, got 'lots'"),
    ("schema-and-reference-errors", 7, "assets[1].site: unknown site 'annex'"),
    ("software-on-unknown-asset", 8, "unknown asset 'srv-1' (did you mean 'srv-01'?)"),
    ("tab-indentation", 6, "YAML syntax error"),
    ("tab-indentation", 6, "a tab?"),
    ("tag-custom-include", 5, "assets: tag !include is not allowed"),
    ("tag-python-name", 5, "notes: tag !!python/name:os.system is not allowed"),
    ("tag-python-object", 5, "assets: tag !!python/object/apply:os.system is not allowed"),
    ("top-level-list", 2, "expected a mapping with 'municipality', 'sites', ...; got a list"),
    ("top-level-scalar", 2, "expected a mapping with 'municipality', 'sites'"),
    ("trained-exceeds-employees", 2, "trained_staff (50) exceeds employees (20)"),
    ("two-documents", 5, "YAML syntax error: expected a single document"),
    ("undefined-alias", 5, "YAML syntax error: found undefined alias"),
    ("unknown-key-top-level", 5, "asets: unknown key 'asets' (did you mean 'assets'?)"),
    ("unknown-key-typo", 6, "unknown key 'rams_gb' (did you mean 'ram_gb'?)"),
    ("unknown-site-in-asset", 6, "assets[0].site: unknown site 'hal' (did you mean 'hall'?)"),
    ("unknown-site-in-link", 6, "links[0].site: unknown site 'annex'; expected one of: hall"),
    ("vm-host-not-server", 7, "assets[1].host: 'sw-01' is a switch"),
    ("vm-host-unknown", 7, "assets[1].host: unknown asset 'srv-02' (did you mean 'srv-01'?)"),
    (
        "vm-site-not-host-site",
        8,
        "assets[1].site: 'annex' is not the site of its host 'srv-01' (hall); "
        "expected the host's site",
    ),
    ("wrong-type-population-text", 6, "expected a whole number, got '5000 people'"),
    ("wrong-type-ram", 9, "assets[0].ram_gb: expected a number, got 'sixteen'"),
    ("wrong-type-server-room", 4, "sites[0].server_room: expected true or false, got 'sometimes'"),
    ("wrong-type-sites-mapping", 3, "sites: expected a list, got a mapping"),
    ("yaml-syntax-bad-indentation", 5, "YAML syntax error"),
    ("yaml-syntax-unclosed-flow", 7, "YAML syntax error"),
    ("year-out-of-range", 6, "assets[0].purchased: must be at least 1980, got 1900"),
]
# Problems per file (a fragment list may hold several fragments of the same line).
EXPECTED_COUNT = {
    name: len({(n, ln) for n, ln, _ in EXPECTED if n == name}) for name, _, _ in EXPECTED
}
# schema-and-reference-errors has two problems on two lines; every other file one.
STEMS = sorted(EXPECTED_COUNT)
LINE = re.compile(r"^(?P<file>[^:]+\.yaml)(?::(?P<line>\d+))?: (?P<rest>.+)$")


def _lsg() -> list[str]:
    script = Path(sys.executable).with_name("lsg")
    return [str(script)] if script.exists() else [shutil.which("lsg") or "lsg"]


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")
    }


def _parse(lines: list[str], prefix: str) -> dict[str, list[tuple[int | None, str]]]:
    found: dict[str, list[tuple[int | None, str]]] = {}
    for text in lines:
        m = LINE.match(text)
        assert m, f"not a problem line: {text!r}"
        file = m["file"]
        assert file.startswith(prefix), text
        stem = file[len(prefix) :].removesuffix(".yaml")
        found.setdefault(stem, []).append((int(m["line"]) if m["line"] else None, m["rest"]))
    return found


def _check_file(stem: str, problems: list[tuple[int | None, str]]) -> None:
    assert len(problems) == EXPECTED_COUNT[stem], (stem, problems)
    for name, line, fragment in EXPECTED:
        if name == stem:
            assert any(ln == line and fragment in rest for ln, rest in problems), (
                stem,
                line,
                fragment,
                problems,
            )


def test_corpus_has_at_least_30_files_and_each_is_expected() -> None:
    files = sorted(str(p.relative_to(CORPUS).with_suffix("")) for p in CORPUS.rglob("*.yaml"))
    assert len(files) >= 30
    assert files == STEMS


def test_real_command_reports_every_problem_in_one_run(tmp_path: Path) -> None:
    shutil.copytree(CORPUS, tmp_path / "malformed")
    before = _snapshot(tmp_path)
    env = {**os.environ, "COLUMNS": "300", "NO_COLOR": "1"}
    env.pop("LSG_DEBUG", None)
    done = subprocess.run(
        [*_lsg(), "validate", "malformed"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    total = sum(EXPECTED_COUNT.values())
    assert lines[-1] == f"{total} problems found"
    found = _parse(lines[:-1], "malformed/")
    assert sorted(found) == STEMS
    for stem, problems in found.items():
        _check_file(stem, problems)
    assert _snapshot(tmp_path) == before, "validate must not write anything"


@pytest.mark.parametrize("stem", STEMS)
def test_each_file_through_cli_runner(
    stem: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(CORPUS, tmp_path / "malformed")
    monkeypatch.chdir(tmp_path)
    before = _snapshot(tmp_path)
    target = f"malformed/{stem}.yaml"
    runner = CliRunner()

    # table output: the CLI layer raises InputError, which `main` prints line by line, exit 2
    result = runner.invoke(app, ["validate", target])
    assert isinstance(result.exception, InputError), result.output
    assert result.exception.exit_code == 2
    lines = [str(p) for p in result.exception.problems]
    _check_file(stem, _parse(lines, "malformed/")[stem])

    # JSON output: the same problems as data, with exit code 2 from typer itself
    result = runner.invoke(app, ["validate", target, "--format", "json"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    payload = json.loads(result.stdout)
    problems = [(p["line"] or None, f"{p['where']}: {p['message']}") for p in payload["problems"]]
    assert all(p["file"] == target for p in payload["problems"])
    _check_file(stem, problems)
    assert _snapshot(tmp_path) == before


def test_alias_bomb_is_refused_after_bounded_work(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[int] = []
    original = yamlfile._Builder.build

    def counting(self: yamlfile._Builder, node: object, path: yamlfile.Path_) -> object:
        built.append(1)
        return original(self, node, path)  # type: ignore[arg-type]

    monkeypatch.setattr(yamlfile._Builder, "build", counting)
    path = CORPUS / "alias-bomb.yaml"
    assert path.stat().st_size < 4096
    started = time.perf_counter()
    with pytest.raises(yamlfile.YamlProblem, match="alias bomb"):
        yamlfile.load(path)
    elapsed = time.perf_counter() - started
    # The file expands to 10^9 values; we stop after the budget (the work is counted,
    # so this cannot flake), and a generous wall-clock bound catches a broken budget.
    assert len(built) <= yamlfile.MAX_NODES_FLOOR + 1
    assert elapsed < 10


def test_oversized_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "rs" / "huge.yaml"
    path.parent.mkdir()
    with path.open("wb") as fh:  # sparse: no 16 MB of writes
        fh.truncate(yamlfile.MAX_FILE_BYTES + 1)
    result = load_inventories([path])
    assert [str(p) for p in result.problems] == [
        f"{result.problems[0].file}: file is {yamlfile.MAX_FILE_BYTES + 1:,} bytes; "
        f"expected at most {yamlfile.MAX_FILE_BYTES:,} (split it or raise the limit)"
    ]
    assert result.problems[0].line == 0


@pytest.mark.parametrize("depth", [70, 900, 5000])
def test_deep_nesting_is_a_problem_not_a_crash(tmp_path: Path, depth: int) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * depth + "]" * depth + "\n")
    result = load_inventories([path])
    assert len(result.problems) == 1
    assert result.problems[0].line == 1
    assert "nested" in result.problems[0].message or "nesting" in result.problems[0].message


def test_all_problems_in_all_files_in_one_run(tmp_path: Path) -> None:
    for stem in ("wrong-type-ram", "duplicate-key", "schema-and-reference-errors", "empty"):
        shutil.copy(CORPUS / f"{stem}.yaml", tmp_path)
    good = Path(__file__).resolve().parents[2] / "inventory" / "rs" / "kikinda.yaml"
    (tmp_path / "rs").mkdir()
    shutil.copy(good, tmp_path / "rs")
    result = load_inventories([tmp_path])
    assert result.files == 5
    assert [i.id for i in result.inventories] == ["rs-kikinda"]
    assert sorted({Path(p.file).stem for p in result.problems}) == [
        "duplicate-key",
        "empty",
        "schema-and-reference-errors",
        "wrong-type-ram",
    ]
    assert len(result.problems) == 5
