"""procurement.xlsx: summary with native Excel charts, lots, all lines, one sheet per LSG.

Written with openpyxl in write-only mode (streaming: constant memory for 250 LSGs).
Money cells are numbers with a money format; every text cell is neutralised so that
no cell is ever a formula. Header rows are frozen and filtered.

With `--language`, sheet names, titles and column headers come from the report's
catalogue (texts marked N_ here); the values stay as plan.json has them, and numbers
are cells with a number format, which Excel shows in its user's own locale.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from lsg_infra.atomic_write import write_bytes_atomic
from lsg_infra.model.plan import Plan, ProcurementLine, Totals
from lsg_infra.reports import breakdown, languages
from lsg_infra.reports.languages import N_
from lsg_infra.reports.safety import neutralise

MONEY = '#,##0.00 "EUR"'
NUMBER = "#,##0.##"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
TITLE_FONT = Font(bold=True, size=14)

LINE_COLUMNS: tuple[tuple[str, str, int], ...] = (
    # (header, field, width)
    (N_("Line"), "line", 6),
    (N_("LSG"), "lsg", 18),
    (N_("Municipality"), "lsg_name", 20),
    (N_("Country"), "country", 8),
    (N_("Requirement"), "requirement", 26),
    (N_("Requirement title"), "requirement_title", 30),
    (N_("Legal or normative reference"), "references", 40),
    (N_("Gap"), "gap_kind", 14),
    (N_("Severity"), "severity", 10),
    (N_("Priority"), "priority", 8),
    (N_("Item"), "item", 24),
    (N_("Description"), "description", 40),
    (N_("CPV"), "cpv", 12),
    (N_("Unit"), "unit", 10),
    (N_("Billing"), "billing", 9),
    (N_("Quantity"), "quantity", 10),
    (N_("Unit price (EUR)"), "unit_price_eur", 14),
    (N_("Periods a year"), "periods", 8),
    (N_("Net (EUR)"), "net_eur", 14),
    (N_("Tax class"), "tax_class", 22),
    (N_("VAT %"), "vat_pct", 7),
    (N_("Why this VAT rate"), "vat_reason", 40),
    (N_("VAT (EUR)"), "vat_eur", 13),
    (N_("Gross (EUR)"), "gross_eur", 14),
    (N_("TCO gross (EUR)"), "tco_gross_eur", 15),
    (N_("Currency"), "currency", 9),
    (N_("Gross (local)"), "gross_local", 16),
    (N_("Year"), "year", 7),
    (N_("Funded"), "funded", 8),
    (N_("Why unfunded"), "unfunded_reason", 40),
    (N_("Reason"), "reason", 60),
    (N_("How it is computed"), "computation", 80),
)
# An LSG's own sheet need not repeat who the LSG is on every line.
LSG_SHEET_COLUMNS = tuple(c for c in LINE_COLUMNS if c[1] not in {"lsg", "lsg_name", "country"})
MONEY_FIELDS = {"unit_price_eur", "net_eur", "vat_eur", "gross_eur", "tco_gross_eur"}
SHEETS = {
    "summary": N_("Summary"),
    "lots": N_("Lots"),
    "legal": N_("Legal basis"),
    "lines": N_("Procurement"),
    "unfunded": N_("Unfunded"),
}
"""The workbook's own sheets (an LSG's sheet is named after its id)."""
LEVELS = {"programme": N_("programme"), "country": N_("country"), "lsg": N_("lsg")}
"""The summary's levels of roll-up."""


def _cell(
    ws: WriteOnlyWorksheet, value: Any, fmt: str | None = None, **style: Any
) -> WriteOnlyCell:
    if isinstance(value, str):
        value = neutralise(value)
    elif isinstance(value, bool):
        value = "yes" if value else "no"
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text
    if fmt:
        cell.number_format = fmt
    for key, val in style.items():
        setattr(cell, key, val)
    return cell


Translate = Callable[[str], str]
"""A catalogue's gettext: the text in the workbook's language (itself in English)."""


def _header(ws: WriteOnlyWorksheet, names: Sequence[str]) -> list[WriteOnlyCell]:
    return [_cell(ws, n, font=HEADER_FONT, fill=HEADER_FILL) for n in names]


