"""Where NetBox is and how to authenticate: settings, the config file, URL and token checks.

The URL and token come from NETBOX_URL / NETBOX_TOKEN or a TOML file
(~/.config/lsg-infra/netbox.toml), never from a command-line argument, so the
token stays out of shell history and process lists. Both are checked before
anything is sent; the token is registered with `lsg_infra.redact` as soon as it is
read, so no message, log line or repr shows it. `client` talks HTTP with these.
"""

from __future__ import annotations

import math
import os
import tomllib
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsg_infra.errors import UsageError
from lsg_infra.redact import redact, register_secret

DEFAULT_PAGE_SIZE = 1000
"""NetBox's default MAX_PAGE_SIZE; bulk writes and reads use chunks of this size."""
CONNECT_TIMEOUT = 10.0
"""Seconds to open a connection: a NetBox that takes longer is down or filtered."""
READ_TIMEOUT = 120.0
"""Seconds of silence allowed while NetBox works (a bulk write of 1,000 devices)."""
ANSWER_DEADLINE = 600.0
"""Seconds for one whole answer, first byte to last: bounds a server that drips."""
MAX_RETRY_AFTER = 30.0
"""Longest Retry-After honoured (seconds); a server asking for an hour gets this."""
MAX_BODY_BYTES = 64 * 1024 * 1024
"""Largest answer read (decoded); a page of 1,000 devices is a few MB."""
MAX_PAGES = 10_000
"""Pages of one object list followed at most (10 million objects at 1,000 a page)."""


def default_config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "lsg-infra" / "netbox.toml"


@dataclass(frozen=True, slots=True)
class NetBoxSettings:
    """Where NetBox is and how to authenticate; `repr` never shows the token."""

    url: str
    token: str = field(repr=False)
    ca_bundle: str | None = None
    verify: bool = True
    page_size: int = DEFAULT_PAGE_SIZE
    timeout: float = READ_TIMEOUT
    connect_timeout: float = CONNECT_TIMEOUT
    deadline: float = ANSWER_DEADLINE
    max_retry_after: float = MAX_RETRY_AFTER
    max_body_bytes: int = MAX_BODY_BYTES
    max_pages: int = MAX_PAGES

    def __post_init__(self) -> None:
        # Both are checked here, not only where they are read, so that a notebook that
        # builds settings by hand gets the same one-line errors as the CLI.
        object.__setattr__(self, "token", check_token(self.token))
        object.__setattr__(self, "url", check_url(self.url))
        for name in ("timeout", "connect_timeout", "deadline", "max_retry_after"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                raise UsageError(f"NetBox setting {name}: expected seconds, finite, 0 or more")
        for name in ("page_size", "max_body_bytes", "max_pages"):
            value = getattr(self, name)
            if not (isinstance(value, int) and not isinstance(value, bool) and value > 0):
                raise UsageError(f"NetBox setting {name}: expected a whole number above 0")


def check_token(token: str, source: str = "the NetBox token") -> str:
    """The token without surrounding whitespace; refused (never shown) when it holds a
    control or non-ASCII character: HTTP headers cannot carry them, and a CR or LF
    left by an editor on Windows would otherwise end the request in an internal error."""
    register_secret(token)
    stripped = str(token).strip()
    register_secret(stripped)
    if not stripped:
        raise UsageError(f"{source} is empty")
    if not stripped.isascii() or not stripped.isprintable():
        raise UsageError(
            f"{source} holds a control or non-ASCII character (not shown); "
            "copy the token again from NetBox"
        )
    return stripped


def check_url(url: str, source: str = "NetBox URL") -> str:
    """`url` without a trailing slash, when it is http(s)://host[:port][/path]; a
    one-line UsageError otherwise. Credentials in it are refused and never shown."""
    text = str(url).strip()
    if not text.isascii() or not text.isprintable() or any(c.isspace() for c in text):
        raise UsageError(
            f"{source}: holds a space, a control or a non-ASCII character; expected "
            "https://host[:port][/path] (an international name in its ASCII form)"
        )
    try:
        parts = urllib.parse.urlsplit(text)
    except ValueError as exc:
        raise UsageError(f"{source} {redact(text)!r}: not a URL ({exc})") from None
    try:
        port = parts.port
    except ValueError:
        raise UsageError(
            f"{source} {redact(text)!r}: the port is not a number from 1 to 65535"
        ) from None
    if parts.username is not None or parts.password is not None:
        register_secret(parts.password)
        register_secret(parts.username)
        raise UsageError(
            f"{source} carries credentials (user:password@, not shown): NetBox takes the "
            "token from NETBOX_TOKEN or the config file; remove them from the URL"
        )
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"{source} {redact(text)!r}: expected https://host[:port][/path], "
            "e.g. https://netbox.example.org"
        )
    if port == 0:
        raise UsageError(f"{source} {text!r}: the port is not a number from 1 to 65535")
    if parts.query or parts.fragment:
        raise UsageError(f"{source} {text!r}: expected no ?query or #fragment")
    return text.rstrip("/")


