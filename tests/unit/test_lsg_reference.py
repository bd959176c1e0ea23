"""blueprints/reference/lsgs.csv: well formed, the one list `lsg sample generate` uses,
and `lsg validate` warns when an inventory's population is far from its census figure."""

from __future__ import annotations

import csv
import re
import shutil
import sys
from pathlib import Path

import pytest

from lsg_infra import api
from lsg_infra.cli.main import main
from lsg_infra.readers import lsg_reference
from lsg_infra.sample import reference_lsgs

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "blueprints" / "reference" / "lsgs.csv"
SAMPLES = ROOT / "inventory"


@pytest.fixture(scope="module")
def known() -> dict[str, lsg_reference.ReferenceLsg]:
    return lsg_reference.load(REFERENCE)


def test_every_row_is_well_formed(known: dict[str, lsg_reference.ReferenceLsg]) -> None:
    lines = REFERENCE.read_text("utf-8").splitlines()
    assert len(known) == len(lines) - 1, "duplicate ids"
    census = {"RS": 2022, "ME": 2023, "MK": 2021}
    for lsg in known.values():
        assert re.fullmatch(r"(rs|me|mk)-[a-z0-9][a-z0-9-]*", lsg.id), lsg.id
        assert lsg.id.startswith(lsg.country.lower() + "-")
        assert lsg.type in ("capital", "city", "municipality", "city-municipality"), lsg.id
        if lsg.population is not None:
            assert lsg.census_year == census[lsg.country], lsg.id
            assert lsg.source, f"{lsg.id}: a population needs its source"


def test_the_sample_inventories_are_in_the_list_and_agree(
    known: dict[str, lsg_reference.ReferenceLsg],
) -> None:
    result = api.validate_all([SAMPLES], ROOT / "blueprints")
    assert result.problems == []
    assert {inv.id for inv in result.inventories} <= set(known)
    assert result.warnings == []


def test_sample_generate_takes_every_lsg_from_the_list(
    known: dict[str, lsg_reference.ReferenceLsg],
) -> None:
    names = reference_lsgs()
    assert {f"{n.country.lower()}-{n.slug}" for n in names} == set(known)
    kladovo = next(n for n in names if n.slug == "kladovo")
    assert kladovo.population == known["rs-kladovo"].population == 17435


def test_a_population_far_from_the_census_is_a_warning_naming_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "inventory" / "rs"
    folder.mkdir(parents=True)
    text = (SAMPLES / "rs" / "kladovo.yaml").read_text("utf-8")
    assert "population: 17435" in text
    (folder / "kladovo.yaml").write_text(text.replace("population: 17435", "population: 21000"))
    shutil.copy(SAMPLES / "rs" / "golubac.yaml", folder / "golubac.yaml")
    monkeypatch.setattr(sys, "argv", ["lsg", "validate", str(tmp_path / "inventory")])
    with pytest.raises(SystemExit) as exit_:
        main()
    err = capsys.readouterr().err
    assert exit_.value.code in (0, None), err  # a warning, not an error
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, err
    assert "kladovo.yaml" in warnings[0] and "municipality.population" in warnings[0]
    assert "21,000" in warnings[0] and "17,435" in warnings[0] and "2022 census" in warnings[0]


def test_within_ten_percent_is_quiet(known: dict[str, lsg_reference.ReferenceLsg]) -> None:
    result = api.validate_all([SAMPLES / "rs" / "kladovo.yaml"], ROOT / "blueprints")
    inventory = result.inventories[0]
    near = inventory.model_copy(
        update={"municipality": inventory.municipality.model_copy(update={"population": 19000})}
    )
    far = inventory.model_copy(
        update={"municipality": inventory.municipality.model_copy(update={"population": 19200})}
    )
    assert lsg_reference.population_warnings([near], known) == []  # 9.0 % above 17,435
    assert len(lsg_reference.population_warnings([far], known)) == 1  # 10.1 % above


# National census totals, from the statistics offices (see SOURCES.md), written here by
# hand so that a wrong figure typed into lsgs.csv shows as a sum that no longer closes.
CENSUS_TOTALS = {
    "RS": 6_647_003,  # RZS, 2022 census, final results (stat.gov.rs, 2023-04-28)
    "ME": 623_633,  # MONSTAT, 2023 census, final results (release 133/2024)
    "MK": 1_836_713,  # MakStat, 2021 census, table T1001P21 (sum of the municipalities)
}


def _rows() -> list[dict[str, str]]:
    with REFERENCE.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("country", sorted(CENSUS_TOTALS))
def test_every_lsg_is_filled_and_the_country_sums_to_its_census_total(country: str) -> None:
    # Serbia's city municipalities are parts of their city and are not counted again;
    # in North Macedonia the City of Skopje is its ten municipalities, each an LSG.
    units = [
        r
        for r in _rows()
        if r["country"] == country
        and r["type"] != "city-municipality"
        and not (country == "MK" and r["type"] == "capital")
    ]
    assert [r["id"] for r in units if not r["population"]] == []
    assert sum(int(r["population"]) for r in units) == CENSUS_TOTALS[country]


def test_belgrade_s_city_municipalities_sum_to_the_city() -> None:
    rows = _rows()
    [city] = [r for r in rows if r["id"] == "rs-beograd"]
    parts = [r for r in rows if r["district"] == "City of Belgrade" and r["id"] != "rs-beograd"]
    assert len(parts) == 17
    assert sum(int(r["population"]) for r in parts) == int(city["population"])
