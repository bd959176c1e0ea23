"""The HTML report in the planners' languages (`lsg plan --language`): complete catalogues,
no English text left, numbers and dates of the locale, escaping kept, the CLI's refusal."""

from __future__ import annotations

import ast
import datetime as dt
import fnmatch
import gettext
import io
import re
import shutil
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.pofile import read_po
from cli_run import lsg_process
from plan_samples import EVIL_NAME, make_plan

from lsg_infra import api
from lsg_infra.errors import UsageError
from lsg_infra.model.plan import Plan
from lsg_infra.reports import html, languages, translit, xlsx

REPO = Path(__file__).resolve().parents[2]
REPORTS = REPO / "lsg_infra" / "reports"
LOCALE = REPORTS / "locale"
TEMPLATE = REPORTS / "templates" / "report.html.j2"
TRANSLATED = [code for code in languages.LANGUAGES if code != languages.DEFAULT]
PLACEHOLDER = re.compile(r"%\(\w+\)s|%%")


def catalogue(name: str) -> Catalog:
    with (LOCALE / name).open("rb") as f:
        return read_po(f)


def template_messages() -> set[str]:
    """The msgids of the template and of the workbook, extracted as pybabel does
    (locale/babel.cfg): the template's _() and xlsx.py's N_()."""
    options = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}
    messages: set[str] = set()
    with TEMPLATE.open("rb") as f:
        found = extract("jinja2.ext:babel_extract", f, options=options)
        messages |= {message for _, message, _, _ in found if isinstance(message, str)}
    with (REPORTS / "xlsx.py").open("rb") as f:
        found = extract("python", f)
        messages |= {message for _, message, _, _ in found if isinstance(message, str)}
    return messages


@pytest.fixture(scope="module")
def plan() -> Plan:
    return make_plan(budget=D("1000"))  # a small budget: the unfunded section shows too


def test_the_template_has_messages_and_the_pot_is_current() -> None:
    messages = template_messages()
    assert len(messages) > 130  # the extraction found the template's and workbook's texts
    assert {"Where the money goes", "How it is computed", "Legal basis"} <= messages
    assert {m.id for m in catalogue("messages.pot") if m.id} == messages


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_of_the_template_is_translated(code: str) -> None:
    po = catalogue(f"{code}.po")
    translated = {m.id: m for m in po if m.id}
    assert sorted(template_messages() - set(translated)) == [], "missing from the catalogue"
    assert sorted(set(translated) - template_messages()) == [], "no longer in the template"
    for message in translated.values():
        assert isinstance(message.string, str) and message.string.strip(), message.id
        assert not message.fuzzy, message.id
    assert "to be reviewed by a native-speaking planner" in (po.header_comment or "")


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_keep_the_placeholders_and_carry_no_markup(code: str) -> None:
    for message in catalogue(f"{code}.po"):
        if not message.id:
            continue
        assert isinstance(message.id, str) and isinstance(message.string, str)
        assert sorted(PLACEHOLDER.findall(message.string)) == sorted(
            PLACEHOLDER.findall(message.id)
        ), message.id
        # newstyle gettext marks a translation safe (its variables are escaped): so a
        # translation must not bring markup of its own
        assert not set("<>&") & set(message.string), message.id


def test_serbian_cyrillic_is_the_transliteration_of_serbian_latin() -> None:
    latin = {m.id: m.string for m in catalogue("sr-Latn.po") if m.id}
    cyrillic = {m.id: m.string for m in catalogue("sr-Cyrl.po") if m.id}
    assert cyrillic == {k: translit.to_cyrillic(str(v)) for k, v in latin.items()}


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("Ljubljana i Njegoš", "Љубљана и Његош"),
        ("LJUBAV, NJIVA, DŽEP, Džep", "ЉУБАВ, ЊИВА, ЏЕП, Џеп"),
        ("tekući rashodi, đak, čaša, šuma, žena", "текући расходи, ђак, чаша, шума, жена"),
        ("JLS plaća PDV", "ЈЛС плаћа ПДВ"),
        ("%(n)s JLS, %%", "%(n)s ЈЛС, %%"),
        ("CAPEX, OPEX, TCO, CPV i EUR", "CAPEX, OPEX, TCO, CPV и EUR"),
        ("u laws.csv, annual_it_budget_eur", "у laws.csv, annual_it_budget_eur"),
    ],
)
def test_transliteration(latin: str, cyrillic: str) -> None:
    assert translit.to_cyrillic(latin) == cyrillic


class Marker(gettext.NullTranslations):
    """Every text of the template as one mark: what is left of a page is its data."""

    def gettext(self, message: str) -> str:
        return "\u2063"


