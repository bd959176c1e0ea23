"""Talking to NetBox over HTTP: the session (TLS, retries, timeouts), bounded reads, errors.

Settings (URL, token, CA bundle, limits) come from `netbox.settings`. The token is
never part of a message, a log line or a repr: every error body NetBox (or a proxy
in front of it) sends is shortened and redacted before it becomes part of a message.

Every wait is bounded, whatever the server does: connect and read timeouts, a
deadline for a whole answer (a server that sends one byte every few seconds never
trips a read timeout), a cap on Retry-After, a cap on the size of an answer (read
in chunks, never whole), and a page limit with loop detection for pagination.
Every HTTP failure becomes one of the errors in lsg_infra.errors with a
one-line message.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from lsg_infra.errors import (
    AuthenticationFailure,
    ConnectionFailure,
    NetBoxRequestFailed,
    RemoteError,
)
from lsg_infra.netbox.model import Kind
from lsg_infra.netbox.settings import MAX_RETRY_AFTER, NetBoxSettings
from lsg_infra.redact import redact, register_secret

log = logging.getLogger(__name__)

SUPPORTED = ((4, 2), (5, 0))
"""NetBox versions from 4.2 (site terminations of circuits) up to, not including, 5.0."""
RETRY_STATUS = (429, 500, 502, 503, 504)
ERROR_BODY_CHARS = 200
"""Characters of an error body quoted in a message."""
CHUNK = 64 * 1024
V2_TOKEN_PREFIX = "nbt_"  # noqa: S105 - NetBox 4.5+ token format (nbt_<id>.<secret>), not a token


class _CappedRetry(Retry):
    """urllib3's Retry with a ceiling on Retry-After: `Retry-After: 3600` must not
    stall a push for an hour."""

    max_retry_after: float = MAX_RETRY_AFTER

    def get_retry_after(self, response: Any) -> float | None:
        value = super().get_retry_after(response)
        return None if value is None else min(value, self.max_retry_after)

    def new(self, **kwargs: Any) -> _CappedRetry:
        retry = super().new(**kwargs)
        retry.max_retry_after = self.max_retry_after
        return retry


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


class NetBoxClient:
    """An authenticated connection to one NetBox; implements the sync's Transport.

    `requests` counts HTTP requests by method (after retries: one per attempt is
    not counted, one per call is). `clock` measures the answer deadline; tests may
    give their own.
    """

    def __init__(
        self,
        settings: NetBoxSettings,
        session: requests.Session | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.url = settings.url
        self.page_size = settings.page_size
        self.requests: Counter[str] = Counter()
        self.version = ""
        self.clock = clock
        register_secret(settings.token)
        self.session = session or requests.Session()
        # Passed with every request: requests lets REQUESTS_CA_BUNDLE override a
        # session's verify, but never a request's own (--ca-bundle must win).
        self._verify: str | bool = settings.ca_bundle or settings.verify
        self.session.verify = self._verify
        retry = _CappedRetry(
            total=5,
            connect=0,  # a refused connection is not transient enough to wait for
            read=0,
            status=5,
            backoff_factor=0.5,
            backoff_max=settings.max_retry_after,
            status_forcelist=RETRY_STATUS,
            allowed_methods=None,
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        retry.max_retry_after = settings.max_retry_after
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.hooks["response"].append(self._count)
        self._base = urllib.parse.urlsplit(settings.url)

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
        status = self._call("GET", "status", what="status")
        if not isinstance(status, Mapping) or "netbox-version" not in status:
            raise ConnectionFailure(f"{self.url} does not look like a NetBox API (no version)")
        version = str(status["netbox-version"])
        self.version = version
        parts = tuple(int(p) for p in version.split("-")[0].split(".")[:2] if p.isdigit())
        low, high = SUPPORTED
        if not (low <= parts < high):
            raise RemoteError(
                f"NetBox {redact(version)[:40]} at {self.url} is not supported; lsg-infra "
                f"needs NetBox {low[0]}.{low[1]} or later, before {high[0]}.0"
            )
        # /api/status/ may be open to anonymous users; this call proves the token works.
        self._call("GET", "extras/tags", what="token check", params={"limit": 1})
        return version

    # ------------------------------------------------------------------ transport

    def _headers(self) -> dict[str, str]:
        token = self.settings.token
        v2 = token.startswith(V2_TOKEN_PREFIX) and "." in token[len(V2_TOKEN_PREFIX) :]
        return {
            "Accept": "application/json",
            "Authorization": f"{'Bearer' if v2 else 'Token'} {token}",
        }

    def _send(
        self,
        method: str,
        url: str,
        *,
        what: str,
        params: Mapping[str, Any] | None = None,
        data: Any = None,
    ) -> tuple[int, bytes]:
        """One request; its status and the body, read in chunks within the limits."""
        s = self.settings
        started = self.clock()
        try:
            response = self._open(
                what,
                method,
                url,
                params=dict(params) if params else None,
                json=data,
                headers=self._headers(),
                stream=True,
                timeout=(s.connect_timeout, s.timeout),
                verify=self._verify,
                allow_redirects=False,  # the token must not follow a redirect elsewhere
            )
            try:
                body = self._read_body(response, started, what)
            finally:
                response.close()
        except requests.exceptions.SSLError:
            raise ConnectionFailure(
                f"TLS verification failed for {self.url}; pass --ca-bundle with the CA "
                "that signed its certificate"
            ) from None
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            raise ConnectionFailure(
                f"cannot reach NetBox at {self.url}: {_short_reason(exc)}"
            ) from None
        except requests.exceptions.RequestException as exc:
            raise ConnectionFailure(
                f"NetBox at {self.url}: {what} failed: {type(exc).__name__}"
            ) from None
        except OSError as exc:  # requests' own: REQUESTS_CA_BUNDLE names no file, say
            reason = " ".join(redact(str(exc)).split())[:200] or type(exc).__name__
            raise ConnectionFailure(f"NetBox at {self.url}: {what} failed: {reason}") from None
        return response.status_code, body

    def _open(self, what: str, method: str, url: str, **kwargs: Any) -> requests.Response:
        """`session.request` up to the end of the headers, waited for at most the answer
        deadline: a server that drips its status line and headers a byte at a time
        never trips the read timeout, and requests has no overall limit. The request
        runs in a daemon thread; one still running at the deadline is abandoned (the
        command ends with this error, and the thread with the process)."""
        box: dict[str, Any] = {}

        def run() -> None:
            try:
                box["response"] = self.session.request(method, url, **kwargs)
            except BaseException as exc:  # handed to the caller's thread below
                box["error"] = exc

        thread = threading.Thread(target=run, name="lsg-netbox-request", daemon=True)
        thread.start()
        thread.join(self.settings.deadline)
        if thread.is_alive():
            raise RemoteError(
                f"NetBox at {self.url} did not answer {what} within "
                f"{self.settings.deadline:g} s (it sends too slowly)"
            )
        if "error" in box:
            raise box["error"]
        response: requests.Response = box["response"]
        return response

    def _read_body(self, response: requests.Response, started: float, what: str) -> bytes:
        s = self.settings
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > s.max_body_bytes:
            raise RemoteError(
                f"NetBox at {self.url} answered {what} with {int(declared):,} bytes, more than "
                f"the {s.max_body_bytes:,} lsg-infra reads; lower page_size"
            )
        body = bytearray()
        while True:
            if self.clock() - started > s.deadline:
                raise RemoteError(
                    f"NetBox at {self.url} did not finish its answer to {what} within "
                    f"{s.deadline:g} s (it sends too slowly)"
                )
            # read1: what has arrived (up to CHUNK), so the deadline is checked often
            chunk = response.raw.read1(CHUNK, decode_content=True)
            if not chunk:
                return bytes(body)
            body += chunk
            if len(body) > s.max_body_bytes:
                raise RemoteError(
                    f"NetBox at {self.url} answered {what} with more than "
                    f"{s.max_body_bytes:,} bytes; lsg-infra stops reading there"
                )

    def _json(self, status: int, body: bytes, what: str) -> Any:
        if status >= 300:
            raise self._http_error(status, body, what)
        if not body.strip():
            return None
        try:
            return json.loads(body)
        except (ValueError, RecursionError):
            kind = "an HTML page" if body.lstrip()[:1] == b"<" else "not valid JSON"
            raise RemoteError(
                f"NetBox at {self.url} answered {what} with {kind} (a proxy or a login "
                "page in front of NetBox?)"
            ) from None

    def _call(
        self,
        method: str,
        path: str,
        data: Any = None,
        *,
        what: str,
        params: Mapping[str, Any] | None = None,
    ) -> Any:
        status, body = self._send(
            method, f"{self.url}/api/{path}/", what=what, params=params, data=data
        )
        if status == 404 and what == "status":
            raise ConnectionFailure(
                f"{self.url} does not look like a NetBox API (HTTP 404 at /api/status/)"
            )
        try:
            return self._json(status, body, what)
        except RemoteError as exc:
            if what == "status" and not isinstance(exc, NetBoxRequestFailed):
                raise ConnectionFailure(
                    f"{self.url} does not look like a NetBox API (answer to status is not JSON)"
                ) from None
            raise

    def _http_error(self, status: int, raw: bytes, what: str) -> LsgErrorLike:
        text = raw[:MAX_ERROR_BYTES].decode("utf-8", errors="replace")
        try:
            body: Any = json.loads(text)
        except (ValueError, RecursionError):
            body = _shorten(text)
        detail = body.get("detail") if isinstance(body, Mapping) else None
        detail = _shorten(str(detail), 120) if detail is not None else None
        if status in (401, 403) and what in ("status", "token check"):
            return AuthenticationFailure(
                f"NetBox at {self.url} refused the token ({status}: {detail or 'forbidden'})"
            )
        if status in (401, 403):
            return AuthenticationFailure(
                f"NetBox at {self.url} refused {what} ({status}: {detail or 'permission denied'})"
            )
        if status in RETRY_STATUS:
            return NetBoxRequestFailed(
                f"NetBox at {self.url} answered HTTP {status} to {what} after retries", status, body
            )
        if 300 <= status < 400:
            return NetBoxRequestFailed(
                f"NetBox at {self.url} redirected {what} (HTTP {status}); give the URL it "
                "redirects to (https?) as NETBOX_URL",
                status,
                body,
            )
        return NetBoxRequestFailed(
            f"NetBox rejected {what} (HTTP {status}): {_shorten(str(body))}", status, body
        )

    def read_all(self, kind: Kind, filters: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Every object of `kind` matching `filters`, page by page.

        Only the query of NetBox's `next` link is followed, on our own URL: a NetBox
        behind a proxy may name an internal host there, and the token must not go
        anywhere but the URL it was given for.
        """
        what = f"reading {kind.label}s"
        url = f"{self.url}/api/{kind.path}/"
        params: Mapping[str, Any] | None = {**filters, "limit": self.page_size}
        seen: set[str] = set()
        results: list[dict[str, Any]] = []
        for _ in range(self.settings.max_pages):
            status, body = self._send("GET", url, what=what, params=params)
            page = self._json(status, body, what)
            if not (isinstance(page, Mapping) and isinstance(page.get("results"), list)):
                raise RemoteError(f"NetBox at {self.url} answered {what} with no list of results")
            results.extend(r for r in page["results"] if isinstance(r, dict))
            next_link = page.get("next")
            if not next_link:
                return results
            if not isinstance(next_link, str):
                raise RemoteError(f"NetBox at {self.url} answered {what} with a bad next link")
            query = urllib.parse.urlsplit(next_link).query
            key = "&".join(sorted(query.split("&")))
            if key in seen or (params is not None and not seen and _same_query(params, key)):
                raise RemoteError(
                    f"NetBox at {self.url} sent {what} round in a loop (its next page is "
                    "one already read); stopped"
                )
            seen.add(key)
            url = f"{self.url}/api/{kind.path}/?{query}"
            params = None
        raise RemoteError(
            f"NetBox at {self.url} sent more than {self.settings.max_pages:,} pages for "
            f"{what}; stopped"
        )

    def create(self, kind: Kind, objects: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        what = f"creating {kind.label}s"
        result = self._call("POST", kind.path, list(objects), what=what)
        created = result if isinstance(result, list) else [result]
        if len(created) != len(objects) or not all(
            isinstance(r, dict) and isinstance(r.get("id"), int) for r in created
        ):
            raise RemoteError(
                f"NetBox at {self.url} answered {what} with something other than the "
                f"{len(objects)} object(s) created"
            )
        return created

    def update(self, kind: Kind, objects: Sequence[Mapping[str, Any]]) -> None:
        self._call("PATCH", kind.path, list(objects), what=f"updating {kind.label}s")

    def delete(self, kind: Kind, ids: Sequence[int]) -> None:
        self._call("DELETE", kind.path, [{"id": i} for i in ids], what=f"deleting {kind.label}s")


MAX_ERROR_BYTES = 64 * 1024
"""Bytes of an error body parsed for its details (NetBox's validation errors)."""


def _shorten(text: str, limit: int = ERROR_BODY_CHARS) -> str:
    """One line of at most `limit` characters, with secrets and credentials masked."""
    line = " ".join(redact(text).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _same_query(params: Mapping[str, Any], key: str) -> bool:
    first = urllib.parse.urlencode(sorted((k, str(v)) for k, v in params.items()))
    return "&".join(sorted(first.split("&"))) == key


LsgErrorLike = AuthenticationFailure | ConnectionFailure | NetBoxRequestFailed


def connect(settings: NetBoxSettings) -> NetBoxClient:
    """A checked connection: URL reachable, token accepted, version supported."""
    client = NetBoxClient(settings)
    client.connect()
    log.debug("connected to NetBox %s at %s", client.version, client.url)
    return client
