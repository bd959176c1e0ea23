"""The NetBox client against a hostile or broken server: a real HTTP server on
127.0.0.1 (http.server in a thread) that drips, loops, floods, stalls, answers HTML
or reflects the token.

The limits are injected small (NetBoxSettings) and the answer deadline reads an
injected clock, so no test races the wall clock. Each call runs in a thread with a
generous bound (`finishes`): on the old code these calls hung, and a hang must fail
the test rather than stall the suite.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import ssl
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from lsg_infra import api
from lsg_infra.errors import ConnectionFailure, LsgError, RemoteError, UsageError
from lsg_infra.netbox import NetBoxSettings, load_settings
from lsg_infra.netbox.client import NetBoxClient, connect
from lsg_infra.netbox.model import KINDS

TOKEN = "0123456789abcdef0123456789abcdef01234567"
STATUS = {"netbox-version": "4.7.3"}
EMPTY: dict[str, Any] = {"count": 0, "next": None, "previous": None, "results": []}
DATA = Path(__file__).parent.parent / "data" / "netbox"
BOUND = 60.0  # seconds: far beyond what any of these calls needs, far below a hang


class Hostile(BaseHTTPRequestHandler):
    """Runs the test's `behave(handler)` for every request."""

    protocol_version = "HTTP/1.1"
    behave: ClassVar[Callable[[Hostile], None]]
    seen: ClassVar[list[str]] = []
    stop: ClassVar[threading.Event] = threading.Event()
    sent: ClassVar[list[int]] = []

    def _any(self) -> None:
        self.seen.append(f"{self.command} {self.path}")
        length = int(self.headers.get("Content-Length") or 0)
        self.request_body = self.rfile.read(length) if length else b""
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            type(self).behave(self)

    do_GET = do_POST = do_PATCH = do_DELETE = _any

    def log_message(self, *args: Any) -> None:
        pass

    def answer(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def server() -> Iterator[str]:
    Hostile.seen = []
    Hostile.sent = []
    Hostile.stop = threading.Event()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    Hostile.stop.set()
    httpd.shutdown()
    httpd.server_close()


def finishes(call: Callable[[], Any]) -> Any:
    """`call()`'s result or exception, failing the test if it does not return in BOUND s."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(BOUND)
    assert not thread.is_alive(), f"still waiting after {BOUND:g} s: the wait is not bounded"
    if "error" in box:
        raise box["error"]
    return box.get("value")


def client(url: str, **limits: Any) -> NetBoxClient:
    clock = limits.pop("clock", None)
    settings = NetBoxSettings(url=url, token=TOKEN, **limits)
    return NetBoxClient(settings, clock=clock) if clock else NetBoxClient(settings)


TAGS = KINDS["tags"]


# ------------------------------------------------------------------ bounded waits


def test_retry_after_is_capped(server: str) -> None:
    def behave(h: Hostile) -> None:
        if len(h.seen) == 1:
            h.answer(503, {"detail": "busy"}, {"Retry-After": "3600"})
        else:
            h.answer(200, EMPTY)

    Hostile.behave = behave
    nb = client(server, max_retry_after=0.05)
    assert finishes(lambda: nb.read_all(TAGS, {})) == []
    assert len(Hostile.seen) == 2


def test_next_link_pointing_to_itself_is_a_loop(server: str) -> None:
    def behave(h: Hostile) -> None:
        page = {"count": 9, "results": [{"id": 1}], "next": f"http://127.0.0.1{h.path}"}
        h.answer(200, page)

    Hostile.behave = behave
    with pytest.raises(RemoteError, match="loop"):
        finishes(lambda: client(server).read_all(TAGS, {"slug": "lsg-infra"}))
    assert len(Hostile.seen) <= 2


def test_next_links_going_round_two_pages_are_a_loop(server: str) -> None:
    def behave(h: Hostile) -> None:
        other = "offset=0&limit=1" if "offset=1" in h.path else "offset=1&limit=1"
        h.answer(200, {"count": 9, "results": [], "next": f"{server}/api/extras/tags/?{other}"})

    Hostile.behave = behave
    with pytest.raises(RemoteError, match="loop"):
        finishes(lambda: client(server).read_all(TAGS, {}))
    assert len(Hostile.seen) <= 4


def test_page_limit(server: str) -> None:
    def behave(h: Hostile) -> None:
        n = len(h.seen)
        h.answer(200, {"count": 10**9, "results": [], "next": f"{server}/x/?offset={n}"})

    Hostile.behave = behave
    with pytest.raises(RemoteError, match="more than 5 pages"):
        finishes(lambda: client(server, max_pages=5).read_all(TAGS, {}))
    assert len(Hostile.seen) == 5


def test_next_link_to_another_host_is_read_from_our_own(server: str) -> None:
    """NetBox behind a proxy may name an internal host; the token goes nowhere else."""

    def behave(h: Hostile) -> None:
        if "offset" in h.path:
            h.answer(200, {"count": 2, "results": [{"id": 2}], "next": None})
        else:
            nxt = "http://evil.example.invalid/api/extras/tags/?limit=1&offset=1"
            h.answer(200, {"count": 2, "results": [{"id": 1}], "next": nxt})

    Hostile.behave = behave
    assert finishes(lambda: client(server).read_all(TAGS, {})) == [{"id": 1}, {"id": 2}]
    assert Hostile.seen[1] == "GET /api/extras/tags/?limit=1&offset=1"


def test_declared_huge_body_is_refused_unread(server: str) -> None:
    def behave(h: Hostile) -> None:
        h.send_response(200)
        h.send_header("Content-Length", str(300 * 1024 * 1024))
        h.end_headers()
        h.wfile.write(b"{" * 1024)

    Hostile.behave = behave
    with pytest.raises(RemoteError, match="more than the 1,000,000"):
        finishes(lambda: client(server, max_body_bytes=1_000_000).read_all(TAGS, {}))


def test_endless_body_is_cut_at_the_cap(server: str) -> None:
    def behave(h: Hostile) -> None:
        h.send_response(200)
        h.send_header("Connection", "close")  # no length: the body ends when we close
        h.end_headers()
        chunk = b" " * 65536
        for _ in range(2000):  # 128 MB at most, in case the client never stops
            h.wfile.write(chunk)
            Hostile.sent.append(len(chunk))

    Hostile.behave = behave
    with pytest.raises(RemoteError, match="more than 1,000,000 bytes"):
        finishes(lambda: client(server, max_body_bytes=1_000_000).read_all(TAGS, {}))


class SteppingClock:
    """Each reading is one second later than the one before."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def test_slow_drip_hits_the_answer_deadline(server: str) -> None:
    def behave(h: Hostile) -> None:
        h.send_response(200)
        h.send_header("Content-Length", "100000")
        h.end_headers()
        h.wfile.flush()
        while not Hostile.stop.wait(0.01):  # one byte at a time, until the test ends
            h.wfile.write(b" ")
            h.wfile.flush()

    Hostile.behave = behave
    nb = client(server, deadline=30, clock=SteppingClock())
    with pytest.raises(RemoteError, match="did not finish its answer to reading tags within 30 s"):
        finishes(lambda: nb.read_all(TAGS, {}))


def test_slow_drip_of_the_headers_hits_the_answer_deadline(server: str) -> None:
    """A byte of the status line every 10 ms, for ever: the read timeout never trips,
    so only the answer deadline can end it (here 0.5 s; the drip never ends, so the
    outcome does not depend on how busy the machine is)."""

    def behave(h: Hostile) -> None:
        while not Hostile.stop.wait(0.01):
            h.wfile.write(b"X")
            h.wfile.flush()

    Hostile.behave = behave
    with pytest.raises(RemoteError, match=r"did not answer reading tags within 0\.5 s"):
        finishes(lambda: client(server, deadline=0.5).read_all(TAGS, {}))


def test_stalled_answer_hits_the_read_timeout(server: str) -> None:
    def behave(h: Hostile) -> None:
        Hostile.stop.wait(BOUND)  # accept, read the request, answer nothing

    Hostile.behave = behave
    with pytest.raises(ConnectionFailure, match="timed out"):
        finishes(lambda: client(server, timeout=0.2).read_all(TAGS, {}))


# ------------------------------------------------------------ nonsense mid-push


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (b"<html><body>502 Bad Gateway</body></html>", "an HTML page"),
        (b'{"id": 1, "name": ', "not valid JSON"),
    ],
)
def test_html_or_broken_json_mid_push_is_one_line(server: str, body: bytes, said: str) -> None:
    Hostile.behave = lambda h: h.answer(200, body)
    nb = client(server)
    with pytest.raises(RemoteError, match=said) as info:
        finishes(lambda: nb.create(KINDS["devices"], [{"name": "x"}]))
    assert "\n" not in str(info.value)
    with pytest.raises(RemoteError, match=said):
        finishes(lambda: nb.read_all(KINDS["devices"], {}))


