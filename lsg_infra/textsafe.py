"""Text that is safe to show on a terminal, whoever wrote it.

Inventory files, YAML keys, NetBox answers and facts reported by an SSH host are
written by people and machines we do not control. Sent to a terminal raw, an escape
sequence can clear the screen, set the window title or hide the lines above it; a
right-to-left override can make `rs-kikinda` read as something else. `printable`
shows every such character as an escape (`\\x1b`, `\\u202e`) instead, so the user
sees the text as written and the terminal interprets nothing.

>>> printable("Kikinda\\x1b]0;owned\\x07")
'Kikinda\\\\x1b]0;owned\\\\x07'
>>> printable("Кикинда :fire: [bold]")
'Кикинда :fire: [bold]'
"""

from __future__ import annotations

import re

# Line and paragraph separators, bidirectional embeddings, overrides and isolates: they
# are not control characters (category Cc) but move or reorder what the terminal shows.
_LAYOUT = "\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_UNSAFE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{_LAYOUT}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every control, escape or layout character shown as an escape.

    Newlines and tabs are escaped too: a message is one line, whatever it quotes.
    """
    return _UNSAFE.sub(_escape, text)


def has_control(text: str) -> bool:
    """True when `text` holds a character `printable` would escape (inventory text must not)."""
    return _UNSAFE.search(text) is not None


# In inventory text a tab or a line break is ordinary (a multi-line description);
# anything else that `printable` would escape has no place in a planning document.
_FORBIDDEN_IN_DATA = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_LAYOUT}]")


def forbidden_character(text: str) -> str | None:
    """The first character inventory text must not hold (escaped, e.g. '\\\\x1b'), or None.

    >>> forbidden_character("Kikinda\\x1b[2J"), forbidden_character("two\\nlines")
    ('\\\\x1b', None)
    """
    found = _FORBIDDEN_IN_DATA.search(text)
    return printable(found.group()) if found else None


def quoted(value: object, limit: int = 60) -> str:
    """A value for an error message: escaped, quoted if text, cut to `limit` characters.

    An error quotes the offending key or value and nothing more, whatever its size.

    >>> quoted("x" * 100, limit=10), quoted(42)
    ("'xxxxx...'", '42')
    """
    if isinstance(value, str):
        text = printable(value)
        if len(text) > limit - 2:
            text = text[: max(limit - 5, 1)] + "..."
        return f"'{text}'"
    if isinstance(value, bool) or value is None:
        return str(value).lower() if value is not None else "null"
    if isinstance(value, int):
        digits = len(str(abs(value))) if value.bit_length() < 14_000 else None
        if digits is None or digits > limit:
            return f"a number of {'thousands of' if digits is None else digits} digits"
        return str(value)
    return printable(str(value))[:limit]
