"""Reading a plan.json that `lsg plan` wrote (to compare two plans: `lsg progress`).

A plan kept from last year is input like any other: a path that is not there, a folder
without plan.json, a file that is not JSON, not a plan, or of a schema_version this
version cannot read is refused with one problem (file:line, what is wrong, what was
expected), never a traceback. The whole file is validated with the `Plan` model, the
source of `lsg schema plan`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from lsg_infra.errors import InputError, Problem
from lsg_infra.model.plan import PLAN_SCHEMA_VERSION, Plan
from lsg_infra.readers.files import display_path
from lsg_infra.readers.messages import describe
from lsg_infra.readers.yamlfile import format_path

PLAN_FILE = "plan.json"
MANIFEST_FILE = "manifest.json"
READABLE_VERSIONS = frozenset({PLAN_SCHEMA_VERSION})
"""schema_version values this version reads: the one it writes (there has been no other)."""

MAX_PLAN_BYTES = 512 * 1024 * 1024
"""The programme's plan (250 LSGs, ~10,000 lines) is tens of MB; beyond this, not a plan."""

MAX_MANIFEST_BYTES = 1024 * 1024

EXPECTED = "expected a plan.json written by lsg plan"


@dataclass(frozen=True, slots=True)
class PlanFile:
    """A plan read back, where it came from, and what its manifest says of it, if present.

    `manifest_note` is a sentence when a manifest.json beside it names another content
    (the file was changed after `lsg plan` wrote it); None when it matches or is absent.
    """

    plan: Plan
    path: Path
    run: str | None
    manifest_note: str | None


def plan_path(path: Path) -> Path:
    """`path` itself, or the plan.json inside it when it is a folder; InputError if neither."""
    shown = display_path(path)
    if path.is_dir():
        inside = path / PLAN_FILE
        if not inside.is_file():
            raise _refuse(shown, 0, f"no {PLAN_FILE} in this folder; {EXPECTED} (its --out folder)")
        return inside
    if not path.exists():
        raise _refuse(shown, 0, f"no such file or folder; {EXPECTED} or its folder")
    if not path.is_file():
        raise _refuse(shown, 0, f"not a regular file; {EXPECTED}")
    return path


def read_plan(path: Path) -> PlanFile:
    """The plan in `path` (a plan.json or the folder holding it), validated; InputError if not."""
    file = plan_path(path)
    shown = display_path(file)
    try:
        with file.open("rb") as fh:
            data = fh.read(MAX_PLAN_BYTES + 1)
    except OSError as exc:
        raise _refuse(shown, 0, f"cannot read: {exc.strerror}; {EXPECTED}") from None
    if len(data) > MAX_PLAN_BYTES:
        raise _refuse(shown, 0, f"larger than {MAX_PLAN_BYTES // 2**20} MB; {EXPECTED}")
    document = _parse(data, shown)
    plan = _validate(document, data, shown)
    run, note = _manifest(file, data)
    return PlanFile(plan=plan, path=file, run=run, manifest_note=note)


def _parse(data: bytes, shown: str) -> dict[str, Any]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _refuse(
            shown, line, f"byte 0x{data[exc.start]:02x} is not valid UTF-8; {EXPECTED}"
        ) from None
    if not text.strip():
        raise _refuse(shown, 0, f"file is empty; {EXPECTED}")

    def no_constant(name: str) -> object:
        raise ValueError(f"{name} is not a JSON number")

    try:
        document = json.loads(text, parse_constant=no_constant)
    except json.JSONDecodeError as exc:
        raise _refuse(shown, exc.lineno, f"not JSON ({exc.msg}); {EXPECTED}") from None
    except (ValueError, RecursionError) as exc:
        raise _refuse(shown, 0, f"not JSON ({exc}); {EXPECTED}") from None
    if not isinstance(document, dict):
        raise _refuse(shown, 1, f"a JSON {type(document).__name__}, not an object; {EXPECTED}")
    return document


def _validate(document: dict[str, Any], data: bytes, shown: str) -> Plan:
    version = document.get("schema_version")
    line = _line_of(data, b'"schema_version"')
    if version is None:
        raise _refuse(shown, 1, f"not a plan (no schema_version); {EXPECTED}")
    if not isinstance(version, str) or version not in READABLE_VERSIONS:
        readable = ", ".join(json.dumps(v) for v in sorted(READABLE_VERSIONS))
        raise _refuse(
            shown,
            line,
            # as JSON has it: a number 1.0 is not the text "1.0"
            f"schema_version {json.dumps(version)[:40]} cannot be read by this lsg-infra (it "
            f"reads {readable}); {EXPECTED} with schema_version {readable}",
        )
    try:
        return Plan.model_validate(document)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        first = errors[0]
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        where = format_path(tuple(first["loc"]))
        # No line: json keeps no positions, and the where (lines[2].gross_eur) is exact.
        raise InputError(
            [
                Problem(
                    shown,
                    0,
                    where,
                    f"{describe(first, Plan)}{more}; {EXPECTED} "
                    f"(schema_version {PLAN_SCHEMA_VERSION})",
                )
            ]
        ) from None


def _line_of(data: bytes, needle: bytes) -> int:
    # The first occurrence only: a hint for a person, not a parser position.
    found = data.find(needle)
    return data[:found].count(b"\n") + 1 if found >= 0 else 0


def _manifest(file: Path, data: bytes) -> tuple[str | None, str | None]:
    manifest = file.parent / MANIFEST_FILE
    if file.name != PLAN_FILE or not manifest.is_file():
        return None, None
    try:
        with manifest.open("rb") as fh:  # a manifest names a few files: a few hundred bytes
            recorded = json.loads(fh.read(MAX_MANIFEST_BYTES))
        run, digest = recorded.get("run"), recorded.get("files", {}).get(PLAN_FILE)
    except (OSError, ValueError, AttributeError, RecursionError):
        return None, f"{display_path(manifest)} cannot be read; the plan is read without it"
    if digest is not None and digest != hashlib.sha256(data).hexdigest():
        return (
            str(run) if run else None,
            f"{display_path(file)} differs from what its manifest recorded (changed after "
            "lsg plan wrote it?)",
        )
    return (str(run) if run else None), None


def _refuse(shown: str, line: int, message: str) -> InputError:
    return InputError([Problem(shown, line, "", message)])
