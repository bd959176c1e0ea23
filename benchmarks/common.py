"""Helpers shared by the benchmarks: timing, child-process peak memory, results files."""

from __future__ import annotations

import json
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Measurement:
    """One measured figure: wall seconds, CPU seconds, peak resident memory (MiB)."""

    name: str
    wall_s: float
    cpu_s: float
    peak_mib: float | None = None
    note: str = ""


def lsg_command() -> list[str]:
    script = Path(sys.executable).with_name("lsg")
    return [str(script)] if script.exists() else ["lsg"]


def run_child(
    name: str, argv: list[str], *, expect: int = 0, cwd: Path | None = None
) -> Measurement:
    """Run a command; its wall time, CPU time and peak RSS (ru_maxrss of the child).

    Run each measured command in a fresh helper process so that RUSAGE_CHILDREN's
    maxrss belongs to that command alone, not to earlier children of this process.
    """
    probe = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL,"
        " stderr=subprocess.PIPE, text=True)\n"
        "rc = done.returncode\n"
        "wall = time.perf_counter() - t\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(json.dumps({'rc': rc, 'wall': wall, 'cpu': u.ru_utime + u.ru_stime,"
        " 'maxrss_kib': u.ru_maxrss, 'stderr': done.stderr[-2000:]}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *argv], capture_output=True, text=True, cwd=cwd, check=False
    )
    data = json.loads(done.stdout.strip().splitlines()[-1])
    if data["rc"] != expect:
        raise RuntimeError(
            f"{name}: exit code {data['rc']}, expected {expect}: {data['stderr'] or done.stderr}"
        )
    # Linux reports ru_maxrss in KiB, macOS in bytes
    kib = data["maxrss_kib"] / 1024 if platform.system() == "Darwin" else data["maxrss_kib"]
    return Measurement(name, data["wall"], data["cpu"], kib / 1024)


def generate_tree(out: Path, lsgs: int, assets_per_lsg: int, seed: int = 1) -> Measurement:
    """`lsg sample generate` into `out` (the synthetic national tree every benchmark uses)."""
    return run_child(
        "generate",
        [
            *lsg_command(),
            *("sample", "generate", "--lsgs", str(lsgs)),
            *("--assets-per-lsg", str(assets_per_lsg), "--seed", str(seed), "--out", str(out)),
        ],
    )


def timed_in_process(name: str, fn: object) -> Measurement:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()  # type: ignore[operator]
    return Measurement(name, time.perf_counter() - wall, time.process_time() - cpu)


def write_results(bench: str, measurements: list[Measurement], extra: Mapping[str, object]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{bench}.json"
    payload = {
        "benchmark": bench,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": __import__("os").cpu_count(),
        "load_average": list(__import__("os").getloadavg()),
        "measurements": [asdict(m) for m in measurements],
        **extra,
    }
    path.write_text(json.dumps(payload, indent=2) + "\n", "utf-8")
    return path


def peak_rss_self_mib() -> float:
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return (kib / 1024 if platform.system() == "Darwin" else kib) / 1024
