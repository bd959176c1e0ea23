"""The languages the plan's report is written in (`lsg plan --language`), and their
gettext catalogues.

The catalogues are `locale/<code>.po` beside this module, read at run time with Babel
and compiled in memory (no .mo to build or forget). Babel is imported only then, so
that the CLI checks the option before the work without loading it.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from typing import TYPE_CHECKING

from lsg_infra.errors import UsageError

if TYPE_CHECKING:
    from babel import Locale


@dataclass(frozen=True)
class Language:
    """A language the report is written in.

    `code` is what `--language` takes and what `<html lang>` says (BCP 47); `locale` is
    the Babel locale of numbers and dates, None for English, whose amounts (1,234.56)
    and ISO dates stay as the report always wrote them.
    """

    code: str
    name: str
    locale: str | None


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("en", "English", None),
        Language("sr-Latn", "Serbian, Latin script", "sr_Latn_RS"),
        Language("sr-Cyrl", "Serbian, Cyrillic script", "sr_Cyrl_RS"),
        # CLDR has no Montenegrin locale: Babel 2.19 resolves "cnr" to sr_Latn_ME (an
        # alias), named here so that the formats do not depend on that alias.
        Language("cnr", "Montenegrin", "sr_Latn_ME"),
        Language("mk", "Macedonian", "mk_MK"),
    )
}
DEFAULT = "en"


def find(code: str) -> Language | None:
    """The language `code` names, in any letter case, with '-' or '_' (sr_latn is sr-Latn).

    >>> find("SR_latn").code, find("de")
    ('sr-Latn', None)
    """
    wanted = code.replace("_", "-").lower()
    return next((lang for key, lang in LANGUAGES.items() if key.lower() == wanted), None)


def get(code: str) -> Language:
    """The language `code` names; UsageError naming the accepted ones otherwise."""
    found = find(code)
    if found is None:
        shown = code.encode("ascii", "backslashreplace").decode()[:20]
        raise UsageError(
            f"unknown report language {shown!r}; expected one of {', '.join(LANGUAGES)}"
        )
    return found


LOCALE_DIR = "locale"
"""Beside this module: messages.pot (the texts to translate) and one <code>.po a language."""


def catalogue_text(code: str) -> bytes:
    """The .po file of a language, as shipped in the package."""
    return resources.files("lsg_infra.reports").joinpath(LOCALE_DIR, f"{code}.po").read_bytes()


def translations(code: str) -> gettext.NullTranslations:
    """The gettext catalogue of `code` (English: none, the texts as written).

    Fuzzy or empty entries are left out, so an unreviewed text shows in English rather
    than wrong (tests/unit/test_report_language.py keeps the catalogues complete).
    """
    if get(code).code == DEFAULT:
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

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
        from babel import numbers

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
        from babel import dates

        return dates.format_date(value, "medium", locale=self.locale)


@functools.cache
def formats(code: str) -> Formats:
    """The number and date formats of `code`."""
    from babel import Locale

    lang = get(code)
    return Formats(Locale.parse(lang.locale) if lang.locale else None)


def N_(message: str) -> str:
    """Marks a text to translate later (gettext_noop): pybabel extracts it, the caller
    translates it with `translations(code).gettext` where it knows the language."""
    return message
