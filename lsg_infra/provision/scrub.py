"""Keep secrets out of ansible-runner's artifacts.

ansible-runner writes the whole environment of the run into
`<run>/artifacts/<ident>/command` (it needs it to start ansible-playbook, and
there is no option to leave it out), and the playbooks read secrets from that
environment (LSG_PG_PASSWORD_*, LSG_WP_*, LSG_RESTIC_PASSWORD, and whatever
else the caller had: LSG_SSH_PASSWORD, NETBOX_TOKEN). So after each run:

- `command` keeps the names of the variables but the values of harmless ones
  only (PATH, ANSIBLE_*, locale, ...);
- every artifact file goes through `lsg_infra.redact.redact` (the project's one
  redaction layer: registered secrets, URL credentials, Authorization values)
  with each secret value of the environment added, also in its JSON-escaped
  form: a safety net under the playbooks' own `no_log` and `diff: false`.

The functions on text are pure; `scrub_artifacts` is the edge that rewrites files
(atomically, keeping their mode).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from lsg_infra import redact as redaction

REDACTED = redaction.MASK
NOT_STORED = "<not stored>"
# Names of variables whose values are secrets. Paths to secrets (…_DIR, …_FILE)
# are not secrets themselves.
SECRET_NAME = re.compile(r"PASS|TOKEN|SECRET|SALT|PRIVATE|CREDENTIAL|API_?KEY|_KEY$", re.I)
PATH_NAME = re.compile(r"_(DIR|FILE|PATH)$", re.I)
# Values kept in the stored environment: they explain the run and hold nothing secret.
KEEP = re.compile(r"^(PATH|HOME|USER|LOGNAME|PWD|SHELL|TERM|LANG|LC_[A-Z]+|ANSIBLE_[A-Z_]+)$")
# Shorter values would be redacted all over the logs ("yes", "1"): never secrets.
MIN_SECRET_LENGTH = 6


def is_secret_name(name: str) -> bool:
    return bool(SECRET_NAME.search(name)) and not PATH_NAME.search(name)


def secret_values(env: Mapping[str, str]) -> list[str]:
    """Values of the secret-named variables, longest first (so no secret is half-replaced)."""
    found = {v for k, v in env.items() if is_secret_name(k) and len(v) >= MIN_SECRET_LENGTH}
    return sorted(found, key=lambda v: (-len(v), v))


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` through the redaction layer, with `secrets` also in their JSON-escaped
    form (artifacts are JSON: a quote or backslash in a password is escaped there)."""
    values = [s for s in secrets if s]
    escaped = [json.dumps(s)[1:-1] for s in values]
    return redaction.redact(text, [*values, *escaped])


def stored_environment(env: Mapping[str, str]) -> dict[str, str]:
    """The environment as it may be kept on disk: every name, harmless values only."""
    return {
        k: (v if KEEP.match(k) and not is_secret_name(k) else NOT_STORED)
        for k, v in sorted(env.items())
    }


def _rewrite(path: Path, text: str) -> None:
    mode = path.stat().st_mode & 0o777
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def scrub_artifacts(artifact_dir: Path, env: Mapping[str, str]) -> int:
    """Scrub one run's artifacts in place; the number of files rewritten."""
    secrets = secret_values(env)
    rewritten = 0
    command = artifact_dir / "command"
    if command.is_file():
        try:
            doc = json.loads(command.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            doc = None
        if isinstance(doc, dict) and isinstance(doc.get("env"), dict):
            doc["env"] = stored_environment({str(k): str(v) for k, v in doc["env"].items()})
            _rewrite(command, json.dumps(doc, ensure_ascii=False))
            rewritten += 1
    for path in sorted(p for p in artifact_dir.rglob("*") if p.is_file() and not p.is_symlink()):
        if path == command:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        clean = _redact_json(text, secrets) if path.suffix == ".json" else redact(text, secrets)
        if clean != text:
            _rewrite(path, clean)
            rewritten += 1
    return rewritten


def _redact_json(text: str, secrets: Sequence[str]) -> str:
    """Redact the strings of a JSON document (job events), keeping it valid JSON.

    Redacting the text itself could turn `"authorization": null` into invalid
    JSON (the redaction layer masks what follows "authorization"), and
    ansible-runner then cannot read the run's events and recap.
    """
    try:
        doc = json.loads(text)
    except ValueError:
        return redact(text, secrets)

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return redact(value, secrets)
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    cleaned = walk(doc)
    return text if cleaned == doc else json.dumps(cleaned, ensure_ascii=False)