def english_pieces(po: Catalog) -> set[str]:
    """The English words of the template's texts that no translation of `po` also uses
    (CPV, EUR, CAPEX stay as they are)."""
    translations = " ".join(str(m.string) for m in po if m.id)
    pieces: set[str] = set()
    for message in po:
        if message.id:
            for piece in PLACEHOLDER.split(str(message.id)):
                piece = piece.strip(" ,.·–()/:")
                if len(piece) >= 3 and piece not in translations:
                    pieces.add(piece)
    return pieces


@pytest.mark.parametrize("code", TRANSLATED)
def test_no_english_text_of_the_template_is_left(plan: Plan, code: str) -> None:
    page = html.render(plan, code)
    # the same page with every template text replaced by a mark: only the data (names,
    # requirement titles, reasons, in English) can still hold English words
    data_only = html.render_with(
        html.build_environment(Marker(), languages.Formats(None)), plan, code
    )
    pieces = english_pieces(catalogue(f"{code}.po"))
    assert {"Gaps", "Procurement lots by CPV code", "critical", "Where the money goes"} & pieces
    left = {p: page.count(p) for p in pieces if page.count(p) > data_only.count(p)}
    assert left == {}


@pytest.mark.parametrize(
    ("code", "capex", "date"),
    [
        ("en", "{:,.2f}", "2026-11-26"),
        ("sr-Latn", "sr", "26. 11. 2026."),
        ("sr-Cyrl", "sr", "26. 11. 2026."),
        ("cnr", "sr", "26. 11. 2026."),
        ("mk", "sr", "26 ное. 2026\u202fг."),  # CLDR: a narrow no-break space
    ],
)
def test_amounts_and_dates_in_the_locale(plan: Plan, code: str, capex: str, date: str) -> None:
    eur = html.environment(code).filters["eur"]
    written = {"en": "1,234,567.89"}.get(code, "1.234.567,89")  # by hand, not by Babel
    assert eur(D("1234567.891")) == written
    assert eur(None) == "-"
    page = html.render(plan, code)
    programme = next(r for r in plan.rollups if r.level == "programme")
    amount = f"{programme.totals.capex_gross_eur:,.2f}"
    if capex == "sr":  # 1,234.50 -> 1.234,50
        amount = amount.replace(",", " ").replace(".", ",").replace(" ", ".")
    assert f"<b>{amount} EUR</b>" in page
    assert date in page
    assert plan.generated_for == dt.date(2026, 11, 26)


@pytest.mark.parametrize("code", list(languages.LANGUAGES))
def test_html_lang_and_escaping_in_every_language(plan: Plan, code: str) -> None:
    page = html.render(plan, code)
    assert f'<html lang="{code}">' in page
    assert "<script" not in page.lower()
    assert "&lt;script&gt;" in page
    assert EVIL_NAME not in page
    assert "Content-Security-Policy" in page


def test_terms_planners_use(plan: Plan) -> None:
    pages = {code: html.render(plan, code) for code in TRANSLATED}
    assert "Kapitalni izdaci (CAPEX" in pages["sr-Latn"] and "PDV" in pages["sr-Latn"]
    assert "Partije javne nabavke po CPV kodu" in pages["sr-Latn"]
    assert "Капитални издаци (CAPEX" in pages["sr-Cyrl"] and "ЈЛС" in pages["sr-Cyrl"]
    assert "Cijene su okvirne." in pages["cnr"] and "Zahtjev" in pages["cnr"]
    assert "Cene su okvirne." in pages["sr-Latn"]
    assert "ЕЛС" in pages["mk"] and "ДДВ" in pages["mk"]


def test_english_is_the_report_as_before(plan: Plan) -> None:
    page = html.render(plan)
    assert page == html.render(plan, "en")
    assert '<html lang="en">' in page and "Investment plan for local self-governments" in page
    assert "reference date 2026-11-26" in page


def test_languages_are_found_in_any_spelling_and_others_refused() -> None:
    assert api.report_language("SR_cyrl") == "sr-Cyrl"
    assert api.report_language("sr") is None
    assert api.REPORT_LANGUAGES == ("en", "sr-Latn", "sr-Cyrl", "cnr", "mk")
    with pytest.raises(UsageError, match="expected one of en, sr-Latn, sr-Cyrl, cnr, mk"):
        html.render(make_plan(), "de")


def test_the_api_writes_the_report_in_the_language_and_refuses_before_writing(
    plan: Plan, tmp_path: Path
) -> None:
    api.write_plan(plan, tmp_path / "out", language="mk")
    assert '<html lang="mk">' in (tmp_path / "out" / "report.html").read_text("utf-8")
    # the machine formats keep their English keys
    assert "capex_gross_eur" in (tmp_path / "out" / "plan.json").read_text("utf-8")
    with pytest.raises(UsageError, match="unknown report language 'xx'"):
        api.write_plan(plan, tmp_path / "other", language="xx")
    assert not (tmp_path / "other").exists()


