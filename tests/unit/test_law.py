"""The blueprints cite the law in force: no superseded law in any reference, every
requirement has a reference, every Serbian security measure is checked or explained,
and the data-protection family applies in every country."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import sys
from pathlib import Path

import pytest

from lsg_infra.cli.main import main
from lsg_infra.readers import laws as law_table
from lsg_infra.readers import yamlfile
from lsg_infra.readers.blueprints import load_library

ROOT = Path(__file__).resolve().parents[2]
BLUEPRINTS = ROOT / "blueprints"
REFERENCE = BLUEPRINTS / "reference"
SAMPLES = ROOT / "inventory"
COUNTRY_FILES = sorted((BLUEPRINTS / "requirements" / "countries").glob("*.yaml"))
GAZETTE_COUNTRY = {"RS": "RS", "ME": "CG", "MK": "vesnik"}
# The reference date of the sample plans the README quotes (`make plan` on 2026-12-01).
SAMPLE_PLAN_DATE = dt.date(2026, 12, 1)


def laws() -> list[dict[str, str]]:
    with (REFERENCE / "laws.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def superseded_on(day: dt.date) -> list[dict[str, str]]:
    return [
        law
        for law in laws()
        if law["superseded_from"] and dt.date.fromisoformat(law["superseded_from"]) <= day
    ]


# The gazettes, written independently of lsg_infra.model.law and wider than it: Latin and
# Cyrillic, full and abbreviated ("Sl. gl. RS"), so a citation the code would miss is caught here.
GAZETTES = {
    "RS": r"(Sl\.|Službeni|Службени)\s*(gl\.|glasnik|гласник)\s*"
    r"(RS\b|Republike Srbije|РС|Републике Србије)",
    "ME": r"(Sl\.|Službeni|Службени)\s*(list|лист)\s*(R?CG\b|Crne Gore|Р?ЦГ|Црне Горе)",
    "MK": r"(Sl\.|Službeni|Sluzhben|Службен)\w*\s*(vesnik|весник)"
    r"|Official Gazette of (the )?(RNM|Republic of North Macedonia)",
}


def names_gazette(reference: str, country: str | None = None) -> bool:
    countries = [country] if country else list(GAZETTES)
    return any(re.search(GAZETTES[c], reference) for c in countries)


def cites(reference: str, law: dict[str, str]) -> bool:
    """Whether `reference` names `law`'s gazette and one of its numbers (6/2016 or 6/16)."""
    if not names_gazette(reference, law["country"]):
        return False
    for number in law["numbers"].split():
        issue, year = number.split("/")
        pattern = rf"(?<![\d/]){issue}/(?:{year}|{year[2:]})(?!\d)"
        if re.search(pattern, reference):
            return True
    return False


def blueprint_references() -> list[tuple[str, str]]:
    """(file, reference) for every requirement and control of every blueprint file."""
    out: list[tuple[str, str]] = []
    for path in sorted((BLUEPRINTS / "requirements").rglob("*.yaml")):
        for req in yamlfile.load(path).data.get("requirements", []):
            out.extend((path.name, ref) for ref in req.get("references", []))
    for control in yamlfile.load(BLUEPRINTS / "controls.yaml").data["controls"]:
        out.extend(("controls.yaml", ref) for ref in control.get("references", []))
    return out


def overlay_references() -> list[tuple[str, str, str]]:
    """(file, requirement, reference) for every country overlay and controls.yaml."""
    out: list[tuple[str, str, str]] = []
    for path in COUNTRY_FILES:
        for req in yamlfile.load(path).data["requirements"]:
            out.extend((path.name, req["id"], ref) for ref in req.get("references", []))
    for control in yamlfile.load(BLUEPRINTS / "controls.yaml").data["controls"]:
        out.extend(("controls.yaml", control["id"], ref) for ref in control.get("references", []))
    return out


def test_the_law_table_is_complete_and_consistent() -> None:
    rows = laws()
    ids = [law["id"] for law in rows]
    assert len(ids) == len(set(ids))
    for law in rows:
        assert law["country"] in GAZETTE_COUNTRY, law["id"]
        assert law["source"] or law["notes"], f"{law['id']}: no source"
        dt.date.fromisoformat(law["in_force_from"])
        if law["superseded_by"]:
            assert law["superseded_by"] in ids, law["id"]
            assert dt.date.fromisoformat(law["superseded_from"]) > dt.date.fromisoformat(
                law["in_force_from"]
            )


def test_the_superseded_check_finds_the_old_serbian_law() -> None:
    # The check itself must be able to fail: the reference the RS overlay had before.
    old = "Law on Information Security (Sl. glasnik RS 6/2016, 94/2017, 77/2019)"
    law = next(x for x in laws() if x["id"] == "rs-information-security-2016")
    assert cites(old, law)
    assert not cites("Law on Information Security (Sl. glasnik RS 91/2025)", law)
    assert not cites("Sl. glasnik RS 106/2016", law)


def stale_citations(day: dt.date) -> list[str]:
    return [
        f"{file}: {req}: '{ref}' cites {law['id']} (superseded by {law['superseded_by']} "
        f"from {law['superseded_from']})"
        for file, req, ref in overlay_references()
        for law in superseded_on(day)
        if cites(ref, law)
    ]