def load_settings(
    config: Path | None = None,
    *,
    ca_bundle: Path | None = None,
    insecure_http: bool = False,
    environ: Mapping[str, str] | None = None,
) -> NetBoxSettings:
    """Settings from the environment, falling back to the config file.

    The file (TOML) may hold `url`, `token`, `ca_bundle`, `verify` (true unless a
    lab server has no certificate), `page_size` and `timeout` (read timeout, s).
    A plain http:// URL is refused unless `insecure_http`: the token would travel
    unencrypted.
    """
    env = os.environ if environ is None else environ
    path = config or (Path(env["LSG_NETBOX_CONFIG"]) if env.get("LSG_NETBOX_CONFIG") else None)
    explicit = path is not None
    path = path or default_config_path()
    data: dict[str, Any] = {}
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read NetBox settings from {path}: {exc}") from None
    elif explicit:
        raise UsageError(f"NetBox config file {path} does not exist")
    url = env.get("NETBOX_URL") or data.get("url")
    token = env.get("NETBOX_TOKEN") or data.get("token")
    url_source = "NETBOX_URL" if env.get("NETBOX_URL") else f"'url' in {path}"
    token_source = "NETBOX_TOKEN" if env.get("NETBOX_TOKEN") else f"'token' in {path}"
    if token:
        register_secret(token)
    if not url:
        raise UsageError(f"NetBox URL not set: set NETBOX_URL or 'url' in {path}")
    if not token:
        raise UsageError(f"NetBox token not set: set NETBOX_TOKEN or 'token' in {path}")
    if not isinstance(token, str) or not isinstance(url, str):
        raise UsageError(f"NetBox settings in {path}: url and token must be strings")
    url = check_url(url, f"NetBox URL ({url_source})")
    token = check_token(token, f"the NetBox token ({token_source})")
    if url.startswith("http://") and not insecure_http:
        raise UsageError(
            f"NetBox URL {url} is plain http: the token would travel unencrypted; use "
            "https, or pass --insecure-http for a test server you trust"
        )
    bundle = str(ca_bundle) if ca_bundle else env.get("NETBOX_CA_BUNDLE") or data.get("ca_bundle")
    if bundle and not Path(bundle).is_file():
        raise UsageError(f"CA bundle {bundle} does not exist")
    try:
        page_size = int(data.get("page_size", DEFAULT_PAGE_SIZE))
        timeout = float(data.get("timeout", READ_TIMEOUT))
    except (TypeError, ValueError):
        raise UsageError(f"{path}: page_size and timeout must be numbers") from None
    return NetBoxSettings(
        url=url,
        token=token,
        ca_bundle=bundle or None,
        verify=bool(data.get("verify", True)),
        page_size=page_size,
        timeout=timeout,
    )