def _line_sheet(
    wb: Workbook,
    title: str,
    rows: Sequence[Sequence[Any]],
    columns: Sequence[tuple[str, str, int]] = LINE_COLUMNS,
    headers: dict[tuple[str, ...], list[WriteOnlyCell]] | None = None,
    tr: Translate = str,
) -> None:
    """A sheet of procurement lines; `rows` are `_line_values` of each line.

    `headers` keeps the styled header cells of each set of columns for the next
    sheet: styling a cell looks its font and fill up in the workbook, which for
    250 LSG sheets cost more than their rows' plain values.
    """
    ws = wb.create_sheet(title)
    for i, (_, _, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(rows)) + 1}"
    names = tuple(tr(h) for h, _, _ in columns)
    if headers is None:
        headers = {}
    if names not in headers:
        headers[names] = _header(ws, names)
    ws.append(headers[names])
    wanted = {field for _, field, _ in columns}
    picks = [i for i, (_, field, _) in enumerate(LINE_COLUMNS) if field in wanted]
    # One money cell per column, reused row after row: the write-only sheet writes
    # each row as it is appended, and a fresh styled cell per value costs a third
    # of the sheet's time on 5,000 lines.
    money = {i: _cell(ws, None, MONEY) for i in picks if LINE_COLUMNS[i][1] in MONEY_FIELDS}
    for values in rows:
        row: list[Any] = []
        for i in picks:
            cell = money.get(i)
            if cell is None:
                row.append(values[i])
            else:
                cell.value = values[i]
                row.append(cell)
        ws.append(row)