def test_push_with_html_answers_is_one_error(server: str) -> None:
    """The sync over the real client: an LsgError, never an internal error."""
    from lsg_infra.netbox import push

    def behave(h: Hostile) -> None:
        if h.command == "GET":
            h.answer(200, EMPTY)
        else:
            h.answer(200, b"<html>maintenance</html>")

    Hostile.behave = behave
    [inv] = api.load_inventories([DATA / "inventory"], only=["rs-testgrad"])
    with pytest.raises(LsgError) as info:
        finishes(lambda: push([inv], client(server), apply_changes=True))
    assert "HTML page" in str(info.value) and "\n" not in str(info.value)


def test_created_objects_without_ids_are_an_error(server: str) -> None:
    Hostile.behave = lambda h: h.answer(201, [{"name": "x"}])
    with pytest.raises(RemoteError, match="other than the 1 object"):
        finishes(lambda: client(server).create(KINDS["devices"], [{"name": "x"}]))


# ------------------------------------------------------------------ secrets


def test_error_body_reflecting_the_token_is_shortened_and_redacted(server: str) -> None:
    reflected = {
        "detail": "bad request",
        "request": {"headers": {"Authorization": f"Token {TOKEN}"}},
        "trace": "x" * 10_000,
    }
    Hostile.behave = lambda h: h.answer(400, reflected)
    with pytest.raises(RemoteError) as info:
        finishes(lambda: client(server).update(KINDS["devices"], [{"id": 1}]))
    message = str(info.value)
    assert TOKEN not in message and TOKEN[:16] not in message
    assert len(message) < 400 and "\n" not in message


