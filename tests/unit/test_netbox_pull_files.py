"""`lsg netbox pull` never rewrites an inventory a person wrote: it writes beside it
as <slug>.netbox.yaml (which is never read as an inventory) unless --overwrite; a
file an earlier pull wrote, and nobody edited, is simply replaced."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lsg_infra import api
from lsg_infra.model.inventory import Inventory
from lsg_infra.netbox import inventory_yaml, write_inventories
from lsg_infra.netbox.sync import written_by_pull
from lsg_infra.readers.files import inventory_files

DATA = Path(__file__).parent.parent / "data" / "netbox" / "inventory"


@pytest.fixture
def testgrad() -> Inventory:
    [inv] = api.load_inventories([DATA], only=["rs-testgrad"])
    return inv


def test_person_written_file_is_kept_and_pull_goes_beside(
    tmp_path: Path, testgrad: Inventory
) -> None:
    person = tmp_path / "rs" / "testgrad.yaml"
    person.parent.mkdir()
    shutil.copy(next(DATA.rglob("testgrad.yaml")), person)
    person.write_text("# notes from the town hall\n" + person.read_text())
    before = person.read_bytes()
    [path] = write_inventories([testgrad], tmp_path)
    assert path == tmp_path / "rs" / "testgrad.netbox.yaml"
    assert person.read_bytes() == before
    assert path.read_text() == inventory_yaml(testgrad)
    # the pulled copy is not an inventory: validate and plan see one rs-testgrad
    assert [p.name for p in inventory_files([tmp_path])] == ["testgrad.yaml"]
    assert [i.id for i in api.load_inventories([tmp_path])] == ["rs-testgrad"]


def test_overwrite_replaces_the_person_written_file(tmp_path: Path, testgrad: Inventory) -> None:
    person = tmp_path / "rs" / "testgrad.yaml"
    person.parent.mkdir()
    person.write_text("# mine\n")
    [path] = write_inventories([testgrad], tmp_path, overwrite=True)
    assert path == person and person.read_text() == inventory_yaml(testgrad)


def test_an_unedited_earlier_pull_is_replaced_an_edited_one_kept(
    tmp_path: Path, testgrad: Inventory
) -> None:
    [first] = write_inventories([testgrad], tmp_path)
    assert first == tmp_path / "rs" / "testgrad.yaml" and written_by_pull(first)
    [again] = write_inventories([testgrad], tmp_path)
    assert again == first
    first.write_text(first.read_text() + "# checked by Ana, 2025-06-01\n")
    assert not written_by_pull(first)
    [third] = write_inventories([testgrad], tmp_path)
    assert third.name == "testgrad.netbox.yaml"
    assert first.read_text().endswith("# checked by Ana, 2025-06-01\n")
