"""Sinks for the plan: plan.json, procurement.csv, procurement.xlsx, report.html.

Every writer takes a `Plan` and a path, writes atomically, and treats every piece
of text as untrusted (inventory names travel all the way to these files).
"""

from __future__ import annotations

from pathlib import Path

from lsg_infra.model.plan import Plan

OUTPUTS = ("plan.json", "procurement.csv", "procurement.xlsx", "report.html")


def write_all(plan: Plan, out_dir: Path, language: str = "en") -> list[Path]:
    """Write every output into `out_dir`; return their paths. `language`
    (reports/languages.py) is the HTML report's and the XLSX's sheet names and headers;
    plan.json and the CSV are machine formats and keep their English keys."""
    from lsg_infra.reports import csvfile, html, jsonfile, xlsx

    paths = [out_dir / name for name in OUTPUTS]
    jsonfile.write(plan, paths[0])
    csvfile.write(plan, paths[1])
    xlsx.write(plan, paths[2], language)
    html.write(plan, paths[3], language)
    return paths
