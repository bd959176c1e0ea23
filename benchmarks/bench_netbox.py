"""Benchmark of `lsg netbox push`: bulk requests against one request per object.

Generates 250 LSGs with `lsg sample generate` (by default 40 assets each: about
12,000 NetBox objects; `--assets-per-lsg 400` gives about 100,000), then on a
real NetBox (127.0.0.1 only):

1. baseline: into an empty NetBox (no object of these LSGs), the objects created
   one POST each, the way per-object Ansible modules (netbox.netbox.netbox_device
   ...) work (they also look each object up first, which the baseline leaves out
   in its favour); then deleted again;
2. bulk push into the same empty NetBox: time, HTTP requests;
3. the same push again, with no change: time, requests, and writes (must be 0).

Reference objects (tag, custom fields, regions, manufacturers ...) are created by
the first run against a NetBox and kept, so both methods find them in place.

Goals: at least 20x fewer requests and 5x less time than the baseline; a re-push
with no change makes no writes. Exit code 1 when a goal is missed.

NetBox comes from NETBOX_URL / NETBOX_TOKEN, or else `ci/netbox.sh up` (and
`down` at the end). `--baseline-sample N` times the baseline on the first N
objects only and says so (for quick runs; the figures are then extrapolated).

    .venv/bin/python benchmarks/bench_netbox.py --json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from lsg_infra import api
from lsg_infra.netbox import (
    NetBoxClient,
    NetBoxSettings,
    apply,
    change_set,
    connect,
    push,
    read_state,
)
from lsg_infra.netbox.model import ChangeSet
from lsg_infra.netbox.to_netbox import desired_state

ROOT = Path(__file__).resolve().parents[1]
GOAL_REQUESTS = 20.0
GOAL_TIME = 5.0


def generate(out: Path, lsgs: int, assets_per_lsg: int, seed: int) -> None:
    lsg = Path(sys.executable).with_name("lsg")
    command = [str(lsg)] if lsg.exists() else [sys.executable, "-m", "lsg_infra.cli.main"]
    subprocess.run(
        [
            *command,
            "sample",
            "generate",
            "--lsgs",
            str(lsgs),
            "--assets-per-lsg",
            str(assets_per_lsg),
            "--seed",
            str(seed),
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )


def _check_local(url: str) -> None:
    host = urlparse(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"refusing to benchmark against {host}: only 127.0.0.1 is allowed")


@contextmanager
def netbox_settings() -> Iterator[NetBoxSettings]:
    url, token = os.environ.get("NETBOX_URL"), os.environ.get("NETBOX_TOKEN")
    if url and token:
        _check_local(url)
        yield NetBoxSettings(url=url.rstrip("/"), token=token)
        return
    script = ROOT / "ci" / "netbox.sh"
    if not script.exists():
        raise SystemExit("set NETBOX_URL and NETBOX_TOKEN, or provide ci/netbox.sh")
    proc = subprocess.run(["bash", str(script), "up"], check=True, capture_output=True, text=True)
    state = _state_from(proc.stdout)
    try:
        _check_local(state["url"])
        yield NetBoxSettings(url=str(state["url"]).rstrip("/"), token=str(state["token"]))
    finally:
        subprocess.run(["bash", str(script), "down"], check=False, capture_output=True)


def _state_from(stdout: str) -> dict[str, Any]:
    text = stdout.strip()
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.endswith(".json") and Path(line).is_file():
            return dict(json.loads(Path(line).read_text()))
    return dict(json.loads(text))


def _wipe(client: NetBoxClient, ids: list[str]) -> int:
    result = push([], client, apply_changes=True, prune=True, scope=ids)
    return result.applied


def _timed_push(client: NetBoxClient, invs: list[Any], ids: list[str]) -> dict[str, Any]:
    before = client.requests.copy()
    started = time.perf_counter()
    result = push(invs, client, apply_changes=True, scope=ids)
    seconds = time.perf_counter() - started
    used = client.requests - before
    return {
        "objects_written": result.applied,
        "requests": sum(used.values()),
        "writes": sum(n for m, n in used.items() if m != "GET"),
        "by_method": dict(used),
        "seconds": round(seconds, 2),
    }


def _baseline(
    client: NetBoxClient, invs: list[Any], ids: list[str], sample: int | None
) -> dict[str, Any]:
    current = read_state(client, ids)
    full = change_set(desired_state(invs), current)
    changes = full if sample is None else ChangeSet(full.changes[:sample], full.unchanged)
    before = client.requests.copy()
    started = time.perf_counter()
    written = apply(changes, client, current, chunk_size=1)
    seconds = time.perf_counter() - started
    used = client.requests - before
    row = {
        "objects_written": written,
        "requests": sum(used.values()),
        "seconds": round(seconds, 2),
        "sampled": sample is not None,
    }
    if sample is not None and written:
        factor = len(full.changes) / written
        row["extrapolated_requests"] = round(row["requests"] * factor)
        row["extrapolated_seconds"] = round(seconds * factor, 2)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lsgs", type=int, default=250)
    parser.add_argument("--assets-per-lsg", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--baseline-sample", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="Leave the objects in NetBox.")
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lsg-bench-netbox-") as tmp:
        generate(Path(tmp), args.lsgs, args.assets_per_lsg, args.seed)
        invs = api.load_inventories([Path(tmp)])
    ids = [inv.id for inv in invs]
    objects = sum(len(v) for v in desired_state(invs).values())
    with netbox_settings() as settings:
        client = connect(replace(settings))
        _wipe(client, ids)
        # The baseline first, into the empty NetBox, then removed again; then the
        # bulk push into the same empty NetBox.
        baseline = _baseline(client, invs, ids, args.baseline_sample)
        _wipe(client, ids)
        bulk = _timed_push(client, invs, ids)
        again = _timed_push(client, invs, ids)
        if not args.keep:
            _wipe(client, ids)
        version = client.version
    base_requests = baseline.get("extrapolated_requests", baseline["requests"])
    base_seconds = baseline.get("extrapolated_seconds", baseline["seconds"])
    request_ratio = base_requests / bulk["requests"] if bulk["requests"] else 0.0
    time_ratio = base_seconds / bulk["seconds"] if bulk["seconds"] else 0.0
    result = {
        "benchmark": "netbox",
        "netbox_version": version,
        "lsgs": len(invs),
        "asset_records": sum(len(i.assets) for i in invs),
        "netbox_objects": objects,
        "bulk_push": bulk,
        "repush_no_change": again,
        "baseline_one_request_per_object": baseline,
        "request_ratio": round(request_ratio, 1),
        "time_ratio": round(time_ratio, 1),
        "ok": request_ratio >= GOAL_REQUESTS and time_ratio >= GOAL_TIME and again["writes"] == 0,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"NetBox {version}: {len(invs)} LSGs, {objects:,} objects\n"
            f"  bulk push:       {bulk['requests']:,} requests, {bulk['seconds']} s\n"
            f"  re-push:         {again['requests']:,} requests ({again['writes']} writes), "
            f"{again['seconds']} s\n"
            f"  one per object:  {base_requests:,} requests, {base_seconds} s"
            f"{' (extrapolated)' if baseline['sampled'] else ''}\n"
            f"  ratio:           {request_ratio:.1f}x fewer requests, {time_ratio:.1f}x less time"
        )
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