def test_the_package_ships_the_catalogues() -> None:
    """setup.py's package data covers every catalogue (the wheel test checks the wheel)."""
    tree = ast.parse((REPO / "setup.py").read_text("utf-8"))
    patterns = [
        node.value
        for call in ast.walk(tree)
        if isinstance(call, ast.Dict)
        for key, value in zip(call.keys, call.values, strict=True)
        if isinstance(key, ast.Constant) and key.value == "lsg_infra"
        for node in ast.walk(value)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    files = [p.relative_to(REPO / "lsg_infra").as_posix() for p in LOCALE.glob("*.po*")]
    assert len(files) == 1 + len(TRANSLATED)
    for name in files:
        assert any(fnmatch.fnmatch(name, pattern) for pattern in patterns), name
    assert languages.catalogue_text("mk").startswith(b"# Macedonian")


lsg = lsg_process


def test_an_unknown_language_is_refused_in_one_line_with_exit_2(tmp_path: Path) -> None:
    done = lsg(tmp_path, "plan", "--language", "de", "--out", "out")
    assert done.returncode == 2
    assert done.stderr == (
        "error: --language 'de': not a language of the report; "
        "expected one of en, sr-Latn, sr-Cyrl, cnr, mk\n"
    )
    done = lsg(tmp_path, "plan", "--out", "out", LSG_LANGUAGE="sr")
    assert done.returncode == 2
    assert done.stderr.startswith("error: LSG_LANGUAGE='sr': not a language of the report")
    assert not (tmp_path / "out").exists()


def test_lsg_language_is_the_default_of_the_option(tmp_path: Path) -> None:
    shutil.copytree(REPO / "inventory" / "me", tmp_path / "inventory" / "me")
    done = lsg(tmp_path, "plan", "--out", "out", "--date", "2026-11-26", LSG_LANGUAGE="cnr")
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "out" / "report.html").read_text("utf-8")
    assert '<html lang="cnr">' in page and "Pravni osnov na dan 26. 11. 2026." in page
    done = lsg(tmp_path, "plan", "--out", "out", "--language", "en", LSG_LANGUAGE="cnr")
    assert done.returncode == 0, done.stderr
    assert '<html lang="en">' in (tmp_path / "out" / "report.html").read_text("utf-8")


def test_babel_reads_what_the_report_reads() -> None:
    """The runtime path: the .po compiled in memory gives the translation."""
    assert languages.translations("sr-Latn").gettext("Budget year") == "Budžetska godina"
    assert languages.translations("en").gettext("Budget year") == "Budget year"
    assert io.BytesIO(languages.catalogue_text("cnr")).read().count(b"msgid") > 80


@pytest.mark.parametrize("code", TRANSLATED)
def test_amounts_are_written_as_babel_writes_them(code: str) -> None:
    """Formats lays amounts out itself (for speed) with the locale's signs: as Babel does."""
    from babel import Locale, numbers

    locale = Locale.parse(str(languages.LANGUAGES[code].locale))
    formats = languages.Formats(locale)
    for value in ("0", "0.5", "999.99", "1000", "-1234.5", "1234567.891", "987654321012.00"):
        amount = D(value)
        assert formats.eur(amount) == numbers.format_decimal(amount, "#,##0.00", locale=locale)
    for count in (0, 7, 1234, 1234567):
        assert formats.number(count) == numbers.format_decimal(count, locale=locale)


def workbook(plan: Plan, code: str) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(xlsx.render(plan, code)), read_only=True)


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_workbook_names_its_sheets_and_columns_in_the_language(plan: Plan, code: str) -> None:
    tr = languages.translations(code).gettext
    english = workbook(plan, "en")
    book = workbook(plan, code)
    own = [name for name in english.sheetnames if name not in ("rs-evil", "mk-good")]
    assert book.sheetnames == [tr(name) for name in own] + ["mk-good", "rs-evil"]
    assert not set(own) & set(book.sheetnames)  # each of the workbook's own sheets renamed
    for sheet in own:
        header_row = 5 if sheet == "Summary" else 1
        headers = next(english[sheet].iter_rows(header_row, header_row, values_only=True))
        translated = next(book[tr(sheet)].iter_rows(header_row, header_row, values_only=True))
        assert len(translated) == len(headers)
        for en_header, header in zip(headers, translated, strict=True):
            if en_header and en_header not in {"CPV"}:
                assert header != en_header, (sheet, en_header)
    # the values stay as plan.json has them (the totals row of the programme, by position)
    [programme] = book[tr("Summary")].iter_rows(6, 6, values_only=True)
    [english_programme] = english["Summary"].iter_rows(6, 6, values_only=True)
    assert programme[0] == tr("programme") and english_programme[0] == "programme"
    assert programme[1:] == english_programme[1:]


def test_an_lsg_called_like_a_translated_sheet_gets_another_name() -> None:
    names = xlsx.sheet_names(["Pregled", "rs-kikinda"], reserved=["Pregled", "Partije"])
    assert names == {"Pregled": "Pregled~2", "rs-kikinda": "rs-kikinda"}
