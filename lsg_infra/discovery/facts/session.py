"""One script, one SSH session: every fact of a host between nonce markers, then parsed.

`combined_script` puts the head in lsg_run.sh (beside this module) before one line
per fact; `split_output` cuts what the host printed back into one `Section` per fact,
and `parse_facts` turns those into a `HostFacts`, naming each fact that failed.
"""

from __future__ import annotations

import re
import secrets
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lsg_infra.discovery.facts import FACTS
from lsg_infra.discovery.facts.base import Fact, shell
from lsg_infra.discovery.facts.models import HostFacts
from lsg_infra.textsafe import printable

# HostFacts field each fact fills (most are the same name).
_FIELD = {"uptime": "uptime_seconds"}

# the file's own comment lines explain it to a reader; the host needs none of them
_SCRIPT_HEAD = "\n".join(
    line for line in shell("lsg_run.sh").splitlines() if not line.startswith("# ")
)


def new_nonce() -> str:
    return secrets.token_hex(8)


def combined_script(nonce: str, facts: Sequence[Fact[Any]] = FACTS) -> str:
    """A POSIX sh script that prints every fact between markers; read by `split_output`."""
    if not re.fullmatch(r"[0-9a-f]{8,64}", nonce):
        raise ValueError("nonce must be hex")
    lines = [_SCRIPT_HEAD.replace("@NONCE@", nonce) + "\n"]
    for fact in facts:
        args = [fact.name, str(fact.timeout), str(fact.cap), fact.command]
        lines.append("lsg_run " + " ".join(shlex.quote(a) for a in args))
    return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class Section:
    """What one fact's command printed, with its exit status when known."""

    text: str
    rc: int | None
    truncated: bool


def split_output(text: str, nonce: str, facts: Sequence[Fact[Any]] = FACTS) -> dict[str, Section]:
    """The output of `combined_script` cut into one Section per fact that started.

    A section whose end marker is missing (the whole output was cut short) is
    marked truncated; a fact that never started is absent.
    """
    caps = {f.name: f.cap for f in facts}
    begin = re.compile(rf"^@@{nonce} begin ([a-z_-]+)@@$", re.MULTILINE)
    sections: dict[str, Section] = {}
    for m in begin.finditer(text):
        name = m.group(1)
        if name not in caps or name in sections:
            continue
        start = m.end() + 1
        end_marker = f"\n@@{nonce} end {name}@@"
        end = text.find(end_marker, start)
        body = text[start:] if end < 0 else text[start:end]
        rc: int | None = None
        rc_pattern = re.compile(rf"\n@@{nonce} rc {re.escape(name)} (\d+)@@\n?")
        rc_match = rc_pattern.search(body)
        if rc_match:
            rc = int(rc_match.group(1))
            body = body[: rc_match.start()] + body[rc_match.end() :]
        # head -c stops at the cap; a few bytes of slack for the decoder's replacements
        truncated = end < 0 or len(body.encode("utf-8", "replace")) >= caps[name] - 4
        sections[name] = Section(text=body, rc=rc, truncated=truncated)
    return sections


def parse_facts(sections: Mapping[str, Section], facts: Sequence[Fact[Any]] = FACTS) -> HostFacts:
    """Parse every section; a fact whose parser fails is None and named in `problems`."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for fact in facts:
        section = sections.get(fact.name)
        if section is None:
            problems.append(f"{fact.name}: no output")
            continue
        if section.rc == 124:
            problems.append(f"{fact.name}: timed out after {fact.timeout} s")
        elif section.truncated:
            problems.append(f"{fact.name}: output cut at {fact.cap:,} bytes")
        try:
            value = fact.parse(section.text)
        except Exception as exc:  # a parser meeting output it does not know: one fact lost
            problems.append(f"{fact.name}: unreadable output ({type(exc).__name__})")
            continue
        if value is not None:
            values[_FIELD.get(fact.name, fact.name)] = value
    parsed = HostFacts.model_validate({**values, "problems": problems})
    # A host can report anything: an escape sequence in its hostname or os-release
    # would reach the terminal of whoever reads the facts. Stored escaped, once, here.
    return HostFacts.model_validate(_escaped(parsed.model_dump()))


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    return value
