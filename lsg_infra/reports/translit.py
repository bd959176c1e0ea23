"""Serbian Latin -> Serbian Cyrillic, for the report's catalogue (sr-Latn.po -> sr-Cyrl.po).

Serbian has one letter per sound in each script, so the mapping is fixed; the only
care is the digraphs lj, nj and dž, which are one Cyrillic letter each (Lj/LJ too).
What is not Serbian text stays Latin: gettext placeholders (%(date)s, %%), the
international abbreviations planners write in Latin in Cyrillic documents too (CAPEX,
OPEX, TCO, CPV, EUR) and file and field names (blueprints/reference/laws.csv,
annual_it_budget_eur, lsg-infra). Not handled, because the catalogue has none: the
few words where the two letters of a digraph belong to two parts of a word
(nadživeti, konjunktura).

    python -m lsg_infra.reports.translit    # rewrites locale/sr-Cyrl.po from sr-Latn.po
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

_DIGRAPHS = {
    "dž": "џ", "Dž": "Џ", "DŽ": "Џ",
    "lj": "љ", "Lj": "Љ", "LJ": "Љ",
    "nj": "њ", "Nj": "Њ", "NJ": "Њ",
}  # fmt: skip
_LOWER = dict(zip("abcčćdđefghijklmnoprsštuvzž", "абцчћдђефгхијклмнопрсштувзж", strict=True))
_LETTERS = _LOWER | {latin.upper(): cyrillic.upper() for latin, cyrillic in _LOWER.items()}
_KEEP = re.compile(
    r"%\(\w+\)s|%%"  # gettext placeholders
    r"|\b(?:CAPEX|OPEX|TCO|CPV|EUR)\b"  # written in Latin in Cyrillic text as well
    r"|lsg-infra|[A-Za-z][\w.-]*[_/][\w./-]*[A-Za-z]"  # names of the tool, fields, paths
    r"|\b[\w-]+\.(?:csv|yaml|json|xlsx|html)\b"  # and of files
)
_LETTER = re.compile("|".join(_DIGRAPHS) + "|.", re.DOTALL)


def _letters(text: str) -> str:
    return _LETTER.sub(lambda m: _DIGRAPHS.get(m[0]) or _LETTERS.get(m[0], m[0]), text)


def to_cyrillic(text: str) -> str:
    """Serbian Latin text in Cyrillic, placeholders, abbreviations and names kept.

    >>> to_cyrillic("Ljubljana, NJEGOŠ, džep: %(n)s JLS, PDV i CAPEX u laws.csv")
    'Љубљана, ЊЕГОШ, џеп: %(n)s ЈЛС, ПДВ и CAPEX у laws.csv'
    """
    out, start = [], 0
    for kept in _KEEP.finditer(text):
        out += [_letters(text[start : kept.start()]), kept[0]]
        start = kept.end()
    out.append(_letters(text[start:]))
    return "".join(out)


HEADER = """\
Serbian (Cyrillic) translation of the lsg-infra plan report.
GENERATED from sr-Latn.po by `python -m lsg_infra.reports.translit`: edit sr-Latn.po
and run that again; a test fails when the two disagree.
Translator's note: drafted for lsg-infra, to be reviewed by a native-speaking planner."""


def cyrillic_catalogue(latin: Catalog) -> Catalog:
    """The sr-Latn catalogue with every translation in Cyrillic (ids and places as they are)."""
    out = Catalog(
        locale="sr_Cyrl",
        header_comment="\n".join(f"# {line}" if line else "#" for line in HEADER.splitlines()),
        project=latin.project,
        version=latin.version,
        creation_date=latin.creation_date,
        revision_date=latin.revision_date,
        last_translator=latin.last_translator,
        language_team="Serbian (Cyrillic) <none yet>",
        fuzzy=False,
    )
    for message in latin:
        if not message.id:
            continue
        text = message.string
        assert isinstance(text, str), "the report has no plural messages"
        out.add(
            message.id,
            to_cyrillic(text),
            locations=message.locations,
            flags=message.flags,
            auto_comments=message.auto_comments,
        )
    return out


def main() -> None:
    folder = Path(__file__).parent / "locale"
    with (folder / "sr-Latn.po").open("rb") as f:
        latin = read_po(f)
    buffer = io.BytesIO()
    write_po(buffer, cyrillic_catalogue(latin), width=100)
    (folder / "sr-Cyrl.po").write_bytes(buffer.getvalue())
    sys.stdout.write(f"wrote {folder / 'sr-Cyrl.po'}\n")


if __name__ == "__main__":
    main()
