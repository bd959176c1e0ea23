"""`lsg validate` on a national-scale tree (250 LSGs, 100,000 assets) against bare parsing.

Generates the tree in a temporary folder, then in the same run measures, each in
its own child process (wall time, CPU time, peak resident memory):
  - `lsg validate DIR`;
  - parsing the same files with PyYAML's C loader only (yaml.load with CSafeLoader);
  - Python start-up plus importing the CLI (part of the validate time, not the parse).
The figure to keep low is validate / parse. Run: `python benchmarks/run.py`.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from common import Measurement, generate_tree, lsg_command, run_child, write_results

LSGS = 250
ASSETS_PER_LSG = 400
SEED = 1

PARSE_ONLY = (
    "import pathlib, sys, time, yaml, resource\n"
    "files = sorted(pathlib.Path(sys.argv[1]).rglob('*.yaml'))\n"
    "for f in files: yaml.load(f.read_text('utf-8'), Loader=yaml.CSafeLoader)\n"
)
IMPORT_ONLY = "import lsg_infra.cli.main\n"


def main() -> dict[str, object]:
    measurements: list[Measurement] = []
    with tempfile.TemporaryDirectory(prefix="lsg-bench-") as tmp:
        tree = Path(tmp) / "inventory"
        measurements.append(generate_tree(tree, LSGS, ASSETS_PER_LSG, SEED))
        size = sum(p.stat().st_size for p in tree.rglob("*.yaml"))
        files = sum(1 for _ in tree.rglob("*.yaml"))
        # parse first and validate second, then once more in the other order, to
        # even out the page cache and CPU frequency; keep the better of each
        parse_runs, validate_runs = [], []
        for _ in range(2):
            parse_runs.append(
                run_child("parse (CSafeLoader)", [sys.executable, "-c", PARSE_ONLY, str(tree)])
            )
            validate_runs.append(run_child("lsg validate", [*lsg_command(), "validate", str(tree)]))
        startup = run_child("python + import lsg_infra.cli", [sys.executable, "-c", IMPORT_ONLY])
        parse = min(parse_runs, key=lambda m: m.wall_s)
        validate = min(validate_runs, key=lambda m: m.wall_s)
        measurements += [parse, validate, startup]
    ratio_wall = validate.wall_s / parse.wall_s
    ratio_cpu = validate.cpu_s / parse.cpu_s
    extra = {
        "lsgs": LSGS,
        "assets": LSGS * ASSETS_PER_LSG,
        "files": files,
        "bytes": size,
        "ratio_wall": round(ratio_wall, 2),
        "ratio_cpu": round(ratio_cpu, 2),
        "validate_runs": [m.wall_s for m in validate_runs],
        "parse_runs": [m.wall_s for m in parse_runs],
    }
    write_results("validate", measurements, extra)
    return {"measurements": measurements, **extra}


if __name__ == "__main__":
    out = main()
    for m in out["measurements"]:  # type: ignore[attr-defined]
        print(m)
    print({k: v for k, v in out.items() if k != "measurements"})
