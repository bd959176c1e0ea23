"""Neutralising untrusted text for spreadsheets.

A cell that starts with =, +, -, @ (or a tab or carriage return) is a formula to
Excel and LibreOffice, so `=HYPERLINK(...)` in a municipality's name could run
when a planner opens the file. Prefixing a single quote makes it plain text
(the OWASP "CSV injection" advice); HTML is escaped by jinja2's autoescape.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """'=HYPERLINK("x")' -> "'=HYPERLINK(\\"x\\")"; other text unchanged."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
