"""The plan states the law it rests on as of its reference date: each cited law with its
status (in force, replaced, not yet in force), a warning when a line rests on a law that is
not in force on that date, and `lsg validate` warns about citations the law table lacks."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import sys
from pathlib import Path

import pytest

from lsg_infra import api
from lsg_infra.cli.main import main
from lsg_infra.errors import InputError
from lsg_infra.model.law import LegalStatus
from lsg_infra.model.plan import Plan
from lsg_infra.model.requirement import RequirementBase
from lsg_infra.readers import laws as law_table
from lsg_infra.readers.blueprints import load_library
from lsg_infra.reports import html

ROOT = Path(__file__).resolve().parents[2]
BLUEPRINTS = ROOT / "blueprints"
KIKINDA = ROOT / "inventory" / "rs" / "kikinda.yaml"
NEW_SECURITY_LAW = "rs-information-security-2025"


def plan_for(day: dt.date, blueprints: Path = BLUEPRINTS) -> Plan:
    inventories = api.load_inventories([KIKINDA])
    return api.plan(inventories, blueprint_root=blueprints, today=day, years=[day.year + 1])


def edit_laws(root: Path, law_id: str, **changes: str) -> None:
    path = root / "reference" / "laws.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    [row] = [r for r in rows if r["id"] == law_id]
    row.update(changes)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), "utf-8")


@pytest.fixture
def own_blueprints(tmp_path: Path) -> Path:
    root = tmp_path / "blueprints"
    shutil.copytree(BLUEPRINTS, root)
    return root


def test_the_plan_lists_the_laws_its_lines_cite_in_force_on_its_date() -> None:
    result = plan_for(dt.date(2026, 12, 1))
    basis = {b.law: b for b in result.legal_basis}
    assert NEW_SECURITY_LAW in basis
    assert basis[NEW_SECURITY_LAW].status is LegalStatus.IN_FORCE
    assert basis[NEW_SECURITY_LAW].gazette == "Sl. glasnik RS 91/2025"
    # every law listed is cited by a requirement that applies to Kikinda (met or not)
    applying = {r.id for r in applying_requirements()}
    for b in result.legal_basis:
        assert set(b.requirements) <= applying, b.law
    assert "rs-information-security-2016" not in basis
    assert result.legal_warnings() == []


def applying_requirements() -> list[RequirementBase]:
    [kikinda] = api.load_inventories([KIKINDA])
    library = load_library(BLUEPRINTS).library
    assert library is not None
    return list(api.blueprint_for(kikinda, library).requirements)


def test_the_legal_basis_is_that_of_the_whole_assessment_not_only_of_costed_lines() -> None:
    # Planners read the legal basis as "every requirement that applies to the LSG was checked
    # against these laws": a law cited only by requirements that are met, or whose gap costs
    # nothing, belongs to it as much as one behind a costed line.
    result = plan_for(dt.date(2026, 12, 1))
    basis = {b.law: set(b.requirements) for b in result.legal_basis}
    costed = {ln.requirement for ln in result.lines}
    expected: dict[str, set[str]] = {}
    for req in applying_requirements():
        for law in law_table.load(BLUEPRINTS)[0]:
            if any(law.cited_in(ref) for ref in req.references):
                expected.setdefault(law.id, set()).add(req.id)
    uncosted = {law for law, reqs in expected.items() if not reqs & costed}
    assert uncosted, "the check needs a law cited only by requirements without a plan line"
    assert basis == expected


def test_a_plan_dated_before_a_law_came_into_force_warns() -> None:
    result = plan_for(dt.date(2019, 6, 1))
    basis = {b.law: b for b in result.legal_basis}
    assert basis[NEW_SECURITY_LAW].status is LegalStatus.NOT_YET_IN_FORCE
    warnings = result.legal_warnings()
    assert any(
        "Sl. glasnik RS 91/2025" in w and "in force only from 2025-10-31" in w for w in warnings
    ), warnings


def test_a_plan_dated_after_a_law_is_replaced_warns(own_blueprints: Path) -> None:
    # The table says the data-protection law is replaced from 2027: a plan dated 2027 must say
    # its data-protection lines rest on a replaced law; one dated 2026 must not.
    edit_laws(
        own_blueprints,
        "rs-personal-data-2018",
        superseded_by="rs-information-security-2025",
        superseded_from="2027-01-01",
    )
    before = plan_for(dt.date(2026, 12, 31), own_blueprints)
    assert before.legal_warnings() == []
    after = plan_for(dt.date(2027, 1, 1), own_blueprints)
    [warning] = [w for w in after.legal_warnings() if "87/2018" in w]
    assert "replaced by rs-information-security-2025 from 2027-01-01" in warning
    assert "dp-" in warning


def test_the_html_report_shows_the_legal_basis_and_its_status() -> None:
    page = html.render(plan_for(dt.date(2019, 6, 1)))
    assert '<section id="legal-basis">' in page
    assert "Legal basis on 2019-06-01" in page
    assert "<strong>not yet in force</strong>" in page


def test_a_bad_row_of_the_law_table_is_a_one_line_error(own_blueprints: Path) -> None:
    edit_laws(own_blueprints, NEW_SECURITY_LAW, in_force_from="31.10.2025")
    with pytest.raises(InputError) as err:
        plan_for(dt.date(2026, 12, 1), own_blueprints)
    [problem] = err.value.problems
    assert problem.file.endswith("laws.csv")
    assert problem.line > 1
    assert problem.where == "in_force_from"


def test_every_gazette_citation_of_the_blueprints_is_in_the_law_table(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["lsg", "validate", str(KIKINDA)])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 0
    err = capsys.readouterr().err
    assert "no law of the table" not in err
    assert "in force only from" not in err


def test_validate_warns_about_a_gazette_citation_the_table_lacks(
    own_blueprints: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rs = own_blueprints / "requirements" / "countries" / "rs.yaml"
    text = rs.read_text("utf-8")
    assert "Sl. glasnik RS 27/2018" in text
    rs.write_text(text.replace("Sl. glasnik RS 27/2018", "Sl. glasnik RS 28/2018"), "utf-8")
    monkeypatch.setattr(
        sys, "argv", ["lsg", "validate", str(KIKINDA), "--blueprints", str(own_blueprints)]
    )
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 0  # a warning, not a failure
    err = capsys.readouterr().err
    assert (
        "'Law on Electronic Government (Zakon o elektronskoj upravi, Sl. glasnik RS 28/2018" in err
    )
    assert "names a gazette but no law of the table" in err
    # ...and points at the line of rs.yaml where the citation is written, not at the law table
    line = 1 + next(i for i, ln in enumerate(text.splitlines()) if "Sl. glasnik RS 27/2018" in ln)
    [warning] = [w for w in err.splitlines() if "28/2018" in w]
    assert re.match(rf".*rs\.yaml:{line}: requirements\[\d+\]\.references\[0\]: ", warning), warning
    assert "laws.csv" not in warning


def test_validate_points_a_replaced_law_at_each_citation(own_blueprints: Path) -> None:
    # A law the table says is replaced on the validation date: one warning per place that
    # cites it, each at its own file:line, so the person fixing it need not search.
    edit_laws(
        own_blueprints,
        "rs-personal-data-2018",
        superseded_by="rs-information-security-2025",
        superseded_from="2026-06-01",
    )
    citing = [own_blueprints / "requirements" / "countries" / "rs-data-protection.yaml"]
    citing.append(own_blueprints / "controls.yaml")
    cited_on = sorted(
        (path.name, i + 1)
        for path in citing
        for i, ln in enumerate(path.read_text("utf-8").splitlines())
        if "87/2018" in ln and "references" in ln
    )
    assert len(cited_on) > 1
    result = api.validate_all([KIKINDA], own_blueprints, today=dt.date(2026, 12, 1))
    warned = [w for w in result.warnings if "replaced by rs-information-security-2025" in w.message]
    assert sorted((Path(w.file).name, w.line) for w in warned) == cited_on, warned


def test_the_workbook_has_a_legal_basis_sheet() -> None:
    import openpyxl

    from lsg_infra.reports import xlsx

    book = openpyxl.load_workbook(io.BytesIO(xlsx.render(plan_for(dt.date(2019, 6, 1)))))
    rows = list(book["Legal basis"].iter_rows(values_only=True))
    assert rows[0][4] == "Status on 2019-06-01"
    [security] = [r for r in rows if r[2] == "Sl. glasnik RS 91/2025"]
    assert security[4] == "not yet in force"


def test_a_law_table_that_is_not_utf8_is_a_one_line_error(own_blueprints: Path) -> None:
    (own_blueprints / "reference" / "laws.csv").write_bytes(b"id,country\n\xff\xfe\n")
    with pytest.raises(InputError) as err:
        plan_for(dt.date(2026, 12, 1), own_blueprints)
    [problem] = err.value.problems
    assert problem.file.endswith("laws.csv")
    assert "not UTF-8" in problem.message
