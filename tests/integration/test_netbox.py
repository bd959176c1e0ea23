"""Push and pull against a real NetBox (the container from ci/netbox.sh).

Every test works on its own LSGs and removes them afterwards (push with nothing
and --prune), so the tests can share one server with other tests.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lsg_infra import api
from lsg_infra.errors import AuthenticationFailure, ConnectionFailure
from lsg_infra.model.inventory import Inventory
from lsg_infra.netbox import (
    ChunkFailed,
    NetBoxClient,
    NetBoxSettings,
    connect,
    pull,
    push,
    write_inventories,
)

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
TEST_DATA = ROOT / "tests" / "data" / "netbox" / "inventory"
SAMPLES = ROOT / "inventory"


def _field(netbox: Any, name: str) -> str:
    value = netbox[name] if isinstance(netbox, dict) else getattr(netbox, name)
    return str(value)


def _settings(netbox: Any, **overrides: Any) -> NetBoxSettings:
    url = _field(netbox, "url").rstrip("/")
    assert url.startswith(("http://127.0.0.1", "http://localhost", "https://127.0.0.1"))
    values = {"url": url, "token": _field(netbox, "token"), **overrides}
    return NetBoxSettings(**values)


class Requests:
    """Counts HTTP requests by method with a response hook on the client's session."""

    def __init__(self, client: NetBoxClient) -> None:
        self.counts: Counter[str] = Counter()
        client.session.hooks["response"].append(self._hook)

    def _hook(self, response: Any, *args: Any, **kwargs: Any) -> None:
        self.counts[response.request.method] += 1

    def writes(self) -> int:
        return sum(n for m, n in self.counts.items() if m != "GET")


def comparable(inv: Inventory) -> dict[str, Any]:
    """The inventory as data; virtual machines come back after physical devices."""
    doc = inv.model_dump(mode="json")
    doc["assets"].sort(key=lambda a: a["kind"] == "virtual-machine")
    return doc


def differences(a: Any, b: Any, path: str = "") -> list[str]:
    """Where two documents differ, as paths: a readable failure for a round trip."""
    if isinstance(a, dict) and isinstance(b, dict):
        out: list[str] = []
        for key in sorted(set(a) | set(b), key=str):
            out += differences(a.get(key), b.get(key), f"{path}.{key}")
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        pairs = enumerate(zip(a, b, strict=True))
        return [d for i, (x, y) in pairs for d in differences(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


@pytest.fixture
def client(netbox: Any) -> NetBoxClient:
    return connect(_settings(netbox))


def _cleanup(client: NetBoxClient, ids: list[str]) -> None:
    push([], client, apply_changes=True, prune=True, scope=ids)


@pytest.fixture
def samples(client: NetBoxClient) -> Iterator[list[Inventory]]:
    invs = api.load_inventories([SAMPLES]) + api.load_inventories([TEST_DATA])
    ids = [inv.id for inv in invs]
    _cleanup(client, ids)
    yield invs
    _cleanup(client, ids)


def test_push_pull_round_trip(
    client: NetBoxClient, samples: list[Inventory], tmp_path: Path
) -> None:
    ids = [inv.id for inv in samples]
    result = push(samples, client, apply_changes=True, scope=ids)
    assert result.applied > 0
    back = pull(client, ids)
    got, want = [comparable(i) for i in back], [comparable(i) for i in samples]
    assert got == want, differences(got, want)[:10]
    # and through files, as `lsg netbox pull --out` writes them
    write_inventories(back, tmp_path)
    again = api.load_inventories([tmp_path])  # sorted by id
    by_id = sorted(samples, key=lambda i: i.id)
    got, want = [comparable(i) for i in again], [comparable(i) for i in by_id]
    assert got == want, differences(got, want)[:10]


def test_second_push_sends_no_writes(client: NetBoxClient, samples: list[Inventory]) -> None:
    ids = [inv.id for inv in samples]
    push(samples, client, apply_changes=True, scope=ids)
    counter = Requests(client)
    result = push(samples, client, apply_changes=True, scope=ids)
    assert result.change_set.changes == ()
    assert counter.writes() == 0
    assert counter.counts["GET"] >= 18  # one read per object kind, nothing per object


def test_changing_one_asset_updates_only_it(client: NetBoxClient, samples: list[Inventory]) -> None:
    ids = [inv.id for inv in samples]
    push(samples, client, apply_changes=True, scope=ids)
    changed = []
    for inv in samples:
        if inv.id == "rs-testgrad":
            assets = [
                a.model_copy(update={"ram_gb": 128.0}) if a.id == "srv-01" else a
                for a in inv.assets
            ]
            inv = inv.model_copy(update={"assets": assets})
        changed.append(inv)
    counter = Requests(client)
    result = push(changed, client, apply_changes=True, scope=ids)
    assert [(c.kind, c.key, c.action) for c in result.change_set.changes] == [
        ("devices", ("rs-testgrad", "srv-01"), "update")
    ]
    assert counter.counts == Counter({"GET": counter.counts["GET"], "PATCH": 1})
    [back] = pull(client, ["rs-testgrad"])
    assert next(a for a in back.assets if a.id == "srv-01").ram_gb == 128.0


def test_validation_error_names_object_and_field(
    client: NetBoxClient, samples: list[Inventory]
) -> None:
    [malo] = [inv for inv in samples if inv.id == "me-malo"]
    bad_asset = malo.assets[0].model_copy(update={"serial": "S" * 120})
    bad = malo.model_copy(update={"assets": [bad_asset]})
    with pytest.raises(ChunkFailed) as info:
        push([bad], client, apply_changes=True, scope=["me-malo"])
    message = str(info.value)
    assert "\n" not in message
    assert "device me-malo/laptop#1" in message
    assert "serial" in message
    # what was written before the failing chunk is consistent: a fixed push completes
    push([malo], client, apply_changes=True, scope=["me-malo"])
    assert push([malo], client, scope=["me-malo"]).change_set.changes == ()


def test_wrong_token_is_one_line(netbox: Any) -> None:
    with pytest.raises(AuthenticationFailure) as info:
        connect(_settings(netbox, token="0" * 40))
    assert "\n" not in str(info.value)
    assert "0" * 40 not in str(info.value)
    assert "refused the token" in str(info.value)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_url_is_one_line() -> None:
    port = _closed_port()
    settings = NetBoxSettings(url=f"http://127.0.0.1:{port}", token="0" * 40)
    with pytest.raises(ConnectionFailure) as info:
        connect(settings)
    assert str(info.value) == f"cannot reach NetBox at http://127.0.0.1:{port}: connection refused"


@pytest.mark.parametrize("case", ["token", "url"])
def test_cli_errors_are_one_line(netbox: Any, case: str) -> None:
    secret = "f" * 40
    env = {**os.environ, "NETBOX_URL": _field(netbox, "url"), "NETBOX_TOKEN": secret}
    if case == "url":
        env["NETBOX_URL"] = f"http://127.0.0.1:{_closed_port()}"
    env.pop("LSG_DEBUG", None)
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from lsg_infra.cli.main import main; main()",
            "netbox",
            "check",
            "--insecure-http",  # the test NetBox serves plain http on 127.0.0.1
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 1, proc.stderr
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ")
    assert secret not in proc.stderr + proc.stdout
