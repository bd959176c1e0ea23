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
