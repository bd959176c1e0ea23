"""`lsg plan` end to end on a national-scale tree (250 LSGs, 100,000 assets) against bare parsing.

In the same run, each in its own child process (wall time, CPU time, peak memory):
  - `lsg plan -i DIR --out OUT` (validate, gaps, costing, plan.json, CSV, XLSX, HTML);
  - parsing the same files with PyYAML's C loader only (the reference);
  - the same parse with Python's cycle collector off, for information: `lsg plan`
    pauses the collector while it builds each file's values, and this shows how
    much of its lead over the reference that alone is worth.
The goal: the plan takes at most 2x the parse. Run: `python benchmarks/run.py plan`.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench_validate import ASSETS_PER_LSG, LSGS, PARSE_ONLY, SEED
from common import Measurement, generate_tree, lsg_command, run_child, write_results

GOAL_RATIO = 2.0
BLUEPRINTS = Path(__file__).resolve().parents[1] / "blueprints"


def main() -> dict[str, object]:
    measurements: list[Measurement] = []
    with tempfile.TemporaryDirectory(prefix="lsg-bench-plan-") as tmp:
        tree, out = Path(tmp) / "inventory", Path(tmp) / "out"
        measurements.append(generate_tree(tree, LSGS, ASSETS_PER_LSG, SEED))
        plan_argv = [*lsg_command(), "plan", "-i", str(tree), "-b", str(BLUEPRINTS)]
        plan_argv += ["--date", "2026-11-26"]
        parse_runs, plan_runs = [], []
        # alternate the two, twice, and keep the better of each: the machine is shared
        for _ in range(2):
            parse_runs.append(
                run_child("parse (CSafeLoader)", [sys.executable, "-c", PARSE_ONLY, str(tree)])
            )
            plan_runs.append(run_child("lsg plan (end to end)", [*plan_argv, "--out", str(out)]))
        parse = min(parse_runs, key=lambda m: m.wall_s)
        plan = min(plan_runs, key=lambda m: m.wall_s)
        no_gc = run_child(
            "parse, collector off (info)",
            [sys.executable, "-c", "import gc; gc.disable()\n" + PARSE_ONLY, str(tree)],
        )
        measurements += [parse, plan, no_gc]
        sizes = {p.name: p.stat().st_size for p in out.iterdir()}
    extra = {
        "lsgs": LSGS,
        "assets": LSGS * ASSETS_PER_LSG,
        "ratio_wall": round(plan.wall_s / parse.wall_s, 2),
        "ratio_cpu": round(plan.cpu_s / parse.cpu_s, 2),
        "ratio_wall_vs_parse_without_collector": round(plan.wall_s / no_gc.wall_s, 2),
        "goal_ratio": GOAL_RATIO,
        "output_bytes": sizes,
    }
    write_results("plan", measurements, extra)
    return {"measurements": measurements, **extra}


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    result = main()
    print({k: v for k, v in result.items() if k != "measurements"})
