"""The library API: what the `lsg` command does, callable from a notebook or a program.

Every function here takes paths and plain values and returns records; none prints.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsg_infra import bundled, extras, layout, scaffold
from lsg_infra.errors import InputError, Problem, UsageError
from lsg_infra.gaps import Assessment, Compliance
from lsg_infra.model.blueprint import BlueprintLibrary, ResolvedBlueprint
from lsg_infra.model.inventory import Inventory
from lsg_infra.model.plan import Plan
from lsg_infra.progress import GapChange, LsgProgress, Money, Progress
from lsg_infra.readers import files
from lsg_infra.reports import languages as report_languages

if TYPE_CHECKING:  # discovery (paramiko) is imported only by the functions that use it
    from lsg_infra.atomic_write import PublishedSet
    from lsg_infra.discovery.runner import HostResult
    from lsg_infra.discovery.store import Difference
    from lsg_infra.netbox.client import NetBoxClient
    from lsg_infra.netbox.model import ChangeSet
    from lsg_infra.netbox.sync import PushResult
    from lsg_infra.provision.preflight import OsPolicy, PreflightResult
    from lsg_infra.provision.runner import ProvisionResult
    from lsg_infra.register.importer import RegisterImport
    from lsg_infra.ssh import SshOptions, Target

DEFAULT_INVENTORY = layout.INVENTORY_DIR
PULLED_SUFFIX = layout.PULLED_SUFFIX
"""`lsg netbox pull` writes `<slug>.netbox.yaml` beside an inventory a person wrote."""
DEFAULT_BLUEPRINTS = Path("blueprints")


def default_blueprints() -> Path:
    """./blueprints when there is one (an LSG's own), else the ones lsg-infra ships with."""
    if DEFAULT_BLUEPRINTS.is_dir():
        return DEFAULT_BLUEPRINTS
    try:
        return bundled.blueprints()
    except UsageError:  # a broken install: the loader then says "no such blueprints folder"
        return DEFAULT_BLUEPRINTS


def missing_extra_hint(module: str | None) -> str | None:
    """How to install the extra that brings `module` ("pip install 'lsg-infra[netbox]'"),
    None when no extra brings it."""
    extra = extras.extra_for(module)
    return extras.install_hint(extra) if extra is not None else None


def write_text(path: Path, text: str) -> None:
    """Write `text` (UTF-8) to `path` atomically: a temporary file beside it, renamed."""
    from lsg_infra.atomic_write import write_text_atomic

    write_text_atomic(path, text)


def generate_sample(
    out: Path,
    lsgs: int,
    assets_per_lsg: int,
    seed: int,
    *,
    progress: Callable[[], None] | None = None,
) -> None:
    """Write a synthetic inventory tree into `out` (real LSG names, random assets; the
    same seed gives the same bytes); `progress()` after each LSG's file."""
    from lsg_infra.sample import generate

    for relative, text in generate(lsgs, assets_per_lsg, seed):
        write_text(out / relative, text)
        if progress is not None:
            progress()


def require_extra(extra: extras.Extra, command: str) -> None:
    """MissingExtra (exit 2) naming `pip install 'lsg-infra[extra]'` unless it is installed."""
    extras.require(extra, command)


def init_repository(
    target: Path,
    lsg_id: str,
    *,
    employees: int,
    population: int | None = None,
    ci: scaffold.CiService = "github",
) -> scaffold.Scaffold:
    """Start LSG `lsg_id`'s own repository in `target` (inventory, schema, CI, README).

    Never overwrites: files already there are listed in `kept`.
    """
    return scaffold.init(target, lsg_id, employees=employees, population=population, ci=ci)


def export_blueprints(target: Path) -> bundled.Exported:
    """Write the bundled blueprints and price catalogue into `target` for editing.

    Files already in `target` are kept as they are and listed in `kept`.
    """
    return bundled.export("blueprints", target)


def load_inventories(
    paths: Sequence[Path] = (DEFAULT_INVENTORY,),
    only: Sequence[str] = (),
    progress: files.ProgressFn | None = None,
    *,
    allow_empty: bool = False,
) -> list[Inventory]:
    """Every valid inventory under `paths` (sorted by id), or InputError listing all problems."""
    result = files.load_inventories(paths, only=only, progress=progress, allow_empty=allow_empty)
    return files.require_valid(result)


def load_inventories_with_discovered(
    paths: Sequence[Path] = (DEFAULT_INVENTORY,),
    only: Sequence[str] = (),
    progress: files.ProgressFn | None = None,
    *,
    allow_empty: bool = False,
) -> tuple[list[Inventory], list[Difference]]:
    """Inventories with the facts `lsg discover` found put in place of written values.

    Where a server reported a different RAM, core count or OS than its inventory
    says, the reported value is used (that is what the gap analysis should see)
    and a `Difference` names the asset, the field, both values and where the
    written one is. LSGs never discovered come back unchanged.
    """
    from lsg_infra.discovery import store

    merged: list[Inventory] = []
    differences: list[Difference] = []
    for inventory in load_inventories(paths, only, progress, allow_empty=allow_empty):
        found = store.load_discovered_for(inventory)
        if found is None:
            merged.append(inventory)
            continue
        updated, diffs = store.apply_discovered(inventory, found.hosts)
        merged.append(updated)
        differences.extend(diffs)
    return merged, differences


def ssh_options(
    *,
    connect_timeout: float = 10.0,
    command_timeout: float = 60.0,
    known_hosts: Path | None = None,
    accept_new: bool = False,
    identity: Path | None = None,
    password: str | None = None,
) -> SshOptions:
    """How discovery and preflight log in: host keys checked against `known_hosts`
    (~/.ssh/known_hosts by default); `password`, or LSG_SSH_PASSWORD when None, is
    masked in every message. UsageError for a timeout that bounds nothing."""
    from lsg_infra.ssh import DEFAULT_KNOWN_HOSTS, Secret
    from lsg_infra.ssh import SshOptions as Options

    secret = Secret.from_env()
    if password is not None:
        secret = Secret(password)
    return Options(
        connect_timeout=connect_timeout,
        command_timeout=command_timeout,
        known_hosts=known_hosts or DEFAULT_KNOWN_HOSTS,
        accept_new=accept_new,
        identity=identity,
        password=secret,
    )


def ssh_targets(
    inventories: Sequence[Inventory], *, hosts: Sequence[str] = (), ssh_config: Path | None = None
) -> list[Target]:
    """One Target per asset with a management address, in inventory order; `hosts`
    keeps only those (srv-01 or rs-kikinda/srv-01); `ssh_config` (OpenSSH syntax)
    overrides addresses, ports and users."""
    from lsg_infra.discovery import targets

    config = targets.load_ssh_config(ssh_config) if ssh_config is not None else None
    return targets.discovery_targets(inventories, hosts=hosts, ssh_config=config)


def discover(
    inventories: Sequence[Inventory],
    options: SshOptions,
    *,
    hosts: Sequence[str] = (),
    workers: int = 20,
    ssh_config: Path | None = None,
    write: bool = True,
    progress: Callable[[HostResult], None] | None = None,
) -> Discovery:
    """Discover every server with a management address; one HostResult per host.

    Never raises for a host that fails: its result says why. With `write`, each
    LSG's successful results go to `<slug>.discovered.yaml` beside its inventory.
    """
    from lsg_infra.discovery import runner, store, targets
    from lsg_infra.ssh import ParamikoConnector

    config = targets.load_ssh_config(ssh_config) if ssh_config is not None else None
    chosen = targets.discovery_targets(inventories, hosts=hosts, ssh_config=config)
    results = runner.discover_hosts(
        chosen, ParamikoConnector(options), workers=workers, progress=progress
    )
    written: list[Path] = []
    if write:
        for inventory in inventories:
            path = store.write_results(inventory, results)
            if path is not None:
                written.append(path)
    return Discovery(results=results, written=written)


@dataclass(frozen=True, slots=True)
class Discovery:
    """What one `discover` run did: a result per host, the files it wrote."""

    results: list[HostResult]
    written: list[Path]

    @property
    def all_ok(self) -> bool:
        return all(r.ok for r in self.results)


def inventory_row(inventory: Inventory, tier: str | None = None) -> dict[str, Any]:
    """One LSG in one line: id, names, country, district, population, tier, staff,
    number of sites and assets, and `by_kind` ({'workstation': 196, ...})."""
    from lsg_infra.inventory_summary import inventory_row as row

    return row(inventory, tier)


def inventory_detail(inventory: Inventory, tier: str | None = None) -> dict[str, Any]:
    """Everything recorded for one LSG, with the source line of each record.

    Where `lsg discover` found facts for it, they take the place of written values
    that disagree, and two keys are added: `discovered` (one row per host) and
    `differences` (each with its `message`, 'srv-01: ram_gb written 32 GB (...),
    discovered 62.8 GB on ...').
    """
    from lsg_infra.discovery import store
    from lsg_infra.inventory_summary import inventory_detail as detail_of

    found = store.load_discovered_for(inventory)
    differences: list[Difference] = []
    if found is not None:
        inventory, differences = store.apply_discovered(inventory, found.hosts)
    detail = detail_of(inventory, tier)
    if found is not None:
        detail["discovered"] = store.host_summaries(found)
        detail["differences"] = [{**dataclasses.asdict(d), "message": str(d)} for d in differences]
    return detail


def inventory_files(paths: Sequence[Path] = (DEFAULT_INVENTORY,)) -> list[Path]:
    """Every inventory file under the given files or folders, sorted, without duplicates
    (what `load_inventories` reads: a progress bar's length)."""
    return files.inventory_files(paths)


def register_size(file: Path, sheet: str | None = None) -> int:
    """Rows a register (.xlsx or .csv) says it has: a progress bar's length, 0 if unknown.
    InputError when it is not a spreadsheet."""
    from lsg_infra.register.importer import register_size as size

    return size(file, sheet)


def import_register(
    file: Path,
    lsg: str,
    *,
    inventory: Sequence[Path] = (DEFAULT_INVENTORY,),
    mapping: Sequence[str] = (),
    site: str | None = None,
    sheet: str | None = None,
    force: bool = False,
    today: dt.date | None = None,
    progress: Callable[[], None] | None = None,
) -> RegisterImport:
    """The hardware in a register of fixed assets (.xlsx or .csv), written as asset records
    to `<slug>.imported.yaml` beside LSG `lsg`'s inventory file, for a person to review
    and copy in (it is not read as an inventory). `mapping` holds 'COLUMN=field' pairs;
    `site` is the site of rows whose location names none. Rows that make no asset come
    back in `left_out` ('popis.csv:14: Naziv: 'Sto za računar' is a 'sto', ...').
    The file is never written over unless `force` and an earlier import wrote it."""
    from lsg_infra.register.importer import import_register as run

    return run(
        file,
        lsg,
        inventory=inventory,
        mapping=mapping,
        site=site,
        sheet_name=sheet,
        force=force,
        today=today or dt.date.today(),
        progress=progress,
    )


# ---------------------------------------------------------------- the plan


def check_plan_folder(out: Path) -> None:
    """UsageError unless `out` is absent or holds only files `write_plan` writes there
    (checked before the work, so that a long run does not end on a refusal)."""
    from lsg_infra.atomic_write import MANIFEST, check_set_folder
    from lsg_infra.reports import OUTPUTS

    check_set_folder(out, {*OUTPUTS, MANIFEST})


def plan(
    inventories: Sequence[Inventory],
    *,
    blueprint_root: Path,
    today: dt.date,
    years: Sequence[int],
    horizon_years: int = 5,
    budget_gross_eur: Decimal | None = None,
    catalogue: Path | None = None,
    progress: Callable[[], None] | None = None,
) -> Plan:
    """The costed investment plan for `inventories` (loaded and valid): gaps, procurement
    lines, lots, roll-ups and the budget by year; `catalogue` is a user's own price list
    over the bundled one. `progress()` is called once per LSG assessed."""
    from lsg_infra.pipeline import build

    return build(
        inventories,
        blueprints_dir=blueprint_root,
        today=today,
        years=years,
        horizon_years=horizon_years,
        budget_gross_eur=budget_gross_eur,
        catalogue_override=catalogue,
        progress=progress,
    )


REPORT_LANGUAGES: tuple[str, ...] = tuple(report_languages.LANGUAGES)
"""Languages of the HTML report (and the XLSX's headers): en (default), sr-Latn, sr-Cyrl,
cnr, mk."""
DEFAULT_REPORT_LANGUAGE = report_languages.DEFAULT


def report_language(code: str) -> str | None:
    """The report language `code` names, spelt as REPORT_LANGUAGES spells it ("sr_latn"
    is "sr-Latn"), or None when there is no such language."""
    found = report_languages.find(code)
    return found.code if found else None


def write_plan(
    result: Plan,
    out: Path,
    *,
    language: str = DEFAULT_REPORT_LANGUAGE,
    on_wait: Callable[[], object] | None = None,
) -> PublishedSet:
    """Write plan.json, the CSVs, the XLSX and the HTML report into `out` as one set:
    all of this run or, if it fails, all of the previous one, with a manifest.
    `language` (one of REPORT_LANGUAGES, else UsageError before anything is written) is
    the HTML report's and the XLSX's sheet names and headers; plan.json and the CSV are
    machine formats and stay in English.
    `on_wait()` is called when another run is writing into `out`."""
    from lsg_infra.atomic_write import publish_set
    from lsg_infra.reports import OUTPUTS, write_all

    code = report_languages.get(language).code
    return publish_set(
        out, lambda folder: write_all(result, folder, code), owned=OUTPUTS, on_wait=on_wait
    )


# ---------------------------------------------------------------- progress between plans


def progress(before: Path, after: Path, *, lsgs: Sequence[str] = ()) -> Progress:
    """What changed between two plan.json files (or the folders `lsg plan` wrote them to):
    per LSG and for the programme, gaps closed, new and remaining, and the money of each.

    InputError (exit 2, one line) for a path that is not a plan.json of a readable
    schema_version; UsageError for an LSG of `lsgs` in neither plan. `notes` say where
    the plans' dates, prices, rates or LSGs differ; a plan.json that no longer matches
    its manifest.json is one of them.
    """
    from lsg_infra.progress import compare
    from lsg_infra.readers.plan_file import read_plan

    then, now = read_plan(before), read_plan(after)
    result = compare(then.plan, now.plan, lsgs)
    manifest = [f.manifest_note for f in (then, now) if f.manifest_note is not None]
    return dataclasses.replace(result, notes=[*manifest, *result.notes])


# ---------------------------------------------------------------- provisioning


def preflight_policy(blueprint_root: Path | None = None, playbooks: Path | None = None) -> OsPolicy:
    """The OS releases preflight accepts: the roles' platforms in `playbooks`, with the
    end-of-support dates of `blueprint_root` (both default to lsg-infra's own)."""
    from lsg_infra.provision.preflight import load_policy

    return load_policy(blueprint_root, playbooks)


def preflight(
    targets: Sequence[Target],
    options: SshOptions,
    policy: OsPolicy,
    *,
    progress: Callable[[PreflightResult], None] | None = None,
) -> list[PreflightResult]:
    """Each server checked before a run (reachable, sudo, OS release, disk, clock);
    one result per target, in the order given. Never raises for a host that fails."""
    from lsg_infra.provision.preflight import preflight as run_preflight
    from lsg_infra.ssh import ParamikoConnector

    return run_preflight(targets, ParamikoConnector(options), policy, progress=progress)


def ssh_addresses(inventory: Inventory, ssh_config: Path) -> dict[str, tuple[str, int]]:
    """Asset id -> (host, port) as `ssh_config` (OpenSSH syntax) rewrites them."""
    return {t.asset_id: (t.host, t.port) for t in ssh_targets([inventory], ssh_config=ssh_config)}


def ansible_inventory(
    inventory: Inventory,
    *,
    tier: str,
    known_hosts: Path | None = None,
    identity: Path | None = None,
    addresses: Mapping[str, tuple[str, int]] | None = None,
) -> dict[str, Any]:
    """The YAML-ready Ansible inventory of one LSG: one group per role, e.g.
    `["all"]["children"]["role_database"]` is {'hosts': {'kikinda-srv-01': {}}}.

    `addresses` replaces management addresses (asset id -> (host, port)); never a password.
    """
    from lsg_infra.provision.inventory import Connection
    from lsg_infra.provision.inventory import ansible_inventory as generate

    connection = Connection(known_hosts=known_hosts, identity=identity, addresses=addresses)
    return generate(inventory, tier=tier, connection=connection)


def require_provisionable(inventory: Inventory) -> None:
    """InputError (exit 2) when the inventory cannot be provisioned as it stands, e.g. a
    server with data whose only backup repository host would be itself."""
    from lsg_infra.provision.inventory import backup_problems

    problems = backup_problems(inventory)
    if problems:
        raise InputError(problems)


def read_variables(path: Path) -> dict[str, object]:
    """A YAML mapping of playbook variables, read safely; InputError at its line if not."""
    doc = files.read_document(path)
    if isinstance(doc, list):
        raise InputError(doc)
    if not isinstance(doc.data, dict):
        raise InputError(
            [Problem(files.display_path(path), 1, "", "expected a mapping of variables")]
        )
    return doc.data


def provision(
    ansible_hosts: dict[str, Any],
    *,
    run_dir: Path,
    playbooks: Path | None = None,
    check: bool = False,
    limit: str | None = None,
    tags: Sequence[str] = (),
    forks: int | None = None,
    variables: dict[str, Any] | None = None,
    progress: Callable[[str, str, str], None] | None = None,
) -> ProvisionResult:
    """Run the standard playbook (site.yml of `playbooks`, default the bundled ones) on
    `ansible_hosts` (from `ansible_inventory`); artifacts under `run_dir`, secrets scrubbed.

    `progress(host, task, outcome)` is called as each task ends on each host.
    """
    from lsg_infra.provision.runner import run_playbook

    return run_playbook(
        ansible_hosts,
        run_dir=run_dir,
        playbooks=playbooks,
        check=check,
        limit=limit,
        tags=tags,
        forks=forks,
        extravars=variables,
        progress=progress,
    )


# ---------------------------------------------------------------- blueprints, gaps


def load_blueprints(root: Path = DEFAULT_BLUEPRINTS) -> BlueprintLibrary:
    """Every blueprint, tier and catalogue under `root`, or InputError listing all problems."""
    from lsg_infra.readers import blueprints

    return blueprints.require_library(root)


def validate_blueprints(root: Path = DEFAULT_BLUEPRINTS) -> list[Problem]:
    """Problems in the blueprints under `root` (never raises for bad input)."""
    from lsg_infra.readers import blueprints

    return blueprints.load_library(root).problems


def blueprint_for(inventory: Inventory, library: BlueprintLibrary) -> ResolvedBlueprint:
    """The resolved blueprint for one LSG: its pinned tier or its population's, its country."""
    m = inventory.municipality
    return library.for_inventory(m.tier, m.population, m.country)


def validate_all(
    inventory_paths: Sequence[Path] = (DEFAULT_INVENTORY,),
    blueprint_root: Path | None = DEFAULT_BLUEPRINTS,
    progress: files.ProgressFn | None = None,
    *,
    allow_empty: bool = False,
    today: dt.date | None = None,
) -> files.LoadResult:
    """Inventories and blueprints together: each on its own, then inventories against blueprints,
    and the laws the blueprints cite against the law table on `today` (warnings).

    `blueprint_root=None` checks inventories only (as `validate`).
    """
    from lsg_infra.readers import blueprints, laws, lsg_reference

    result = files.load_inventories(inventory_paths, progress=progress, allow_empty=allow_empty)
    if blueprint_root is None:
        return result
    library = blueprints.load_library(blueprint_root)
    result.problems.extend(library.problems)
    result.files += library.files
    law_table, law_problems = laws.load(blueprint_root)
    result.problems.extend(law_problems)
    if library.library is not None:
        for inventory in result.inventories:
            result.problems.extend(blueprints.check_inventory(inventory, library.library))
        result.warnings.extend(laws.citation_warnings(law_table, library, today or dt.date.today()))
    reference = lsg_reference.find(blueprint_root)
    if reference is not None:
        try:
            known = lsg_reference.load(reference)
        except (OSError, ValueError) as exc:
            result.problems.append(Problem(files.display_path(reference), 0, "", str(exc)))
        else:
            result.warnings.extend(lsg_reference.population_warnings(result.inventories, known))
    return result


def assess(
    inventory_paths: Sequence[Path] = (DEFAULT_INVENTORY,),
    blueprint_root: Path = DEFAULT_BLUEPRINTS,
    only: Sequence[str] = (),
    today: dt.date | None = None,
) -> list[Assessment]:
    """Gaps and compliance of every LSG (sorted by id), or InputError listing all problems."""
    from lsg_infra.pipeline import assess_all

    # Discovered facts (lsg discover) count over what a person wrote.
    inventories, _ = load_inventories_with_discovered(inventory_paths, only)
    library = load_blueprints(blueprint_root)
    return assess_all(inventories, library, today or dt.date.today())


def netbox_connect(
    config: Path | None = None, *, ca_bundle: Path | None = None, insecure_http: bool = False
) -> NetBoxClient:
    """A checked NetBox connection (URL reachable, token accepted, version supported),
    settings from NETBOX_URL/NETBOX_TOKEN or the config file; `.url`, `.version`."""
    from lsg_infra import netbox as nb

    return nb.connect(nb.load_settings(config, ca_bundle=ca_bundle, insecure_http=insecure_http))


def netbox_push(
    inventories: Sequence[Inventory],
    client: NetBoxClient,
    *,
    apply: bool = False,
    prune: bool = False,
    scope: Sequence[str] | None = None,
    on_read: Callable[[int], None] | None = None,
    on_write: Callable[[ChangeSet], Callable[[int], None] | None] | None = None,
) -> PushResult:
    """Compare inventories with NetBox and, with `apply`, make NetBox match; `scope`
    limits reading and pruning to those LSG ids (None: every object tagged lsg-infra).

    `on_read(n)` is called as kinds are read; `on_write(changes)` before writing, and
    may return a callback called as objects are written.
    """
    from lsg_infra import netbox as nb

    return nb.push(
        inventories,
        client,
        apply_changes=apply,
        prune=prune,
        scope=scope,
        on_read=on_read,
        on_write=on_write,
    )


def netbox_pull(
    client: NetBoxClient,
    lsgs: Sequence[str] = (),
    *,
    on_read: Callable[[int], None] | None = None,
) -> list[Inventory]:
    """The inventories NetBox holds (all LSG tenants tagged lsg-infra, or `lsgs`)."""
    from lsg_infra import netbox as nb

    return nb.pull(client, lsgs, on_read=on_read)


def write_pulled_inventories(
    inventories: Sequence[Inventory], out: Path, *, overwrite: bool = False
) -> list[Path]:
    """Write pulled inventories as `<out>/<country>/<slug>.yaml`; the paths written.

    A file a person wrote is never replaced unless `overwrite`: the pull goes beside it
    as `<slug>.netbox.yaml` (not read as an inventory), to compare and merge.
    """
    from lsg_infra import netbox as nb

    return nb.write_inventories(inventories, out, overwrite=overwrite)


__all__ = [
    "Assessment",
    "Compliance",
    "Discovery",
    "GapChange",
    "InputError",
    "LsgProgress",
    "Money",
    "Progress",
    "ansible_inventory",
    "assess",
    "blueprint_for",
    "check_plan_folder",
    "discover",
    "generate_sample",
    "inventory_detail",
    "inventory_files",
    "inventory_row",
    "load_blueprints",
    "load_inventories",
    "load_inventories_with_discovered",
    "missing_extra_hint",
    "netbox_connect",
    "netbox_pull",
    "netbox_push",
    "plan",
    "preflight",
    "preflight_policy",
    "progress",
    "provision",
    "read_variables",
    "require_provisionable",
    "ssh_addresses",
    "ssh_options",
    "ssh_targets",
    "validate_all",
    "validate_blueprints",
    "write_plan",
    "write_pulled_inventories",
    "write_text",
]
