"""plan.json: the whole plan, versioned (`schema_version`), schema in docs/plan.schema.json."""

from __future__ import annotations

from pathlib import Path

from lsg_infra.atomic_write import write_text_atomic
from lsg_infra.model.plan import Plan


def write(plan: Plan, path: Path) -> None:
    write_text_atomic(path, plan.model_dump_json(indent=2) + "\n")