def test_the_tests_matcher_is_not_looser_than_the_codes() -> None:
    # Every citation the code sees in the blueprints, this test's matcher sees too ...
    table = law_table.load(BLUEPRINTS)[0]
    rows = {law["id"]: law for law in laws()}
    for file, ref in blueprint_references():
        for law in table:
            if law.cited_in(ref):
                assert cites(ref, rows[law.id]), f"{file}: '{ref}' cites {law.id}"
    # ... and it also sees forms the code misses, and a country code alone is no gazette.
    old = rows["rs-information-security-2016"]
    code = next(law for law in table if law.id == old["id"])
    for missed_by_code in (
        "Закон о информационој безбедности (Службени гласник РС, бр. 6/16)",
        "Zakon o informacionoj bezbednosti (Sl. gl. RS 6/2016)",
        "Law on Information Security (Sl. glasnik Republike Srbije 94/2017)",
    ):
        assert cites(missed_by_code, old), missed_by_code
        assert not code.cited_in(missed_by_code), missed_by_code
    assert not cites("RS: Law on e-Government (Sl. list CG 6/2016)", old)


def test_every_gazette_citation_is_one_the_code_can_read() -> None:
    # A citation written in a form the code does not match would escape the law table's
    # checks (validate, the plan's legal basis) silently; this test's wider matcher finds it.
    table = law_table.load(BLUEPRINTS)[0]
    unread = [
        f"{file}: '{ref}'"
        for file, ref in blueprint_references()
        if names_gazette(ref) and not any(law.cited_in(ref) for law in table)
    ]
    assert unread == []


def test_no_country_overlay_cites_a_superseded_law() -> None:
    # On the sample plan's date (not the wall clock: the answer must not change with the day
    # the test runs), no overlay may cite a law the table says is replaced by then. The 2016
    # Serbian law is replaced on that date: its last articles (6a-11b, 30-31) lapsed on
    # 2025-12-31 (Law 91/2025 art. 55(1) and 57(1), read in the official text; laws.csv).
    assert superseded_on(SAMPLE_PLAN_DATE), "the check must have a replaced law to look for"
    assert stale_citations(SAMPLE_PLAN_DATE) == []


def test_every_serbian_measure_is_checked_or_explained() -> None:
    with (REFERENCE / "security_measures_rs.csv").open(encoding="utf-8") as f:
        measures = [r["number"] for r in csv.DictReader(f) if r["country"] == "Serbia"]
    with (REFERENCE / "security_measures_rs_map.csv").open(encoding="utf-8") as f:
        mapping = {r["number"]: r for r in csv.DictReader(f)}
    assert sorted(measures, key=int) == [str(n) for n in range(1, 29)]
    assert sorted(mapping, key=int) == measures
    assert_mapped_or_explained(mapping, "measure")


def assert_mapped_or_explained(mapping: dict[str, dict[str, str]], what: str) -> None:
    """Each row names a requirement of the resolved RS blueprint; one no inventory field can
    show (checkable = no) says why."""
    library = load_library(BLUEPRINTS).library
    assert library is not None
    rs = {r.id for r in library.resolve("medium", "RS").requirements}
    for number, row in mapping.items():
        assert row["requirement"] in rs, f"{what} {number}: {row['requirement']} not in RS"
        assert row["checkable"] in ("yes", "no")
        if row["checkable"] == "no":
            assert len(row["why"]) > 40, f"{what} {number}: say why it cannot be checked"


def test_every_measure_of_the_law_in_force_is_checked_or_explained() -> None:
    # Law 91/2025 art. 10 para. 4 (in force on the plan date) lists 37 measures; 28 continue
    # the 2016 ones, in the same order, and 9 are new (security_measures_rs_2025.csv).
    with (REFERENCE / "security_measures_rs_2025.csv").open(encoding="utf-8") as f:
        measures = list(csv.DictReader(f))
    with (REFERENCE / "security_measures_rs_2025_map.csv").open(encoding="utf-8") as f:
        mapping = {r["number"]: r for r in csv.DictReader(f)}
    numbers = [r["number"] for r in measures]
    assert numbers == [str(n) for n in range(1, 38)]
    assert sorted(mapping, key=int) == numbers
    for row in measures:
        assert row["verified"] == "yes" and row["name_local"] and row["name_en"], row["number"]
        assert "91/2025" in row["source"] and "Serbian-law-mcp" in row["source"], row["number"]
    old = [int(r["old_number"]) for r in measures if r["old_number"]]
    assert len(old) == len(set(old)), "a 2016 measure continues in two items"
    assert set(old) <= set(range(1, 29))
    assert old == sorted(old), "the 2016 measures continue in their order"
    assert_mapped_or_explained(mapping, "item")


@pytest.mark.parametrize("country", ["RS", "ME", "MK"])
def test_data_protection_applies_in_every_country(country: str) -> None:
    library = load_library(BLUEPRINTS).library
    assert library is not None
    resolved = library.resolve("small", country)  # type: ignore[arg-type]
    ids = {r.id for r in resolved.requirements}
    family = {
        "dp-dpo",
        "dp-records-of-processing",
        "dp-impact-assessment",
        "dp-breach-procedure",
        "dp-privacy-notice",
    }
    assert family <= ids
    for req in resolved.requirements:
        if req.id in family:
            assert req.remedy and req.references, req.id


def test_a_requirement_without_a_reference_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "blueprints"
    shutil.copytree(BLUEPRINTS, root, ignore=shutil.ignore_patterns("reference"))
    base = root / "requirements" / "base.yaml"
    text = base.read_text("utf-8")
    gone = '    references: ["Programme baseline: municipal website on a supported CMS"]\n'
    assert text.count(gone) == 1
    base.write_text(text.replace(gone, ""), "utf-8")
    monkeypatch.setattr(sys, "argv", ["lsg", "validate", str(SAMPLES), "--blueprints", str(root)])
    with pytest.raises(SystemExit) as exit_:
        main()
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert "requirement 'website' has no references" in err
    assert re.search(r"base\.yaml:\d+: requirements\[\d+\]\.references:", err), err
