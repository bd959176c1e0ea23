"""What `lsg validate` refuses, it refuses first: nothing it passes can crash `lsg plan`.

Inventory files are regular files inside the inventory folder (a link to a token file
is refused without reading it), errors quote only the offending key or value, control
characters and absurd numbers are refused, a slug of two countries needs the full id,
and an empty inventory is an error unless asked for.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lsg_infra.errors import UsageError
from lsg_infra.readers import files, yamlfile

REPO = Path(__file__).resolve().parents[2]
LSG = Path(sys.executable).with_name("lsg")
KIKINDA = REPO / "inventory" / "rs" / "kikinda.yaml"
TOKEN = "0123456789abcdef0123456789abcdef01234567"  # a made-up token


def lsg(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LSG_")}
    return subprocess.run(
        [str(LSG), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "inventory" / "rs").mkdir(parents=True)
    shutil.copy(KIKINDA, tmp_path / "inventory" / "rs")
    return tmp_path


def test_a_link_to_a_token_file_is_refused_without_showing_it(repo: Path) -> None:
    secret = repo / "home" / ".config" / "lsg-infra" / "netbox.toml"
    secret.parent.mkdir(parents=True)
    secret.write_text(f'token = "{TOKEN}"\nurl = "https://netbox.example.org"\n', "utf-8")
    (repo / "inventory" / "rs" / "x.yaml").symlink_to(secret)
    for command in (["validate"], ["plan"], ["inventory", "list"]):
        done = lsg(repo, *command)
        assert done.returncode == 2, (command, done.stderr)
        assert TOKEN not in done.stdout + done.stderr
        assert "netbox.example.org" not in done.stderr
        assert "inventory/rs/x.yaml: is a link to a file outside the inventory folder" in (
            done.stderr
        )


def test_a_file_that_is_no_inventory_is_not_quoted(repo: Path) -> None:
    (repo / "inventory" / "rs" / "x.yaml").write_text(f'token = "{TOKEN}"\n', "utf-8")
    done = lsg(repo, "validate")
    assert done.returncode == 2
    assert TOKEN not in done.stderr
    assert (
        "inventory/rs/x.yaml:1: expected a mapping with 'municipality', 'sites', ...; got text"
        in (done.stderr)
    )


def test_a_link_inside_the_folder_is_read(repo: Path) -> None:
    (repo / "inventory" / "shared").mkdir()
    shutil.move(repo / "inventory" / "rs" / "kikinda.yaml", repo / "inventory" / "shared")
    (repo / "inventory" / "rs" / "kikinda.yaml").symlink_to(
        repo / "inventory" / "shared" / "kikinda.yaml"
    )
    result = files.load_inventories([repo / "inventory" / "rs"])
    assert result.problems and "outside the inventory folder" in result.problems[0].message
    result = files.load_inventories([repo / "inventory"])
    assert not result.problems, result.problems


def test_a_pipe_is_refused_not_read(repo: Path) -> None:
    os.mkfifo(repo / "inventory" / "rs" / "pipe.yaml")  # reading it would wait forever
    result = files.load_inventories([repo / "inventory"])
    assert [(p.file.rsplit("/", 1)[-1], p.message) for p in result.problems] == [
        ("pipe.yaml", "is not a regular file; expected a YAML file")
    ]


def test_long_values_are_cut_in_errors(repo: Path) -> None:
    path = repo / "inventory" / "rs" / "kikinda.yaml"
    long_value = "A" * 5000
    path.write_text(
        path.read_text("utf-8").replace("population: 49326", f"population: '{long_value}'"),
        "utf-8",
    )
    [problem] = files.load_inventories([repo / "inventory"]).problems
    assert problem.where == "municipality.population"
    assert len(problem.message) < 100


@pytest.mark.parametrize("escape", ["\\e[2J", "\\x1b]0;owned\\x07", "\\x00", "\\u202e", "\\x9b"])
def test_control_characters_are_refused_by_validate(repo: Path, escape: str) -> None:
    path = repo / "inventory" / "rs" / "kikinda.yaml"
    path.write_text(
        path.read_text("utf-8").replace("name: Kikinda", f'name: "Kiki{escape}nda"'), "utf-8"
    )
    [problem] = files.load_inventories([repo / "inventory"]).problems
    assert (problem.line, problem.where) == (8, "municipality.name")
    assert "control character" in problem.message
    assert "\x1b" not in problem.message and "\x00" not in problem.message


def test_control_characters_stop_plan_before_any_output(repo: Path) -> None:
    path = repo / "inventory" / "rs" / "kikinda.yaml"
    path.write_text(path.read_text("utf-8").replace("name: City hall", 'name: "City\\x0chall"'))
    done = lsg(repo, "plan", "--out", "out")
    assert done.returncode == 2, done.stderr
    assert "control character \\x0c" in done.stderr
    assert not (repo / "out").exists()
    assert lsg(repo, "validate").returncode == 2


def test_line_breaks_and_tabs_in_text_are_fine(repo: Path) -> None:
    path = repo / "inventory" / "rs" / "kikinda.yaml"
    path.write_text(path.read_text("utf-8").replace("name: City hall", 'name: "City\\n\\thall"'))
    assert not files.load_inventories([repo / "inventory"]).problems


def test_a_huge_number_is_one_line_not_a_crash(repo: Path) -> None:
    path = repo / "inventory" / "rs" / "kikinda.yaml"
    path.write_text(
        path.read_text("utf-8").replace("population: 49326", f"population: {'9' * 5000}")
    )
    done = lsg(repo, "validate")
    assert done.returncode == 2, done.stderr
    assert "municipality.population: a number of 5,000 characters; expected at most 64 digits" in (
        done.stderr
    )
    assert len(done.stderr.splitlines()) == 2  # the problem and the count


def test_a_slug_of_two_countries_needs_the_full_id(repo: Path) -> None:
    (repo / "inventory" / "me").mkdir()
    text = KIKINDA.read_text("utf-8").replace("rs-kikinda", "me-kikinda")
    (repo / "inventory" / "me" / "kikinda.yaml").write_text(
        text.replace("country: RS", "country: ME")
    )
    with pytest.raises(UsageError, match=r"'kikinda' names 2 LSGs \(me-kikinda, rs-kikinda\)"):
        files.load_inventories([repo / "inventory"], only=["kikinda"])
    for command in (["inventory", "show", "kikinda"], ["inventory", "ansible", "kikinda"]):
        done = lsg(repo, *command)
        assert done.returncode == 2, (command, done.stderr)
        assert "give the full id" in done.stderr
    done = lsg(repo, "inventory", "show", "rs-kikinda")
    assert done.returncode == 0, done.stderr


def test_an_empty_inventory_is_an_error_unless_allowed(tmp_path: Path) -> None:
    (tmp_path / "inventory" / "rs").mkdir(parents=True)
    for command in (["validate"], ["plan", "--out", "out"]):
        done = lsg(tmp_path, *command)
        assert done.returncode == 2, (command, done.stderr)
        assert "no inventory files here" in done.stderr
        assert "all valid" not in done.stderr
    assert not (tmp_path / "out").exists()
    assert lsg(tmp_path, "validate", "--allow-empty").returncode == 0


def test_lines_of_many_unknown_keys_come_from_one_index(tmp_path: Path) -> None:
    # 50,000 unknown keys took 122 s: each line lookup scanned every key (quadratic)
    path = tmp_path / "x.yaml"
    path.write_text("municipality:\n" + "".join(f"  key_{i}: 1\n" for i in range(2000)))
    doc = yamlfile.reload_nodes(yamlfile.load(path))
    lines = [doc.line_of(("municipality", f"key_{i}")) for i in range(2000)]
    assert lines == list(range(2, 2002))
    assert len(doc._keys) == 2  # the root mapping and `municipality`, each indexed once


def test_links_to_themselves_or_nowhere_are_refused(repo: Path) -> None:
    (repo / "inventory" / "rs" / "loop.yaml").symlink_to("loop.yaml")
    (repo / "inventory" / "rs" / "gone.yaml").symlink_to("nowhere.yaml")
    problems = files.load_inventories([repo / "inventory"]).problems
    assert sorted((p.file.rsplit("/", 1)[-1], p.message) for p in problems) == [
        ("gone.yaml", "cannot read: No such file or directory"),
        ("loop.yaml", "is a link that leads to itself; expected a regular file"),
    ]
