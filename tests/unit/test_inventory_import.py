"""`lsg inventory import`: a register of fixed assets (.xlsx, .csv) into inventory records.

Each test builds a small register the way an accountant's export looks (a title row,
Serbian Cyrillic or Latin headers, ';' with a byte order mark), imports it, does what
the README tells the person to do (copy the lines under `assets:`), and loads the
inventory with the real loader. Expected assets are written out by hand.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml

from lsg_infra import api
from lsg_infra.cli.main import main
from lsg_infra.errors import SheetError, UsageError
from lsg_infra.model.inventory import Asset, AssetKind
from lsg_infra.register.vocabulary import classify

TODAY = dt.date(2026, 12, 1)
INVENTORY = """\
municipality:
  id: rs-testgrad
  name: Testgrad
  country: RS
  population: 20000
  employees: 120
sites:
  - {id: city-hall, name: Gradska uprava}
  - {id: mz-banatsko, name: Mesna zajednica Banatsko}
assets:
  - {id: srv-01, kind: server, site: city-hall, serial: SRV-0001, purchased: 2018}
"""
CYRILLIC_HEADER: list[object] = [
    "Р. бр.",
    "Инвентарски број",
    "Назив",
    "Произвођач",
    "Модел",
    "Серијски број",
    "Локација",
    "Датум набавке",
    "Набавна вредност",
]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "inventory" / "rs").mkdir(parents=True)
    (tmp_path / "inventory" / "rs" / "testgrad.yaml").write_text(INVENTORY, "utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


OUT = Path("inventory/rs/testgrad.imported.yaml")


def run(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[str]]:
    """Exit code and stderr lines of `lsg ARGS`, run as the console script runs it."""
    monkeypatch.setattr(sys, "argv", ["lsg", *args])
    try:
        main()
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, capsys.readouterr().err.splitlines()


def paste_and_load(repo: Path) -> list[Asset]:
    """What the person does: copy the asset lines under `assets:`; then the real loader."""
    lines = [ln for ln in (repo / OUT).read_text("utf-8").splitlines() if ln.startswith("  - ")]
    inventory = repo / "inventory" / "rs" / "testgrad.yaml"
    inventory.write_text(inventory.read_text("utf-8") + "\n".join(lines) + "\n", "utf-8")
    [loaded] = api.load_inventories([repo / "inventory"])
    return loaded.assets


def xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Попис"
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def summary(assets: list[Asset]) -> list[tuple[str | None, str, str, int, int | None, str | None]]:
    return [(a.id, a.kind.value, a.site, a.count, a.purchased, a.serial) for a in assets]


def test_xlsx_with_cyrillic_headers_through_the_command(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    register = xlsx(
        repo / "popis.xlsx",
        [
            ["Попис основних средстава на дан 31.12.2025"],
            [],
            CYRILLIC_HEADER,
            [1, 1001, "Рачунар HP ProDesk", "HP", "ProDesk 400 G7", "CZC1234", "Соба 12",
             dt.datetime(2019, 5, 20), 65000],
            [2, 1002, "Лаптоп Dell", "Dell", "Latitude 5520", "DL5520X",
             "Месна заједница Банатско", "10.01.2022.", 98000.5],
            [3, 1003, "Штампач ласерски", "HP", "LaserJet Pro M404", "PHBQ1", None, 2017, 30000],
            [4, 1004, "Сервер", "Dell", "PowerEdge R740", "SRV-0001", None, 2018, 900000],
            [5, 1005, "Радни сто за рачунар", None, None, None, None, 2016, 12000],
            [6, "ОС-1006", "Мрежни свич 24 порта", "Cisco", "SG350-28", "SW1", None, "2015.",
             41000],
        ],
    )  # fmt: skip
    code, err = run(
        ["inventory", "import", str(register), "--lsg", "rs-testgrad", "--site", "city-hall"],
        monkeypatch,
        capsys,
    )
    assert code == 0, err
    assert err[:2] == [
        "left out: popis.xlsx:7: Серијски број: 'SRV-0001' is already in the inventory "
        "(inventory/rs/testgrad.yaml:11 (srv-01))",
        "left out: popis.xlsx:8: Назив: 'Радни сто за рачунар' is a 'sto', "
        "which the inventory does not count",
    ]
    assert err[-1].startswith(f"wrote {OUT}: 4 asset(s) from 6 row(s), 2 left out")
    assert "columns not used: Р. бр." in err
    assets = paste_and_load(repo)
    assert summary(assets) == [
        ("srv-01", "server", "city-hall", 1, 2018, "SRV-0001"),
        ("1001", "workstation", "city-hall", 1, 2019, "CZC1234"),
        ("1002", "laptop", "mz-banatsko", 1, 2022, "DL5520X"),
        ("1003", "printer", "city-hall", 1, 2017, "PHBQ1"),
        ("os-1006", "switch", "city-hall", 1, 2015, "SW1"),  # Cyrillic letters kept
    ]
    assert assets[1].manufacturer == "HP" and assets[1].model == "ProDesk 400 G7"
    assert assets[1].notes == "Рачунар HP ProDesk; inv. no. 1001; location: Соба 12"


def test_csv_with_semicolons_and_a_byte_order_mark(repo: Path) -> None:
    # What Excel writes as "CSV UTF-8" where the decimal separator is a comma.
    text = (
        "Popis opreme, stanje 31.12.2025;;;;;;;;\n"
        "Inventarski broj;Naziv;Vrsta;Proizvođač;Serijski broj;Lokacija;Godina nabavke;"
        "Količina;Nabavna vrijednost;Status\n"
        "OS-2020/7;Štampač Canon i-SENSYS;Računarska oprema;Canon;KX1;Banatsko;2020;1;"
        "25.000,00;u upotrebi\n"
        "OS-2020/8;Uređaj za besprekidno napajanje;UPS;APC;AS1;;2020. god.;1;40.000,00;\n"
        "OS-2021/1;Desktop računari;;Lenovo;;Gradska uprava;01.09.2021;10;650.000,00;\n"
        "OS-2012/3;Računar;;;OLD1;;2012;1;1,00;Otpisan\n"
    )
    (repo / "popis.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = api.import_register(repo / "popis.csv", "rs-testgrad", site="city-hall", today=TODAY)
    assert result.header_row == 2
    assert result.columns["Inventarski broj"] == "inventory_number"  # the BOM is not in it
    assert [str(p) for p in result.left_out] == ["popis.csv:6: Status: 'Otpisan': written off"]
    assert summary(paste_and_load(repo)) == [
        ("srv-01", "server", "city-hall", 1, 2018, "SRV-0001"),
        ("os-2020-7", "printer", "mz-banatsko", 1, 2020, "KX1"),
        ("os-2020-8", "ups", "city-hall", 1, 2020, "AS1"),
        ("os-2021-1", "workstation", "city-hall", 10, 2021, None),
    ]


# The same two rows under the headers of each language the registers are kept in.
HEADERS = {
    "en": "Asset tag,Description,Manufacturer,Serial number,Location,Purchase date",
    "sr-Latn": "Inventarski broj,Naziv,Proizvođač,Serijski broj,Lokacija,Datum nabavke",
    "sr-Cyrl": "Инвентарски број,Назив,Произвођач,Серијски број,Локација,Датум набавке",
    "me": "Inventarski broj,Naziv,Proizvođač,Serijski broj,Mjesto,Datum nabavke",
    "mk": "Инвентарен број,Назив,Производител,Сериски број,Локација,Датум на набавка",
}


@pytest.mark.parametrize("language", sorted(HEADERS))
def test_headers_in_every_language(repo: Path, language: str) -> None:
    rows = (
        "77,Печатач Kyocera ECOSYS,Kyocera,KY77,city-hall,2023-02-01\n"
        "78,Преносен компјутер Lenovo ThinkPad,Lenovo,LN78,Banatsko,03/2024\n"
    )
    (repo / "register.csv").write_text(HEADERS[language] + "\n" + rows, "utf-8")
    result = api.import_register(repo / "register.csv", "rs-testgrad", today=TODAY)
    assert result.left_out == []
    assert summary(result.assets) == [
        ("77", "printer", "city-hall", 1, 2023, "KY77"),
        ("78", "laptop", "mz-banatsko", 1, 2024, "LN78"),
    ]


def test_a_rerun_refuses_to_overwrite_and_force_never_replaces_a_persons_edit(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "r.csv").write_text("Naziv;Serijski broj\nLaptop;L1\n", "utf-8")
    args = ["inventory", "import", "r.csv", "--lsg", "testgrad", "--site", "city-hall"]
    assert run(args, monkeypatch, capsys)[0] == 0
    first = (repo / OUT).read_text("utf-8")
    code, err = run(args, monkeypatch, capsys)
    assert (code, len(err)) == (2, 1)
    assert "exists (an earlier import)" in err[0] and "--force" in err[0]
    (repo / "r.csv").write_text("Naziv;Serijski broj\nLaptop;L2\n", "utf-8")
    assert run([*args, "--force"], monkeypatch, capsys)[0] == 0  # unchanged: replaced
    assert "L2" in (repo / OUT).read_text("utf-8") and first != (repo / OUT).read_text("utf-8")
    with (repo / OUT).open("a", encoding="utf-8") as fh:
        fh.write("  - {kind: laptop, site: city-hall}  # added by hand\n")
    edited = (repo / OUT).read_text("utf-8")
    code, err = run([*args, "--force"], monkeypatch, capsys)
    assert code == 2 and "written or changed by a person" in err[0], err
    assert (repo / OUT).read_text("utf-8") == edited


def test_the_imported_file_is_not_read_as_an_inventory(repo: Path) -> None:
    (repo / "r.csv").write_text("Naziv\nServer\n", "utf-8")
    api.import_register(repo / "r.csv", "rs-testgrad", site="city-hall", today=TODAY)
    assert (repo / OUT).is_file()
    [loaded] = api.load_inventories([repo / "inventory"])
    assert loaded.asset_count() == 1  # only the server written by hand, until copied in


def test_formulas_are_not_evaluated_and_text_stays_text(repo: Path) -> None:
    book = xlsx(
        repo / "f.xlsx",
        [
            ["Naziv", "Model", "Serijski broj", "Godina nabavke"],
            ['=CONCATENATE("Ser","ver")', None, "S1", 2020],  # no value Excel calculated
            ["Laptop", "=1+1", "=2+2", "=2000+20"],
        ],
    )
    result = api.import_register(book, "rs-testgrad", site="city-hall", today=TODAY)
    assert [(p.line, p.message) for p in result.left_out] == [
        (2, "no name, type or model; nothing to tell the kind of item from")
    ]
    [laptop] = result.assets
    assert (laptop.model, laptop.serial, laptop.purchased) == (None, None, None)
    # In a CSV file a cell starting with '=' is text, kept as written, never a formula.
    (repo / "f.csv").write_text(
        'Naziv;Serijski broj;Model\nLaptop;=HYPERLINK("http://x");!!python/object:os.system\n',
        "utf-8",
    )
    api.import_register(repo / "f.csv", "rs-testgrad", site="city-hall", force=True, today=TODAY)
    text = (repo / OUT).read_text("utf-8")
    assert "model: '!!python/object:os.system'" in text  # quoted: text, not a YAML tag
    assert yaml.safe_load(text)["assets"][0]["serial"] == '=HYPERLINK("http://x")'
    [laptop] = paste_and_load(repo)[1:]
    assert (laptop.serial, laptop.model) == ('=HYPERLINK("http://x")', "!!python/object:os.system")


def test_html_and_escape_sequences_in_names(repo: Path) -> None:
    (repo / "h.csv").write_text(
        "Naziv;Serijski broj\n"
        "<script>alert(1)</script> Laptop <b>;H1\n"
        "Laptop \x1b]0;owned\x07;H2\n",
        "utf-8",
    )
    result = api.import_register(repo / "h.csv", "rs-testgrad", site="city-hall", today=TODAY)
    assert [str(p) for p in result.left_out] == [
        "h.csv:3: Naziv: holds the control character \\x1b; expected plain text"
    ]
    [laptop] = paste_and_load(repo)[1:]
    assert laptop.notes == "<script>alert(1)</script> Laptop <b>"


def test_unknown_columns_are_listed_and_map_names_a_column(repo: Path) -> None:
    (repo / "u.csv").write_text("Boja,Opis opreme,Ser. br.\ncrna,Ruter MikroTik,MT1\n", "utf-8")
    with pytest.raises(SheetError, match=r"^u.csv:1: no column for the name or the type"):
        api.import_register(repo / "u.csv", "rs-testgrad", site="city-hall", today=TODAY)
    result = api.import_register(
        repo / "u.csv", "rs-testgrad", site="city-hall", mapping=["Opis opreme=name"], today=TODAY
    )
    assert result.unused == ["Boja"]
    assert summary(result.assets) == [(None, "router", "city-hall", 1, None, "MT1")]
    with pytest.raises(UsageError, match="unknown field 'colour'"):
        api.import_register(repo / "u.csv", "rs-testgrad", mapping=["Boja=colour"], today=TODAY)


def test_two_sites_and_no_location_column_ask_for_a_site(repo: Path) -> None:
    (repo / "s.csv").write_text("Naziv\nLaptop\n", "utf-8")
    with pytest.raises(UsageError, match=r"no location column.*--site ID"):
        api.import_register(repo / "s.csv", "rs-testgrad", today=TODAY)
    assert not (repo / OUT).exists()


NOT_A_REGISTER = {
    "empty.xlsx": None,
    "empty.csv": b"",
    "blank.csv": b";;;\n;;\n",
    "random.bin": bytes(range(256)) * 4,
    "old.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504,
    "cut.xlsx": b"PK\x03\x04\x14\x00\x00\x00",
    "notes.txt": b"Sastanak u 10h\nponeti laptop\n",
}


@pytest.mark.parametrize("name", sorted(NOT_A_REGISTER))
def test_what_is_not_a_register_is_one_line_and_exit_2(
    repo: Path, name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    content = NOT_A_REGISTER[name]
    if content is None:
        openpyxl.Workbook().save(repo / name)
    else:
        (repo / name).write_bytes(content)
    code, err = run(
        ["inventory", "import", name, "--lsg", "rs-testgrad", "--site", "city-hall"],
        monkeypatch,
        capsys,
    )
    assert code == 2
    assert len(err) == 1 and err[0].startswith(f"error: {name}"), err
    assert "Traceback" not in err[0]
    assert not (repo / OUT).exists()


def test_progress_is_called_once_a_row(repo: Path) -> None:
    lines = "".join(f"{n};Računar;R{n}\n" for n in range(1, 51))
    (repo / "p.csv").write_text("Inv. br.;Naziv;Serijski broj\n" + lines, "utf-8")
    calls: list[None] = []
    result = api.import_register(
        repo / "p.csv", "rs-testgrad", site="city-hall", today=TODAY,
        progress=lambda: calls.append(None),
    )  # fmt: skip
    assert (len(calls), len(result.assets)) == (50, 50)
    assert api.register_size(repo / "p.csv") == 51


def test_a_named_sheet_and_a_file_name_that_could_break_the_comment(repo: Path) -> None:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.append(["Napomena"])
    second = book.create_sheet("Oprema")
    second.append(["Naziv", "Nabavna vrednost"])
    second.append(["Skener Fujitsu", 42000])
    name = repo / "popis\nassets: [x].xlsx"  # a line break in a file name is allowed
    book.save(name)
    with pytest.raises(SheetError, match="no sheet 'Nema'; expected one of: 'Sheet', 'Oprema'"):
        api.import_register(name, "rs-testgrad", site="city-hall", sheet="Nema", today=TODAY)
    result = api.import_register(name, "rs-testgrad", site="city-hall", sheet="Oprema", today=TODAY)
    assert result.sheet == "Oprema"
    text = (repo / OUT).read_text("utf-8")
    assert "from popis\\x0aassets: [x].xlsx, sheet 'Oprema'." in text  # still one comment line
    assert yaml.safe_load(text) == {
        "assets": [{"kind": "scanner", "site": "city-hall", "notes": "Skener Fujitsu"}]
    }


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Računar Dell OptiPlex 7010 (kućište, monitor, tastatura, miš)", AssetKind.WORKSTATION),
        ("Рачунар HP + монитор", AssetKind.WORKSTATION),
        ("Laptop računar Lenovo", AssetKind.LAPTOP),
        ("Prenosni računar HP ProBook", AssetKind.LAPTOP),
        ("Štampač/skener Canon MF443", AssetKind.PRINTER),
        ("UPS za server APC 1500VA", AssetKind.UPS),
        ("Smart-UPS 1500", AssetKind.UPS),
        ("Мрежни свич 24 порта", AssetKind.SWITCH),
        ("Bežična pristupna tačka Ubiquiti", AssetKind.ACCESS_POINT),
        ("Mrežni disk NAS Synology", AssetKind.STORAGE),
        ("Серверот Dell PowerEdge", AssetKind.SERVER),
        ("Oprema: ruter MikroTik", AssetKind.ROUTER),
        ("Sto za računar", None),
        ("Toner za štampač HP", None),
        ("Torba za laptop", None),
        ("Serverski ormar 42U", None),
        ("Server rack 42U", None),  # English: the head comes last; not guessed
        ("Laptop bag", None),
        ("Računarska oprema", None),
        ("Naša oprema", None),  # 'nas' only as a whole word
        ("Putničko vozilo", None),
    ],
)
def test_the_words_that_name_a_kind(name: str, kind: AssetKind | None) -> None:
    assert classify(name)[0] is kind


def test_nothing_to_import_writes_nothing_and_exits_1(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "h.csv").write_text("Naziv;Serijski broj\nStolica;\n", "utf-8")
    args = ["inventory", "import", "h.csv", "--lsg", "testgrad", "--site", "city-hall"]
    code, err = run(args, monkeypatch, capsys)
    assert (code, err[-1]) == (1, "no asset imported: 1 row(s), all left out; nothing written")
    assert (
        err[0]
        == "left out: h.csv:2: Naziv: 'Stolica' is a 'stolica', which the inventory does not count"
    )
    assert not (repo / OUT).exists()
