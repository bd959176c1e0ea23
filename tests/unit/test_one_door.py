"""The CLI goes through one door: lsg_infra/cli imports only the library API.

A command that reaches past `lsg_infra.api` into a source, a sink or a connector ties
the command line to internals the library's users never see, and the two drift apart
(issue #16). This walks the syntax tree of every module under lsg_infra/cli, imports
inside functions included, and fails on any import of lsg_infra outside the door.
"""

from __future__ import annotations

import ast
from pathlib import Path

import lsg_infra

CLI = Path(lsg_infra.__file__).parent / "cli"

ALLOWED = (
    "lsg_infra.api",  # the one door
    "lsg_infra.errors",  # the errors the door raises, turned into exit codes by the CLI
    "lsg_infra.model",  # the records the door returns
    "lsg_infra.cli",
    # Small pure helpers for what the CLI prints, and only the CLI prints: textsafe
    # escapes terminal control characters in text people and hosts wrote; redact masks
    # registered secrets in every line. Routing them through api would only rename them.
    "lsg_infra.textsafe",
    "lsg_infra.redact",
    "lsg_infra.__version__",  # the package's version string, not a module
)


def _allowed(module: str) -> bool:
    return any(module == a or module.startswith(a + ".") for a in ALLOWED)


def imported(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, module) for every import of lsg_infra in `tree`, at any depth."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "lsg_infra":
                # `from lsg_infra import api, atomic_write` imports lsg_infra.api and
                # lsg_infra.atomic_write
                found.extend((node.lineno, f"lsg_infra.{a.name}") for a in node.names)
            else:
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.ImportFrom) and node.level > 1:
            # `from . import x` inside lsg_infra/cli stays in lsg_infra.cli; `from ..`
            # leaves it
            found.append((node.lineno, "lsg_infra." + (node.module or "")))
    return [(line, m) for line, m in found if m == "lsg_infra" or m.startswith("lsg_infra.")]


def forbidden_imports() -> set[tuple[str, str]]:
    bad: set[tuple[str, str]] = set()
    for path in sorted(CLI.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for _, module in imported(tree):
            if not _allowed(module):
                bad.add((path.name, module))
    return bad


def test_cli_imports_only_the_api_errors_model_and_itself() -> None:
    unexpected = forbidden_imports()
    assert not unexpected, (
        "lsg_infra/cli imports past the one door (call a function of lsg_infra.api "
        f"instead): {sorted(unexpected)}"
    )


def test_the_walk_sees_imports_inside_functions() -> None:
    tree = ast.parse(
        "from lsg_infra import api, atomic_write\n"
        "def f():\n"
        "    from lsg_infra.readers.files import x\n"
        "    import lsg_infra.netbox\n"
        "    from lsg_infra.model.plan import Plan\n"
    )
    modules = {m for _, m in imported(tree)}
    assert {m for m in modules if not _allowed(m)} == {
        "lsg_infra.atomic_write",
        "lsg_infra.readers.files",
        "lsg_infra.netbox",
    }
