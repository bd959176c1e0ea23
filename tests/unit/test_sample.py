"""The synthetic inventory generator: deterministic, real names, and always valid."""

from __future__ import annotations

import hashlib
from pathlib import Path

from typer.testing import CliRunner

from lsg_infra.cli.main import app
from lsg_infra.readers import yamlfile
from lsg_infra.readers.files import load_inventories
from lsg_infra.sample import generate, generate_inventories, reference_lsgs


def _digest(lsgs: int, assets: int, seed: int) -> str:
    h = hashlib.sha256()
    for path, text in generate(lsgs, assets, seed):
        h.update(path.encode() + b"\0" + text.encode() + b"\0")
    return h.hexdigest()


def test_same_seed_gives_identical_bytes() -> None:
    assert _digest(12, 30, 7) == _digest(12, 30, 7)
    assert _digest(12, 30, 7) != _digest(12, 30, 8)


def test_prefix_is_stable_whatever_the_total() -> None:
    # LSG i depends only on (seed, i): asking for more LSGs never changes the first ones
    few = dict(generate(5, 20, 3))
    many = dict(generate(9, 20, 3))
    assert all(many[path] == text for path, text in few.items())


def test_names_are_real_and_unique_with_synthetic_suffixes() -> None:
    total = len(reference_lsgs()) + 5
    paths = [path for path, _ in generate_inventories(total, 1, 1)]
    assert len(set(paths)) == total
    assert "rs/beograd.yaml" in paths and "me/podgorica.yaml" in paths
    assert "mk/skopje.yaml" in paths
    assert any(path.endswith("-2.yaml") for path in paths)
    assert {p.split("/")[0] for p in paths[:3]} == {"rs", "me", "mk"}


def test_text_is_the_dict_it_came_from(tmp_path: Path) -> None:
    docs = dict(generate_inventories(6, 50, 2))
    for path, text in generate(6, 50, 2):
        # read as lsg reads it: keys are text, never YAML 1.1 booleans
        file = tmp_path / "x.yaml"
        file.write_text(text, "utf-8")
        assert yamlfile.load(file).data == docs[path]


def test_asset_records_per_lsg() -> None:
    for _, doc in generate_inventories(4, 123, 1):
        assert len(doc["assets"]) == 123
    for _, doc in generate_inventories(2, 1, 1):
        assert len(doc["assets"]) == 1


def test_generated_files_validate(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["sample", "generate", "--lsgs", "40", "--assets-per-lsg", "60", "--out", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    loaded = load_inventories([tmp_path])
    assert loaded.problems == []
    assert len(loaded.inventories) == 40
    assert sum(len(inv.assets) for inv in loaded.inventories) == 40 * 60


def test_refuses_a_non_empty_folder_without_force(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("precious")
    args = ["sample", "generate", "--lsgs", "2", "--assets-per-lsg", "5", "--out", str(tmp_path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code != 0
    assert "not empty" in str(result.exception)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]
    result = CliRunner().invoke(app, [*args, "--force"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "keep.txt").read_text() == "precious"
    assert (tmp_path / "rs" / "beograd.yaml").is_file()
