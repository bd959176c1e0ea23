"""The languages the HTML report is written in (`lsg plan --language`).

Apart from the report so that the CLI can check an option before the work without
loading Babel and the catalogues (reports/html.py does, when it renders).
"""

from __future__ import annotations

from dataclasses import dataclass

from lsg_infra.errors import UsageError


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