def _line_values(line: ProcurementLine) -> list[Any]:
    """The line's cells in LINE_COLUMNS order: plain values, text neutralised.

    Plain values stream much faster than styled cells; text is still neutralised,
    so openpyxl never sees a leading '=' (a formula).
    """
    return [_plain(getattr(line, field)) for _, field, _ in LINE_COLUMNS]


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return neutralise("; ".join(str(v) for v in value))
    if isinstance(value, str):  # enums are str too
        return neutralise(str(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


TOTAL_COLUMNS = (
    (N_("CAPEX net (EUR)"), "capex_net_eur"),
    (N_("CAPEX gross (EUR)"), "capex_gross_eur"),
    (N_("OPEX gross per year (EUR)"), "opex_gross_eur_per_year"),
    (N_("TCO gross (EUR)"), "tco_gross_eur"),
    (N_("Funded gross (EUR)"), "funded_gross_eur"),
    (N_("Unfunded gross (EUR)"), "unfunded_gross_eur"),
)


# Per-head figures beside the totals (empty where the inventory lacks the number).
HEAD = (
    (N_("Population"), "population"),
    (N_("Employees"), "employees"),
    (N_("TCO per inhabitant (EUR)"), "tco_per_inhabitant_eur"),
    (N_("TCO per employee (EUR)"), "tco_per_employee_eur"),
    (N_("Annual IT budget (EUR)"), "annual_it_budget_eur"),
    (N_("Yearly cost / IT budget (%)"), "it_budget_share_pct"),
)
HEAD_FORMATS = (NUMBER, NUMBER, MONEY, MONEY, MONEY, "0.0")


def _totals_cells(ws: WriteOnlyWorksheet, t: Totals) -> list[WriteOnlyCell]:
    return [_cell(ws, getattr(t, f), MONEY) for _, f in TOTAL_COLUMNS]


def _summary(wb: Workbook, plan: Plan, tr: Translate, fmt: languages.Formats) -> None:
    ws = wb.create_sheet(tr(SHEETS["summary"]))
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 22
    for col in "CDEFGHIJ":
        ws.column_dimensions[col].width = 20
    ws.freeze_panes = "A6"
    ws.append([_cell(ws, tr(N_("Investment plan for local self-governments")), font=TITLE_FONT)])
    ws.append([_cell(ws, plan.catalogue_disclaimer)])
    budget = (
        f"{fmt.eur(plan.budget_gross_eur)} EUR"
        if plan.budget_gross_eur is not None
        else tr(N_("none"))
    )
    about = tr(
        N_(
            "Years %(first)s-%(last)s; TCO over %(years)s years; budget %(budget)s; "
            "reference date %(date)s"
        )
    ) % {
        "first": plan.years[0],
        "last": plan.years[-1],
        "years": plan.horizon_years,
        "budget": budget,
        "date": fmt.day(plan.generated_for),
    }
    ws.append([_cell(ws, about)])
    ws.append([])
    ws.append(
        _header(
            ws,
            [
                tr(h)
                for h in (
                    N_("Level"),
                    N_("Name"),
                    N_("Gaps"),
                    *[h for h, _ in TOTAL_COLUMNS],
                    *[h for h, _ in HEAD],
                )
            ],
        )
    )
    order = [
        *breakdown.rollups(plan, "programme"),
        *breakdown.rollups(plan, "country"),
        *breakdown.rollups(plan, "lsg"),
    ]
    for r in order:
        ws.append(
            [
                _cell(ws, tr(LEVELS[r.level])),
                _cell(ws, r.name),
                _cell(ws, r.gaps),
                *_totals_cells(ws, r.totals),
                *[
                    _cell(ws, getattr(r, f), fmt)
                    for (_, f), fmt in zip(HEAD, HEAD_FORMATS, strict=True)
                ],
            ]
        )
    first_lsg_row = (
        6 + len(breakdown.rollups(plan, "programme")) + len(breakdown.rollups(plan, "country"))
    )
    last_lsg_row = 5 + len(order)

    # Category table beside, for the category chart.
    categories = breakdown.by_category(plan)
    cat_top = last_lsg_row + 3
    ws.append([])
    ws.append([])
    ws.append(_header(ws, [tr(N_("Category")), tr(N_("TCO gross (EUR)"))]))
    for name, value in categories:
        # the report's own labels of the catalogue's categories; another stays as written
        ws.append([_cell(ws, tr(name)), _cell(ws, value, MONEY)])
    years_top = cat_top + len(categories) + 3
    ws.append([])
    ws.append([])
    ws.append(
        _header(ws, [tr(N_("Year")), tr(N_("Spent gross (EUR)")), tr(N_("Budget gross (EUR)"))])
    )
    for yb in plan.budget_by_year:
        ws.append(
            [
                _cell(ws, yb.year),
                _cell(ws, yb.spent_gross_eur, MONEY),
                _cell(ws, yb.budget_gross_eur, MONEY),
            ]
        )

    if last_lsg_row >= first_lsg_row:
        chart = BarChart()
        chart.type = "bar"
        chart.title = tr(N_("Total cost of ownership by LSG (EUR, gross)"))
        chart.y_axis.title = "EUR"
        data = Reference(ws, min_col=7, min_row=first_lsg_row, max_row=last_lsg_row)
        labels = Reference(ws, min_col=2, min_row=first_lsg_row, max_row=last_lsg_row)
        chart.add_data(data, titles_from_data=False)
        chart.set_categories(labels)
        chart.legend = None
        chart.height = max(7.5, 0.5 * (last_lsg_row - first_lsg_row + 1))
        chart.width = 18
        ws.add_chart(chart, "L2")
    if categories:
        pie = PieChart()
        pie.title = tr(N_("Total cost of ownership by category"))
        pie.add_data(
            Reference(ws, min_col=2, min_row=cat_top, max_row=cat_top + len(categories)),
            titles_from_data=True,
        )
        pie.set_categories(
            Reference(ws, min_col=1, min_row=cat_top + 1, max_row=cat_top + len(categories))
        )
        pie.width = 14
        ws.add_chart(pie, "L40" if last_lsg_row > 30 else "L20")
    if plan.budget_by_year:
        bars = BarChart()
        bars.title = tr(N_("Spending by budget year (EUR, gross)"))
        bars.add_data(
            Reference(
                ws, min_col=2, min_row=years_top, max_row=years_top + len(plan.budget_by_year)
            ),
            titles_from_data=True,
        )
        bars.set_categories(
            Reference(
                ws, min_col=1, min_row=years_top + 1, max_row=years_top + len(plan.budget_by_year)
            )
        )
        ws.add_chart(bars, "T2")


def _lots(wb: Workbook, plan: Plan, tr: Translate) -> None:
    ws = wb.create_sheet(tr(SHEETS["lots"]))
    widths = [14, 8, 12, 40, 40, 50, *[18] * len(TOTAL_COLUMNS)]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(widths))}{max(1, len(plan.lots)) + 1}"
    ws.append(
        _header(
            ws,
            [
                tr(h)
                for h in (
                    N_("Lot"),
                    N_("Country"),
                    N_("CPV"),
                    N_("CPV description"),
                    N_("Items (quantity)"),
                    N_("LSGs"),
                    *[h for h, _ in TOTAL_COLUMNS],
                )
            ],
        )
    )
    for lot in plan.lots:
        items = ", ".join(f"{item} ({qty})" for item, qty in lot.quantity_by_item.items())
        ws.append(
            [
                _cell(ws, lot.id),
                _cell(ws, lot.country),
                _cell(ws, lot.cpv),
                _cell(ws, lot.cpv_description),
                _cell(ws, items),
                _cell(ws, ", ".join(lot.lsgs)),
                *_totals_cells(ws, lot.totals),
            ]
        )


