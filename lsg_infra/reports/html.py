"""report.html: one self-contained page a planner can read offline and print.

No scripts, no external files: styles are inline and charts are SVG drawn here,
so the page renders the same in any browser, on paper, and years from now.
Every value goes through jinja2's autoescape.

The page speaks the planner's language (`--language`): every text of the template goes
through gettext (jinja2.ext.i18n) with the catalogues in `reports/locale/<code>.po`,
read at run time with Babel (no compiled .mo to build or forget), and amounts and
dates follow the language's locale (Babel/CLDR). English is the template itself.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, cast

import jinja2
from babel import Locale, dates, numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from lsg_infra import __version__
from lsg_infra.atomic_write import write_text_atomic
from lsg_infra.model.plan import Plan
from lsg_infra.reports import breakdown, languages

LOCALE_DIR = "locale"
"""Catalogues beside this module: messages.pot (extracted from the template) and <code>.po."""


def catalogue_text(code: str) -> bytes:
    """The .po file of a language, as shipped in the package."""
    return resources.files("lsg_infra.reports").joinpath(LOCALE_DIR, f"{code}.po").read_bytes()


def translations(code: str) -> gettext.NullTranslations:
    """The gettext catalogue of `code` (English: none, the template's own text).

    The .po is compiled in memory: fuzzy or empty entries are left out, so an
    unreviewed string shows in English rather than wrong (a test keeps them complete).
    """
    if code == languages.DEFAULT:
        return gettext.NullTranslations()
    catalog = read_po(io.BytesIO(catalogue_text(code)), abort_invalid=True)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


class Formats:
    """Numbers and dates of one language: the locale's symbols (Babel/CLDR), or English
    as the report always wrote it.

    Amounts are laid out by Python (groups of three, two decimals) and take the locale's
    group and decimal signs: the same as Babel's format_decimal for these locales (a test
    compares them), at a sixth of its time on a page of thousands of amounts.
    """

    __slots__ = ("_signs", "locale")

    def __init__(self, locale: Locale | None) -> None:
        self.locale = locale
        self._signs = (
            str.maketrans(
                {",": numbers.get_group_symbol(locale), ".": numbers.get_decimal_symbol(locale)}
            )
            if locale is not None
            else None
        )

    def _local(self, text: str) -> str:
        return text if self._signs is None else text.translate(self._signs)

    def eur(self, value: Decimal | None) -> str:
        return "-" if value is None else self._local(f"{value:,.2f}")

    def number(self, value: Decimal | int | None) -> str:
        """A count, quantity or percentage, with the decimals it has."""
        if value is None:
            return "-"
        return str(value) if self.locale is None else self._local(f"{value:,}")

    def day(self, value: dt.date) -> str:
        if self.locale is None:
            return value.isoformat()
        return dates.format_date(value, "medium", locale=self.locale)


def eur(value: Decimal | None) -> str:
    """An amount as the English report writes it.

    >>> eur(Decimal("1234567.891"))
    '1,234,567.89'
    """
    return Formats(None).eur(value)


def build_environment(
    translations: gettext.NullTranslations, formats: Formats
) -> jinja2.Environment:
    """The report template's environment with these texts and these number formats."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("lsg_infra.reports", "templates"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # newstyle: _() escapes its variables under autoescape and formats them by name
    # (%(date)s), so a translation can reorder values but not let one through unescaped.
    # install_gettext_translations comes with the extension, unknown to the type checker.
    cast(Any, env).install_gettext_translations(translations, newstyle=True)
    env.filters["eur"] = formats.eur
    env.filters["num"] = formats.number
    env.filters["day"] = formats.day
    return env


@functools.cache
def environment(code: str) -> jinja2.Environment:
    """The environment of one language (its catalogue and formats), built once."""
    lang = languages.get(code)
    formats = Formats(Locale.parse(lang.locale) if lang.locale else None)
    return build_environment(translations(lang.code), formats)


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    width_pct: float
    y: int


def bars(items: list[tuple[str, Decimal]], limit: int = 30) -> list[Bar]:
    """Horizontal bar geometry, the largest value spanning the full width."""
    top = items[:limit]
    largest = max((v for _, v in top), default=Decimal(0))
    return [
        Bar(label, value, float(value / largest * 100) if largest else 0.0, i * 22)
        for i, (label, value) in enumerate(top)
    ]


def render(plan: Plan, language: str = languages.DEFAULT) -> str:
    """The report page in `language` (see reports/languages.py; UsageError for another)."""
    lang = languages.get(language)
    return render_with(environment(lang.code), plan, lang.code)


def render_with(env: jinja2.Environment, plan: Plan, language: str) -> str:
    """The report page from `env` (build_environment), `<html lang>` set to `language`."""
    lsg_rollups = breakdown.rollups(plan, "lsg")
    by_lsg = sorted(
        ((r.name, r.totals.tco_gross_eur) for r in lsg_rollups), key=lambda kv: (-kv[1], kv[0])
    )
    gaps_by_lsg: dict[str, list[object]] = {}
    for gap in plan.gaps:
        gaps_by_lsg.setdefault(gap.lsg, []).append(gap)
    return env.get_template("report.html.j2").render(
        language=language,
        plan=plan,
        version=__version__,
        programme=breakdown.programme(plan),
        countries=breakdown.rollups(plan, "country"),
        districts=breakdown.rollups(plan, "district"),
        lsgs=lsg_rollups,
        category_bars=bars(breakdown.by_category(plan)),
        lsg_bars=bars(by_lsg),
        lsg_count=len(by_lsg),
        lines_by_lsg=breakdown.lines_by_lsg(plan),
        gaps_by_lsg=gaps_by_lsg,
        unfunded=[ln for ln in plan.lines if not ln.funded],
    )


def write(plan: Plan, path: Path, language: str = languages.DEFAULT) -> None:
    write_text_atomic(path, render(plan, language))
