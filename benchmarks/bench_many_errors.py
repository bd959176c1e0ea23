"""`lsg validate` on one file with many unknown keys: the cost per reported problem.

Reporting was quadratic (each problem's line was found by scanning every key of its
mapping, and each line went through rich): 50,000 unknown keys took 10 min 23 s on
main before the fix. Measures 10,000 and 50,000 keys; the figure to keep flat is the
time per problem. Run: `python benchmarks/run.py many_errors`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from common import Measurement, lsg_command, run_child, write_results

REPO = Path(__file__).resolve().parents[1]
SIZES = (10_000, 50_000)


def main() -> dict[str, object]:
    measurements: list[Measurement] = []
    per_problem_ms: dict[int, float] = {}
    template = (REPO / "inventory" / "rs" / "golubac.yaml").read_text("utf-8")
    with tempfile.TemporaryDirectory(prefix="lsg-bench-") as tmp:
        for size in SIZES:
            folder = Path(tmp) / str(size) / "rs"
            folder.mkdir(parents=True)
            extra = "".join(f"  unknown_key_{i}: 1\n" for i in range(size))
            (folder / "golubac.yaml").write_text(
                template.replace("municipality:\n", "municipality:\n" + extra, 1), "utf-8"
            )
            m = run_child(
                f"validate, {size:,} unknown keys",
                [*lsg_command(), "validate", str(folder.parent)],
                expect=2,
            )
            measurements.append(m)
            per_problem_ms[size] = round(m.wall_s / size * 1000, 3)
    extra_info = {"per_problem_ms": per_problem_ms}
    write_results("many_errors", measurements, extra_info)
    return {"measurements": measurements, **extra_info}


if __name__ == "__main__":
    out = main()
    for m in out["measurements"]:  # type: ignore[attr-defined]
        print(m)
    print({k: v for k, v in out.items() if k != "measurements"})
