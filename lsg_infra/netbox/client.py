"""Talking to NetBox: settings, the HTTP session (TLS, retries, timeouts), errors.

The URL and token come from NETBOX_URL / NETBOX_TOKEN or a TOML file
(~/.config/lsg-infra/netbox.toml), never from a command-line argument, so the
token stays out of shell history and process lists. The token is never part of
a message, a log line or a repr. Every HTTP failure becomes one of the errors in
lsg_infra.errors with a one-line message.
"""

from __future__ import annotations

import logging
import os
import tomllib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pynetbox
import requests
from pynetbox.core.query import ContentError, Request, RequestError
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from lsg_infra.errors import (
    AuthenticationFailure,
    ConnectionFailure,
    NetBoxRequestFailed,
    RemoteError,
    UsageError,
)
from lsg_infra.netbox.model import Kind

log = logging.getLogger(__name__)

DEFAULT_PAGE_SIZE = 1000
"""NetBox's default MAX_PAGE_SIZE; bulk writes and reads use chunks of this size."""
SUPPORTED = ((4, 2), (5, 0))
"""NetBox versions from 4.2 (site terminations of circuits) up to, not including, 5.0."""
RETRY_STATUS = (429, 500, 502, 503, 504)


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
    timeout: float = 300.0


def load_settings(
    config: Path | None = None,
    *,
    ca_bundle: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> NetBoxSettings:
    """Settings from the environment, falling back to the config file.

    The file (TOML) may hold `url`, `token`, `ca_bundle`, `verify` (true unless a
    lab server has no certificate) and `page_size`.
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
    if not url:
        raise UsageError(f"NetBox URL not set: set NETBOX_URL or 'url' in {path}")
    if not token:
        raise UsageError(f"NetBox token not set: set NETBOX_TOKEN or 'token' in {path}")
    bundle = str(ca_bundle) if ca_bundle else env.get("NETBOX_CA_BUNDLE") or data.get("ca_bundle")
    if bundle and not Path(bundle).is_file():
        raise UsageError(f"CA bundle {bundle} does not exist")
    return NetBoxSettings(
        url=str(url).rstrip("/"),
        token=str(token),
        ca_bundle=bundle or None,
        verify=bool(data.get("verify", True)),
        page_size=int(data.get("page_size", DEFAULT_PAGE_SIZE)),
    )


class _TimeoutAdapter(HTTPAdapter):
    """requests has no default timeout; a hung server must not hang a push forever."""

    def __init__(self, timeout: float, **kwargs: Any) -> None:
        self.timeout = timeout
        super().__init__(**kwargs)

    def send(self, request: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = (10.0, self.timeout)
        return super().send(request, **kwargs)


def _short_reason(exc: BaseException) -> str:
    text = str(exc)
    for needle, reason in (
        ("Connection refused", "connection refused"),
        ("Name or service not known", "unknown host"),
        ("nodename nor servname", "unknown host"),
        ("timed out", "timed out"),
        ("Connection reset", "connection reset"),
        ("No route to host", "no route to host"),
    ):
        if needle in text:
            return reason
    return type(exc).__name__


def _body(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text[:200]


class NetBoxClient:
    """An authenticated connection to one NetBox; implements the sync's Transport.

    `requests` counts HTTP requests by method (after retries: one per attempt is
    not counted, one per call is).
    """

    def __init__(self, settings: NetBoxSettings, session: requests.Session | None = None) -> None:
        self.settings = settings
        self.url = settings.url
        self.page_size = settings.page_size
        self.requests: Counter[str] = Counter()
        self.version = ""
        self.api = pynetbox.api(settings.url, token=settings.token)
        self.session = session or requests.Session()
        self.session.verify = settings.ca_bundle or settings.verify
        retry = Retry(
            total=5,
            connect=0,  # a refused connection is not transient enough to wait for
            read=0,
            status=5,
            backoff_factor=0.5,
            status_forcelist=RETRY_STATUS,
            allowed_methods=None,
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        adapter = _TimeoutAdapter(settings.timeout, max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.hooks["response"].append(self._count)
        self.api.http_session = self.session

    def __repr__(self) -> str:
        return f"NetBoxClient(url={self.url!r}, version={self.version!r})"

    def writes(self) -> int:
        """HTTP requests other than GET made so far."""
        return sum(n for method, n in self.requests.items() if method != "GET")

    def _count(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.requests[str(response.request.method)] += 1

    # ------------------------------------------------------------ connection check

    def connect(self) -> str:
        """Check URL, token and version; returns the NetBox version ("4.7.3")."""
        status = self._call("get", "status", None, what="status")
        if not isinstance(status, Mapping) or "netbox-version" not in status:
            raise ConnectionFailure(f"{self.url} does not look like a NetBox API (no version)")
        version = str(status["netbox-version"])
        self.version = version
        parts = tuple(int(p) for p in version.split("-")[0].split(".")[:2] if p.isdigit())
        low, high = SUPPORTED
        if not (low <= parts < high):
            raise RemoteError(
                f"NetBox {version} at {self.url} is not supported; lsg-infra needs NetBox "
                f"{low[0]}.{low[1]} or later, before {high[0]}.0"
            )
        # /api/status/ may be open to anonymous users; this call proves the token works.
        self._call("get", "extras/tags", None, what="token check", params={"limit": 1})
        return version

    # ------------------------------------------------------------------ transport

    def _request(self, path: str, **kwargs: Any) -> Request:
        return Request(
            base=f"{self.url}/api/{path}/",
            token=self.settings.token,
            http_session=self.session,
            **kwargs,
        )

    def _call(
        self,
        verb: str,
        path: str,
        data: Any,
        *,
        what: str,
        params: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            if verb == "get":
                return self._request(path)._make_call(add_params=dict(params or {}) or None)
            req = self._request(path)
            return getattr(req, verb)(data)
        except requests.exceptions.SSLError:
            raise ConnectionFailure(
                f"TLS verification failed for {self.url}; pass --ca-bundle with the CA "
                "that signed its certificate"
            ) from None
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            raise ConnectionFailure(
                f"cannot reach NetBox at {self.url}: {_short_reason(exc)}"
            ) from None
        except ContentError:
            raise ConnectionFailure(
                f"{self.url} does not look like a NetBox API (answer to {what} is not JSON)"
            ) from None
        except RequestError as exc:
            raise self._http_error(exc.req, what) from None

    def _http_error(self, response: requests.Response, what: str) -> LsgErrorLike:
        status = response.status_code
        body = _body(response)
        detail = body.get("detail") if isinstance(body, Mapping) else None
        if status in (401, 403) and what in ("status", "token check"):
            return AuthenticationFailure(
                f"NetBox at {self.url} refused the token ({status}: {detail or 'forbidden'})"
            )
        if status == 404 and what == "status":
            return ConnectionFailure(
                f"{self.url} does not look like a NetBox API (HTTP 404 at /api/status/)"
            )
        if status in (401, 403):
            return AuthenticationFailure(
                f"NetBox at {self.url} refused {what} ({status}: {detail or 'permission denied'})"
            )
        if status in RETRY_STATUS:
            return NetBoxRequestFailed(
                f"NetBox at {self.url} answered HTTP {status} to {what} after retries", status, body
            )
        text = " ".join(str(body).split())
        short = text if len(text) <= 200 else text[:197] + "..."
        return NetBoxRequestFailed(f"NetBox rejected {what} (HTTP {status}): {short}", status, body)

    def read_all(self, kind: Kind, filters: Mapping[str, Any]) -> list[dict[str, Any]]:
        params = {**filters, "limit": self.page_size}
        try:
            req = self._request(kind.path, filters=dict(params), limit=self.page_size)
            return list(req.get())
        except requests.exceptions.SSLError:
            raise ConnectionFailure(f"TLS verification failed for {self.url}") from None
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            raise ConnectionFailure(
                f"cannot reach NetBox at {self.url}: {_short_reason(exc)}"
            ) from None
        except RequestError as exc:
            raise self._http_error(exc.req, f"reading {kind.label}s") from None

    def create(self, kind: Kind, objects: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        result = self._call("post", kind.path, list(objects), what=f"creating {kind.label}s")
        return list(result) if isinstance(result, list) else [result]

    def update(self, kind: Kind, objects: Sequence[Mapping[str, Any]]) -> None:
        self._call("patch", kind.path, list(objects), what=f"updating {kind.label}s")

    def delete(self, kind: Kind, ids: Sequence[int]) -> None:
        self._call("delete", kind.path, [{"id": i} for i in ids], what=f"deleting {kind.label}s")


LsgErrorLike = AuthenticationFailure | ConnectionFailure | NetBoxRequestFailed


def connect(settings: NetBoxSettings) -> NetBoxClient:
    """A checked connection: URL reachable, token accepted, version supported."""
    client = NetBoxClient(settings)
    client.connect()
    log.debug("connected to NetBox %s at %s", client.version, client.url)
    return client
