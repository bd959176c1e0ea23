"""Run every benchmarks/bench_*.py module's main() and print one results table.

Entry point of `make bench`; `python benchmarks/run.py validate gaps` runs a subset.
A module's main() may return a dict (with "measurements": a list of
common.Measurement, and summary figures) or an exit status (it printed its own
report); each module writes benchmarks/results/<name>.json (gitignored).
Benchmarks are scripts, never timed tests: the figures depend on the machine.
"""

from __future__ import annotations

import importlib
import sys
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> int:
    sys.path.insert(0, str(HERE))
    from common import Measurement

    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if names:
        modules = [m for m in modules if m in names or m.removeprefix("bench_") in names]
    rows: list[tuple[str, Measurement]] = []
    summaries: list[str] = []
    failed = 0
    for name in modules:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        # Modules that take options read sys.argv; run.py's own arguments (the names
        # of the benchmarks to run) are not theirs, so they see none and use defaults.
        saved_argv = sys.argv
        sys.argv = [str(HERE / f"{name}.py")]
        try:
            result = importlib.import_module(name).main()
        except SystemExit as exc:  # argparse or a module's own exit
            result = exc.code if isinstance(exc.code, int) else 1
        except Exception:
            traceback.print_exc()
            summaries.append(f"{name}: FAILED (see the traceback above)")
            failed += 1
            continue
        finally:
            sys.argv = saved_argv
        if isinstance(result, dict):
            rows += [(name, m) for m in result.get("measurements", [])]
            figures = {k: v for k, v in result.items() if k != "measurements"}
            summaries.append(f"{name}: " + ", ".join(f"{k}={v}" for k, v in figures.items()))
        else:
            status = "ok" if not result else f"exit status {result}"
            failed += bool(result)
            summaries.append(f"{name}: {status} (report printed above)")
    print()
    print(f"{'benchmark':<16} {'step':<32} {'wall s':>8} {'cpu s':>8} {'peak MiB':>9}")
    for bench, m in rows:
        peak = f"{m.peak_mib:9.0f}" if m.peak_mib is not None else f"{'-':>9}"
        print(f"{bench:<16} {m.name:<32} {m.wall_s:8.2f} {m.cpu_s:8.2f} {peak}")
    for line in summaries:
        print(line)
    print(f"results in {HERE / 'results'}/")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
