"""The HTTP client against a tiny fake server on 127.0.0.1: the one-line errors,
the retries on 429/5xx, and that the token never shows in messages."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from lsg_infra.errors import (
    AuthenticationFailure,
    ConnectionFailure,
    NetBoxRequestFailed,
    RemoteError,
)
from lsg_infra.netbox import NetBoxSettings, connect
from lsg_infra.netbox.client import NetBoxClient
from lsg_infra.netbox.model import KINDS

TOKEN = "0123456789abcdef0123456789abcdef01234567"


class Handler(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, list[tuple[int, Any]]]] = {}
    seen: ClassVar[list[str]] = []

    def _answer(self) -> None:
        path = self.path.split("?")[0]
        self.seen.append(f"{self.command} {path}")
        answers = self.routes.get(path) or [(404, {"detail": "Not found."})]
        status, body = answers.pop(0) if len(answers) > 1 else answers[0]
        data = json.dumps(body).encode() if not isinstance(body, bytes) else body
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if status == 429:
            self.send_header("Retry-After", "0")
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_DELETE = _answer

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    Handler.routes = {}
    Handler.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


STATUS = {"netbox-version": "4.7.3"}
EMPTY: dict[str, Any] = {"count": 0, "next": None, "previous": None, "results": []}


def _settings(url: str) -> NetBoxSettings:
    return NetBoxSettings(url=url, token=TOKEN)


def test_connect_reports_version(server: str) -> None:
    Handler.routes = {"/api/status/": [(200, STATUS)], "/api/extras/tags/": [(200, EMPTY)]}
    client = connect(_settings(server))
    assert client.version == "4.7.3"
    assert TOKEN not in repr(client)


def test_unsupported_version(server: str) -> None:
    Handler.routes = {"/api/status/": [(200, {"netbox-version": "3.7.8"})]}
    with pytest.raises(RemoteError, match=r"NetBox 3\.7\.8 at .* is not supported"):
        connect(_settings(server))


def test_bad_token(server: str) -> None:
    Handler.routes = {"/api/status/": [(403, {"detail": "Invalid v1 token"})]}
    with pytest.raises(AuthenticationFailure) as info:
        connect(_settings(server))
    assert str(info.value) == f"NetBox at {server} refused the token (403: Invalid v1 token)"


def test_not_netbox(server: str) -> None:
    with pytest.raises(ConnectionFailure, match="does not look like a NetBox API"):
        connect(_settings(server))


def test_retries_on_429_and_503(server: str) -> None:
    Handler.routes = {
        "/api/status/": [(200, STATUS)],
        "/api/extras/tags/": [(429, {}), (503, {}), (200, EMPTY)],
    }
    client = NetBoxClient(_settings(server))
    assert client.read_all(KINDS["tags"], {"slug": "lsg-infra"}) == []
    assert Handler.seen.count("GET /api/extras/tags/") == 3


def test_validation_error_keeps_body(server: str) -> None:
    body = [{"serial": ["Ensure this field has no more than 50 characters."]}]
    Handler.routes = {"/api/dcim/devices/": [(400, body)]}
    client = NetBoxClient(_settings(server))
    with pytest.raises(NetBoxRequestFailed) as info:
        client.create(KINDS["devices"], [{"name": "x"}])
    assert info.value.status == 400 and info.value.body == body
    assert TOKEN not in str(info.value)