def test_html_error_page_reflecting_the_header_is_redacted(server: str) -> None:
    page = f"<html><pre>HTTP_AUTHORIZATION: Token {TOKEN}</pre>{'y' * 5000}</html>"
    Hostile.behave = lambda h: h.answer(500, page.encode())
    with pytest.raises(RemoteError) as info:
        finishes(lambda: client(server, max_retry_after=0).delete(KINDS["devices"], [1]))
    assert TOKEN not in str(info.value) and len(str(info.value)) < 400


# ------------------------------------------------------------ settings


def test_token_whitespace_stripped_and_used(server: str) -> None:
    def behave(h: Hostile) -> None:
        ok = h.headers.get("Authorization") == f"Token {TOKEN}"
        h.answer(200 if ok else 403, STATUS if ok else {"detail": "Invalid token"})

    Hostile.behave = behave
    settings = load_settings(
        None, insecure_http=True, environ={"NETBOX_URL": server, "NETBOX_TOKEN": f" {TOKEN}\r\n"}
    )
    assert settings.token == TOKEN
    assert finishes(lambda: connect(settings)).version == "4.7.3"


@pytest.mark.parametrize("token", [f"{TOKEN}\x00", f"abc\r\ndef{TOKEN}", f"{TOKEN[:-1]}é", "\t"])
def test_bad_token_refused_never_shown(token: str) -> None:
    env = {"NETBOX_URL": "https://nb.example.org", "NETBOX_TOKEN": token}
    with pytest.raises(UsageError) as info:
        load_settings(None, environ=env)
    assert "NETBOX_TOKEN" in str(info.value)
    assert TOKEN[:12] not in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("netbox.example.org", "expected https://host"),
        ("netbox.example.org:8443", "expected https://host"),
        ("https://netbox.example.org:99999", "port"),
        ("https://netbox.example.org:port", "port"),
        ("https://netbox.example.org:0", "port"),
        ("ftp://netbox.example.org", "expected https://host"),
        ("https://", "expected https://host"),
        ("https://admin:hunter2secret@netbox.example.org", "credentials"),
        ("http://netbox.example.org", "plain http"),
        ("https://[::1", "not a URL"),
        ("https://net box.example.org", "a space"),
        ("https://netbox.example.org/\x1b[2J", "a control"),
        ("https://нетбокс.срб", "non-ASCII"),
    ],
)
def test_bad_url_is_one_line_usage_error(url: str, said: str) -> None:
    with pytest.raises(UsageError, match=said) as info:
        load_settings(None, environ={"NETBOX_URL": url, "NETBOX_TOKEN": TOKEN})
    assert "hunter2secret" not in str(info.value) and "\n" not in str(info.value)


