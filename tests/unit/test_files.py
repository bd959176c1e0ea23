"""Loading inventory folders: sources attached, references checked, messages worded."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest
from pydantic_core import ErrorDetails

from lsg_infra.errors import InputError, UsageError
from lsg_infra.model.inventory import Inventory, Municipality
from lsg_infra.readers.files import inventory_files, load_inventories, require_valid
from lsg_infra.readers.messages import describe, did_you_mean, model_at

ROOT = Path(__file__).resolve().parents[2]
KIKINDA = ROOT / "inventory" / "rs" / "kikinda.yaml"


def test_records_know_their_file_and_line() -> None:
    (inv,) = require_valid(load_inventories([KIKINDA]))
    lines = KIKINDA.read_text("utf-8").splitlines()
    for asset in inv.assets:
        assert asset.source is not None
        assert asset.source.file.endswith("kikinda.yaml")
        text = lines[asset.source.line - 1]
        assert f"id: {asset.id}" in text or text.strip() == f"- id: {asset.id}"
    assert inv.municipality.source is not None
    # a block mapping starts at its first key: the line after `municipality:`
    assert lines[inv.municipality.source.line - 1].strip() == "id: rs-kikinda"


def test_sources_survive_copies_pickling_and_workers(tmp_path: Path) -> None:
    # sources live in pydantic's private slot (not a declared PrivateAttr): check
    # that the things pydantic does to records keep them
    (inv,) = require_valid(load_inventories([KIKINDA]))
    asset = inv.assets[0]
    assert asset.source is not None
    assert asset.model_copy(update={"count": 2}).source == asset.source
    assert pickle.loads(pickle.dumps(inv)).assets[0].source == asset.source
    assert Inventory.model_validate(inv.model_dump()).assets[0].source is None
    assert "source" not in asset.model_dump() and "kikinda.yaml" not in repr(asset)
    # 16+ files are read in worker processes; their records know their lines too
    for i in range(16):
        folder = tmp_path / f"copy{i}" / "rs"
        folder.mkdir(parents=True)
        shutil.copy(KIKINDA, folder)
    result = load_inventories([tmp_path])
    assert result.files == 16
    assert [p.message.split(" (")[0] for p in result.problems] == [
        "duplicate LSG id 'rs-kikinda'"
    ] * 15
    (kept,) = result.inventories
    assert kept.assets[0].source is not None
    assert kept.assets[0].source.line == asset.source.line
    assert kept.assets[0].source.file.endswith("copy0/rs/kikinda.yaml")


def test_only_and_generated_files(tmp_path: Path) -> None:
    (tmp_path / "rs").mkdir()
    shutil.copy(KIKINDA, tmp_path / "rs")
    (tmp_path / "rs" / "kikinda.discovered.yaml").write_text("facts: {}\n")
    assert [p.name for p in inventory_files([tmp_path])] == ["kikinda.yaml"]
    assert [i.id for i in load_inventories([tmp_path], only=["kikinda"]).inventories] == [
        "rs-kikinda"
    ]
    with pytest.raises(UsageError, match="no inventory for zrenjanin"):
        load_inventories([tmp_path], only=["zrenjanin"])


def test_duplicate_lsg_id_across_files(tmp_path: Path) -> None:
    (tmp_path / "rs").mkdir()
    (tmp_path / "other").mkdir()
    shutil.copy(KIKINDA, tmp_path / "rs")
    shutil.copy(KIKINDA, tmp_path / "other")
    result = load_inventories([tmp_path])
    assert len(result.inventories) == 1
    assert ["duplicate LSG id 'rs-kikinda'" in p.message for p in result.problems] == [True]


def test_missing_path_is_one_problem(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_inventories([tmp_path / "nowhere"])
    assert str(info.value).endswith("nowhere: no such file or folder")


def test_did_you_mean() -> None:
    assert did_you_mean("rams_gb", ["ram_gb", "cpu_cores"]) == " (did you mean 'ram_gb'?)"
    assert did_you_mean("zzz", ["ram_gb"]) == ""


def test_model_at_follows_lists_and_dicts() -> None:
    assert model_at(Inventory, ("municipality", "populaton")) is Municipality
    os_model = model_at(Inventory, ("assets", 3, "os", "nme"))
    assert os_model is not None and os_model.__name__ == "OperatingSystem"
    control_model = model_at(Inventory, ("controls", "backup", "x"))
    assert control_model is not None and control_model.__name__ == "Control"


def test_describe_words() -> None:
    error: ErrorDetails = {
        "type": "int_parsing",
        "loc": ("municipality", "population"),
        "msg": "Input should be a valid integer",
        "input": "many",
    }
    assert describe(error, Inventory) == "expected a whole number, got 'many'"
    error = {"type": "extra_forbidden", "loc": ("assets", 0, "rams_gb"), "msg": "", "input": 1}
    assert describe(error, Inventory) == "unknown key 'rams_gb' (did you mean 'ram_gb'?)"
