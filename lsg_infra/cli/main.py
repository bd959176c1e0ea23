"""The `lsg` command: a thin typer layer over `lsg_infra.api`.

Only this layer prints and picks exit codes: 0 success, 1 a run that found
failures (hosts down, gaps when asked to fail on them), 2 bad input or usage,
70 an internal error (a bug: the traceback goes to the debug log only).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from lsg_infra import __version__, api, redact
from lsg_infra.cli import output
from lsg_infra.cli.blueprint import BlueprintsOpt, optional_root
from lsg_infra.cli.main_options import AllowEmptyOpt, RowsFormatOpt, inventory_paths
from lsg_infra.cli.output import Format
from lsg_infra.errors import InputError, LsgError

log = logging.getLogger("lsg_infra")

app = typer.Typer(
    name="lsg",
    help="ICT inventory, gap analysis, investment plans and provisioning for LSGs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,  # lsg --install-completion (bash, zsh, fish, PowerShell)
    rich_markup_mode=None,
)


def version_callback(value: bool) -> None:
    if value:
        output.line(f"lsg-infra {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=version_callback, is_eager=True, help="Show version."),
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug logging.")] = False,
) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(output.SafeLogFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(
        level=logging.DEBUG if verbose or os.environ.get("LSG_DEBUG") else logging.WARNING,
        handlers=[handler],
    )
    redact.install_log_filter()


@app.command()
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Inventory files or folders. Default: ./inventory."),
    ] = None,
    fmt: RowsFormatOpt = Format.table,
    blueprints: BlueprintsOpt = None,
    allow_empty: AllowEmptyOpt = False,
) -> None:
    """Check inventories and blueprints: one line per problem with file and line; exit 2 if any."""
    targets = inventory_paths(paths)
    files = api.inventory_files(targets)
    with output.progress_bar("Validating", len(files)) as advance:
        result = api.validate_all(
            targets, optional_root(blueprints), advance, allow_empty=allow_empty
        )
    if fmt is Format.json:
        output.print_json(
            {
                "files": result.files,
                "valid": len(result.inventories),
                "problems": [
                    {"file": p.file, "line": p.line, "where": p.where, "message": p.message}
                    for p in sorted(result.problems)
                ],
                "warnings": [
                    {"file": w.file, "line": w.line, "where": w.where, "message": w.message}
                    for w in sorted(result.warnings)
                ],
            }
        )
        if result.problems:
            raise typer.Exit(2)
        return
    if fmt is Format.csv:
        output.print_csv(
            ["file", "line", "where", "message"],
            ([p.file, p.line, p.where, p.message] for p in sorted(result.problems)),
        )
        if result.problems:
            raise typer.Exit(2)
        return
    for warning in sorted(result.warnings):
        output.error(f"warning: {warning}")
    if result.problems:
        raise InputError(result.problems)
    assets = sum(inv.asset_count() for inv in result.inventories)
    output.error(
        f"{result.files} file(s), {len(result.inventories)} LSG(s), {assets:,} asset(s): all valid"
    )


schema_app = typer.Typer(help="JSON Schemas for editors and other tools.", no_args_is_help=True)
app.add_typer(schema_app, name="schema")


@schema_app.command("inventory")
def schema_inventory(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")] = None,
) -> None:
    """JSON Schema of an inventory file (for a YAML language server)."""
    from lsg_infra.model.schema import inventory_schema

    text = json.dumps(inventory_schema(), indent=2, ensure_ascii=False) + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        api.write_text(out, text)
        output.error(f"wrote {out}")


@schema_app.command("plan")
def schema_plan(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")] = None,
) -> None:
    """JSON Schema of plan.json (versioned by its `schema_version`)."""
    from lsg_infra.model.plan import Plan

    schema = Plan.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "lsg-infra investment plan (plan.json)"
    text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        api.write_text(out, text)
        output.error(f"wrote {out}")


def _register_subcommands() -> None:
    # Imported here so that each command group stays in its own module.
    from lsg_infra.cli import (
        blueprint,
        discover,
        gaps,
        init,
        inventory,
        netbox,
        plan,
        progress,
        provision,
        sample,
    )

    app.add_typer(inventory.app, name="inventory")
    app.add_typer(blueprint.app, name="blueprint")
    app.add_typer(netbox.app, name="netbox")
    app.add_typer(sample.app, name="sample")
    plan.register(app)
    gaps.register(app)
    progress.register(app)
    discover.register(app)
    provision.register(app, inventory.app)
    init.register(app)


_register_subcommands()


def main() -> None:
    """Entry point of the `lsg` console script."""
    output.prepare_streams()
    # Secrets in the environment are masked in every message, whichever path they take.
    redact.register_environ(os.environ)
    try:
        try:
            app(standalone_mode=True)
        finally:
            output.flush_stdout()
    except InputError as exc:
        for problem in exc.problems:
            output.error(redact.redact(str(problem)))
        n = len(exc.problems)
        output.error(f"{n} problem{'s' if n != 1 else ''} found")
        sys.exit(exc.exit_code)
    except LsgError as exc:
        output.error(redact.redact(f"error: {exc}"))
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        output.error("interrupted")
        sys.exit(130)
    except output.StdoutFailed as exc:
        # stdout is gone (a full disk, a closed pipe): say so on stderr, once
        if not exc.quiet:
            output.error(f"error: cannot write the output: {exc.reason}")
        sys.exit(exc.exit_code)
    except Exception as exc:  # a bug: say so in one line, keep the traceback for --verbose
        log.debug("internal error", exc_info=True)
        module = exc.name if isinstance(exc, ModuleNotFoundError) else None
        hint = api.missing_extra_hint(module) if module else None
        if hint is not None:  # an optional package on a path no command-level check saw
            output.error(f"error: {module} is not installed: {hint}")
            sys.exit(2)
        output.error(
            redact.redact(
                f"internal error: {type(exc).__name__}: {exc} (run with LSG_DEBUG=1 for details)"
            )
        )
        if os.environ.get("LSG_DEBUG"):
            raise
        sys.exit(70)