def _legal_basis(wb: Workbook, plan: Plan, tr: Translate, fmt: languages.Formats) -> None:
    """The laws cited by every requirement checked (met or not), with their status on the
    plan's reference date."""
    ws = wb.create_sheet(tr(SHEETS["legal"]))
    status_on = tr(N_("Status on %(date)s")) % {"date": fmt.day(plan.generated_for)}
    columns = [(tr(N_("Law")), 50), (tr(N_("Law (English)")), 40), (tr(N_("Gazette")), 30),
               (tr(N_("In force from")), 14), (status_on, 22), (tr(N_("Replaced by")), 30),
               (tr(N_("Replaced from")), 14), (tr(N_("Cited by")), 60),
               (tr(N_("Not confirmed")), 60)]  # fmt: skip
    for i, (_, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.append(_header(ws, [name for name, _ in columns]))
    for law in plan.legal_basis:
        values = [law.title, law.title_en, law.gazette, law.in_force_from.isoformat(),
                  law.status.value, law.superseded_by or "",
                  law.superseded_from.isoformat() if law.superseded_from else "",
                  ", ".join(law.requirements), law.unconfirmed]  # fmt: skip
        ws.append([_cell(ws, value) for value in values])


def render(plan: Plan, language: str = languages.DEFAULT) -> bytes:
    """The workbook; `language` names its sheets and headers (reports/languages.py)."""
    tr: Translate = languages.translations(language).gettext
    fmt = languages.formats(language)
    wb = Workbook(write_only=True)
    _summary(wb, plan, tr, fmt)
    _lots(wb, plan, tr)
    if plan.legal_basis:
        _legal_basis(wb, plan, tr, fmt)
    rows = {line.line: _line_values(line) for line in plan.lines}
    headers: dict[tuple[str, ...], list[WriteOnlyCell]] = {}
    _line_sheet(wb, tr(SHEETS["lines"]), list(rows.values()), LINE_COLUMNS, headers, tr)
    unfunded = [rows[ln.line] for ln in plan.lines if not ln.funded]
    if unfunded:
        _line_sheet(wb, tr(SHEETS["unfunded"]), unfunded, LINE_COLUMNS, headers, tr)
    by_lsg = breakdown.lines_by_lsg(plan)
    names = sheet_names(sorted(by_lsg), reserved=[tr(name) for name in SHEETS.values()])
    for lsg, lines in sorted(by_lsg.items()):
        lsg_rows = [rows[ln.line] for ln in lines]
        _line_sheet(wb, names[lsg], lsg_rows, LSG_SHEET_COLUMNS, headers, tr)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write(plan: Plan, path: Path, language: str = languages.DEFAULT) -> None:
    write_bytes_atomic(path, render(plan, language))


def sheet_names(keys: list[str], reserved: Sequence[str] = ()) -> dict[str, str]:
    """Excel sheet names (at most 31 characters, no []:*?/\\), unique, none of them one of
    the workbook's own sheets (`reserved`, by default the English names)."""
    out: dict[str, str] = {}
    used: set[str] = set(reserved or SHEETS.values())
    for key in keys:
        base = "".join("_" if c in "[]:*?/\\" else c for c in key)[:31] or "LSG"
        name, n = base, 2
        while name.lower() in {u.lower() for u in used}:
            suffix = f"~{n}"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        used.add(name)
        out[key] = name
    return out
