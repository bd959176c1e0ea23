"""report.html: one self-contained page a planner can read offline and print.

No scripts, no external files: styles are inline and charts are SVG drawn here,
so the page renders the same in any browser, on paper, and years from now.
Every value goes through jinja2's autoescape.

The page speaks the planner's language (`--language`): every text of the template goes
through gettext (jinja2.ext.i18n) with the catalogues in `reports/locale/<code>.po`
(languages.translations), and amounts and dates follow the language's locale
(Babel/CLDR). English is the template itself.
"""

from __future__ import annotations

import functools
import gettext
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import jinja2

from lsg_infra import __version__
from lsg_infra.atomic_write import write_text_atomic
from lsg_infra.model.plan import Plan
from lsg_infra.reports import breakdown, languages


def eur(value: Decimal | None) -> str:
    """An amount as the English report writes it.

    >>> eur(Decimal("1234567.891"))
    '1,234,567.89'
    """
    return languages.Formats(None).eur(value)


def build_environment(
    translations: gettext.NullTranslations, formats: languages.Formats
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
    return build_environment(languages.translations(code), languages.formats(code))


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
