"""Redaction: the one layer every message, log line, error and run artifact passes through.

Secrets (NetBox tokens, SSH passwords, keys) are registered once, where they are
read (`register_secret`); `redact` then replaces every occurrence of them, and the
credentials of any URL (`https://user:pass@host`), and the value of an HTTP
`Authorization` header or a `Token ...` / `Bearer ...` that a server reflected
into its answer. The CLI's error printing, the log handlers and the provisioning
runner's artifacts all go through `redact`, so a secret that reaches any of them
by an unforeseen path is still not shown.

>>> redact("key 0123456789abcdef refused by https://admin:pw@nb.example.org/api/",
...        ["0123456789abcdef"])  # what register_secret("0123...") does for every call
'key *** refused by https://***@nb.example.org/api/'
"""

from __future__ import annotations

import logging
import re
import threading
import urllib.parse
from collections.abc import Iterable, Mapping

MASK = "***"
MIN_SECRET_LENGTH = 4
"""Shorter values are not registered: masking every "ab" in a message would hide
the message, and a secret that short protects nothing anyway."""

SECRET_NAME = re.compile(r"TOKEN|PASSWORD|PASSWD|PASSPHRASE|SECRET|API_?KEY|PRIVATE_?KEY", re.I)
"""Environment variable names whose values are secrets (NETBOX_TOKEN, LSG_SSH_PASSWORD)."""

# scheme://user:password@host or scheme://token@host: everything between :// and @
_URL_CREDENTIALS = re.compile(r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s@'\"<>]+@")
# An Authorization header or token as servers and libraries print them:
# "Authorization: Token abc", "'Authorization': 'Bearer abc'", "Token abc".
_AUTH_HEADER = re.compile(
    r"(?P<name>authorization['\"]?\s*[:=]\s*['\"]?)(?:(?:token|bearer|basic)\s+)?[^\s'\",}]+",
    re.I,
)
_TOKEN_WORD = re.compile(
    r"\b(?P<name>(?:token|bearer)\s+)(?=[0-9a-zA-Z_.-]*\d)[0-9a-zA-Z_.-]{16,}", re.I
)

_lock = threading.Lock()
_registry: set[str] = set()


def _forms(value: str) -> set[str]:
    """The spellings a secret takes in text: as is, stripped, URL-quoted, as in a repr."""
    forms = {value, value.strip()}
    for form in list(forms):
        forms.add(urllib.parse.quote(form, safe=""))
        forms.add(repr(form)[1:-1])
    return {f for f in forms if len(f) >= MIN_SECRET_LENGTH}


def register_secret(value: object) -> None:
    """Remember a secret so that `redact` replaces it everywhere from now on.

    None, empty and very short values are ignored; registering twice is harmless.
    """
    if value is None:
        return
    text = value if isinstance(value, str) else str(value)
    forms = _forms(text)
    if forms:
        with _lock:
            _registry.update(forms)


def register_environ(environ: Mapping[str, str]) -> None:
    """Register the values of variables whose names say they are secrets, and the
    credentials of any URL in the environment (NETBOX_URL=https://u:p@host)."""
    for name, value in environ.items():
        if SECRET_NAME.search(name):
            register_secret(value)
        for match in _URL_CREDENTIALS.finditer(value):
            userinfo = value[match.end("scheme") : match.end() - 1]
            _, _, password = userinfo.partition(":")
            register_secret(password or userinfo)


def registered() -> frozenset[str]:
    """The secrets known so far (for tests and for scrubbing files)."""
    with _lock:
        return frozenset(_registry)


def forget_all() -> None:
    """Empty the registry (tests only: secrets of one test must not mask another's text)."""
    with _lock:
        _registry.clear()


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every known secret, every URL credential and every reflected
    Authorization value replaced by `***`.

    `secrets` adds values to mask in this call only (they are not registered).

    >>> redact("GET https://u:p@h/ failed", ["nothing-here"])
    'GET https://***@h/ failed'
    """
    if not text:
        return text
    extra: set[str] = set()
    for value in secrets:
        if value:
            extra |= _forms(str(value))
    with _lock:
        known = _registry | extra
    # longest first, so that a secret containing another is masked whole
    for secret in sorted(known, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    text = _URL_CREDENTIALS.sub(lambda m: m.group("scheme") + MASK + "@", text)
    text = _AUTH_HEADER.sub(lambda m: m.group("name") + MASK, text)
    return _TOKEN_WORD.sub(lambda m: m.group("name") + MASK, text)


class RedactingFilter(logging.Filter):
    """A logging filter that redacts the formatted message (arguments included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: leave it for logging to report
            return True
        cleaned = redact(message)
        if record.exc_info and record.exc_info[1] is not None:
            # tracebacks are formatted later from exc_info; format them now, redacted
            formatter = logging.Formatter()
            record.exc_text = redact(formatter.formatException(record.exc_info))
            record.exc_info = None
        if cleaned != message or record.args:
            record.msg = cleaned
            record.args = None
        return True


def install_log_filter(logger: logging.Logger | None = None) -> None:
    """Put a RedactingFilter on every handler of `logger` (the root logger by default)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())


__all__ = [
    "MASK",
    "RedactingFilter",
    "forget_all",
    "install_log_filter",
    "redact",
    "register_environ",
    "register_secret",
    "registered",
]
