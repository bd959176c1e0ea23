"""`lsg init`: an LSG's own repository that starts from a valid inventory file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from lsg_infra import api, scaffold
from lsg_infra.errors import UsageError

LSG = Path(sys.executable).with_name("lsg")
REFERENCE = scaffold.reference_list()
WITH_POPULATION = next(lsg for lsg in REFERENCE.values() if lsg.population is not None)
WITHOUT_POPULATION = [lsg for lsg in REFERENCE.values() if lsg.population is None]


def lsg(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LSG_")}
    return subprocess.run(
        [str(LSG), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_reference_list_names_every_country() -> None:
    assert {lsg.country for lsg in REFERENCE.values()} == {"RS", "ME", "MK"}
    assert all(lsg.id.startswith(lsg.country.lower() + "-") for lsg in REFERENCE.values())


def test_init_writes_a_repository_whose_inventory_is_valid(tmp_path: Path) -> None:
    ref = WITH_POPULATION
    result = api.init_repository(tmp_path, ref.id, employees=120, ci="github")
    inventory = tmp_path / "inventory" / ref.country.lower() / f"{ref.slug}.yaml"
    assert result.inventory == inventory
    assert result.kept == []
    text = inventory.read_text("utf-8")
    assert "# yaml-language-server: $schema=../../schemas/inventory.schema.json\n" in text
    municipality = yaml.safe_load(text)["municipality"]
    assert municipality["id"] == ref.id
    assert municipality["population"] == ref.population
    assert municipality["census_year"] == ref.census_year
    assert municipality["name_local"] == ref.name_local
    assert (tmp_path / "schemas" / "inventory.schema.json").is_file()
    assert "lsg validate" in (tmp_path / ".github" / "workflows" / "lsg.yml").read_text("utf-8")
    assert "lsg validate" in (tmp_path / "README.md").read_text("utf-8")
    done = lsg(tmp_path, "validate")
    assert done.returncode == 0, done.stderr
    assert lsg(tmp_path, "gaps").returncode == 0


def test_init_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("our own README\n", "utf-8")
    result = api.init_repository(tmp_path, WITH_POPULATION.id, employees=10, ci="gitlab")
    assert result.kept == [tmp_path / "README.md"]
    assert (tmp_path / "README.md").read_text("utf-8") == "our own README\n"
    assert (tmp_path / ".gitlab-ci.yml").is_file()
    again = api.init_repository(tmp_path, WITH_POPULATION.id, employees=99, ci="gitlab")
    assert again.written == []
    assert "employees: 10 " in again.inventory.read_text("utf-8")


@pytest.mark.skipif(not WITHOUT_POPULATION, reason="every LSG of the list has its census figure")
def test_a_missing_census_figure_is_asked_for_not_invented(tmp_path: Path) -> None:
    ref = WITHOUT_POPULATION[0]
    with pytest.raises(UsageError, match=r"no census population for .* --population N"):
        api.init_repository(tmp_path, ref.id, employees=10)
    assert list(tmp_path.iterdir()) == []
    result = api.init_repository(tmp_path, ref.id, employees=10, population=12345, ci="none")
    text = result.inventory.read_text("utf-8")
    assert yaml.safe_load(text)["municipality"]["population"] == 12345
    assert "given to `lsg init` by hand" in text
    assert not (tmp_path / ".github").exists()
    assert lsg(tmp_path, "validate").returncode == 0


def test_unknown_lsg_suggests_ids_and_a_slug_is_enough(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="did you mean rs-kikinda"):
        api.init_repository(tmp_path, "kikind", employees=1)
    assert scaffold.find(REFERENCE, "kikinda").id == "rs-kikinda"


def test_names_are_quoted_by_yaml_rules() -> None:
    rows = scaffold.parse_reference_list(
        "id,country,name,name_local,type,district,population,census_year,source\n"
        'rs-yes,RS,Yes,"Да: ""х""",municipality,"#1, North",1234,2022,RZS\n'
    )
    text = scaffold.render_inventory(rows["rs-yes"], employees=5)
    municipality = yaml.safe_load(text)["municipality"]
    assert municipality["name"] == "Yes"
    assert municipality["name_local"] == 'Да: "х"'
    assert municipality["district"] == "#1, North"
    assert "# Population: 2022 census, RZS." in text