def test_http_accepted_with_insecure_http() -> None:
    env = {"NETBOX_URL": "http://127.0.0.1:8080/", "NETBOX_TOKEN": TOKEN}
    assert load_settings(None, insecure_http=True, environ=env).url == "http://127.0.0.1:8080"


def _lsg(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    import os

    full = {k: v for k, v in os.environ.items() if not k.startswith(("NETBOX_", "LSG_"))}
    return subprocess.run(
        [sys.executable, "-c", "from lsg_infra.cli.main import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**full, **env},
    )


@pytest.mark.parametrize(
    ("url", "token"),
    [
        ("netbox.example.org:80", TOKEN),
        ("https://netbox.example.org:99999", TOKEN),
        ("https://nb.example.org", f"{TOKEN}é"),
        ("https://nb.example.org", f"{TOKEN}\x1b[2J"),
        ("http://nb.example.org", TOKEN),
        ("https://u:hunter2secret@nb.example.org", TOKEN),
    ],
)
def test_cli_bad_settings_exit_2_in_one_line(url: str, token: str, tmp_path: Path) -> None:
    proc = _lsg("netbox", "check", env={"NETBOX_URL": url, "NETBOX_TOKEN": token})
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert TOKEN[:12] not in proc.stderr + proc.stdout
    assert "hunter2secret" not in proc.stderr


def test_cli_insecure_http_reaches_the_server(server: str) -> None:
    def behave(h: Hostile) -> None:
        h.answer(200, STATUS if "status" in h.path else EMPTY)

    Hostile.behave = behave
    env = {"NETBOX_URL": server, "NETBOX_TOKEN": TOKEN + "\r\n"}
    refused = _lsg("netbox", "check", env=env)
    assert refused.returncode == 2 and "--insecure-http" in refused.stderr
    proc = _lsg("netbox", "check", "--insecure-http", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "token accepted" in proc.stderr and TOKEN not in proc.stderr


# ------------------------------------------------------------ TLS: --ca-bundle wins


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_ca_bundle_wins_over_requests_ca_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = _self_signed(tmp_path)
    Hostile.seen = []
    Hostile.behave = lambda h: h.answer(200, STATUS if "status" in h.path else EMPTY)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        other = tmp_path / "other-ca.pem"
        import certifi

        shutil.copy(certifi.where(), other)  # a CA bundle that does not sign our server
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(other))
        env = {"NETBOX_URL": f"https://127.0.0.1:{httpd.server_address[1]}", "NETBOX_TOKEN": TOKEN}
        settings = load_settings(None, ca_bundle=cert, environ=env)
        assert finishes(lambda: connect(settings)).version == "4.7.3"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_missing_requests_ca_bundle_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """requests raises a plain OSError for a REQUESTS_CA_BUNDLE that names no file."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/nonexistent/ca.pem")
    nb = client("https://127.0.0.1:9")
    with pytest.raises(ConnectionFailure, match="CA certificate bundle"):
        finishes(lambda: nb.read_all(TAGS, {}))


@pytest.mark.parametrize(
    ("kind", "field", "value"),
    [
        ("devices", "site", "not-a-reference"),
        ("devices", "id", None),
        ("tenants", "custom_fields", ["a", "list"]),
        ("sites", "tenant", {"id": "seven"}),
    ],
)
def test_records_of_another_shape_are_one_line(kind: str, field: str, value: Any) -> None:
    """A record NetBox (or whatever answers in its place) sends in another shape."""
    from lsg_infra.netbox import pull

    records = json.loads((DATA / "records.json").read_text())
    records[kind][0][field] = value

    class Replay:
        page_size = 1000

        def read_all(self, k: Any, filters: Any) -> list[dict[str, Any]]:
            return list(records.get(k.name, []))

    with pytest.raises(RemoteError, match=r"cannot read|cannot turn") as info:
        pull(Replay())  # type: ignore[arg-type]
    assert "\n" not in str(info.value)
