"""`lsg init`: the start of an LSG's own repository, so that a municipal IT person edits a
valid file instead of facing a blank page.

What it writes (never over an existing file):

    inventory/<country>/<slug>.yaml   the LSG from the reference list, census population filled
    schemas/inventory.schema.json     for the editor's `yaml-language-server` line
    .github/workflows/lsg.yml         or .gitlab-ci.yml: the CI template
    README.md                         the next steps
    .gitignore                        outputs and provisioning runs stay out of git

The names, type, district and population come from the reference list
(blueprints/reference/lsgs.csv, with its sources); `render_inventory` is pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from lsg_infra import bundled, layout
from lsg_infra.atomic_write import create_atomic
from lsg_infra.errors import UsageError
from lsg_infra.model.inventory import COUNTRY_NAMES
from lsg_infra.readers import lsg_reference
from lsg_infra.readers.lsg_reference import ReferenceLsg

CiService = Literal["github", "gitlab", "none"]
REFERENCE_LIST = lsg_reference.FILE
CI_TEMPLATES: dict[str, tuple[str, Path]] = {
    "github": ("github-actions.yml", Path(".github") / "workflows" / "lsg.yml"),
    "gitlab": ("gitlab-ci.yml", Path(".gitlab-ci.yml")),
}


def parse_reference_list(text: str) -> dict[str, ReferenceLsg]:
    """LSG id -> its row of lsgs.csv: the one reader of the list (readers.lsg_reference)."""
    return lsg_reference.parse(text)


def reference_list() -> dict[str, ReferenceLsg]:
    """The reference list lsg-infra ships with."""
    path = bundled.blueprints() / REFERENCE_LIST
    return parse_reference_list(path.read_text("utf-8"))


def find(lsgs: dict[str, ReferenceLsg], wanted: str) -> ReferenceLsg:
    """The LSG `wanted` (id such as rs-kikinda, or a slug found in one country only),
    or UsageError naming close matches."""
    if wanted in lsgs:
        return lsgs[wanted]
    by_slug = [lsg for lsg in lsgs.values() if lsg.slug == wanted]
    if len(by_slug) == 1:
        return by_slug[0]
    close = [i for i in lsgs if wanted.lower() in i]
    hint = f"; did you mean {', '.join(close[:5])}?" if close else " (ids as in lsgs.csv)"
    raise UsageError(f"unknown LSG '{wanted}' in the reference list{hint}")


def _scalar(value: object) -> str:
    # YAML quoting of names such as "Kanjiža" or "Yes" is PyYAML's job, not ours
    return yaml.safe_dump(value, allow_unicode=True, width=1000).removesuffix("\n...\n").strip()


def render_inventory(lsg: ReferenceLsg, employees: int, population: int | None = None) -> str:
    """The inventory file of a new LSG repository: valid as it is, meant to be filled in.

    `population` (from the user) replaces the reference list's figure.
    """
    given = population is not None
    people = population if population is not None else lsg.population
    if people is None:
        raise UsageError(
            f"the reference list has no census population for {lsg.id} yet; "
            "give it with --population N (the latest census figure)"
        )
    if given:
        source = "given to `lsg init` by hand: cite the census it comes from here"
    else:
        year = f"{lsg.census_year} census" if lsg.census_year else "census"
        source = f"{year}, {lsg.source or 'lsg-infra reference list (blueprints/reference)'}"
    country = COUNTRY_NAMES.get(lsg.country, lsg.country)
    lines = [
        f"# {lsg.name} ({country}). The ICT inventory of the LSG, started by `lsg init`.",
        f"# Population: {source}.",
        "# Fill in sites, links, assets, software, services and controls; check with",
        "# `lsg validate` (the format: schemas/inventory.schema.json, also in your editor).",
        "# yaml-language-server: $schema=../../schemas/inventory.schema.json",
        "municipality:",
        f"  id: {lsg.id}",
        f"  name: {_scalar(lsg.name)}",
    ]
    if lsg.name_local:
        lines.append(f"  name_local: {_scalar(lsg.name_local)}")
    lines += [f"  country: {lsg.country}", f"  type: {lsg.type}"]
    if lsg.district:
        lines.append(f"  district: {_scalar(lsg.district)}")
    lines.append(f"  population: {people}")
    if lsg.census_year and not given:
        lines.append(f"  census_year: {lsg.census_year}")
    lines += [
        f"  employees: {employees}  # administration staff",
        "  it_staff: 0  # staff whose job is IT",
        "  trained_staff: 0  # completed digital-skills training",
        "sites:",
        "  - id: town-hall",
        f"    name: {_scalar('City hall' if lsg.type in ('city', 'capital') else 'Town hall')}",
        "    roles: [headquarters, service-centre]",
        "links: []     # {site: town-hall, kind: fiber, provider: ..., down_mbps: 100}",
        "assets: []    # servers, workstations, network; identical items: one record, count",
        "software: []  # {name: ..., category: office, version: ...}",
        "services: []  # eServices in use, ids from the blueprints' eservices.yaml",
        "controls: {}  # security controls in place, ids from the blueprints' controls.yaml",
    ]
    return "\n".join(lines) + "\n"


def render_readme(lsg: ReferenceLsg, inventory: Path, ci: CiService) -> str:
    """The next steps, for the person who ran `lsg init`."""
    ci_step = {
        "github": "Push to GitHub: `.github/workflows/lsg.yml` validates the inventory and "
        "publishes the plan on every change (its head says which variables to set).",
        "gitlab": "Push to GitLab: `.gitlab-ci.yml` validates the inventory and builds the plan "
        "on every change (its head says which variables to set).",
        "none": "Run `lsg init . --lsg ... --ci github` (or gitlab) later for a CI template.",
    }[ci]
    return f"""# ICT inventory of {lsg.name}

Kept with lsg-infra: the inventory of the LSG's
ICT, compared with the reference blueprint for its size and country, and turned into a
costed procurement plan.

## Next steps

1. Install the tool from a checkout of lsg-infra: `pipx install ./lsg-infra` (or
   `pip install ./lsg-infra`); add `[provision]` to provision servers with Ansible,
   `[discovery]` to read facts from servers over SSH, `[netbox]` for NetBox, `[all]`
   for everything, e.g. `pip install './lsg-infra[provision]'`.
2. Fill in `{inventory.as_posix()}`: staff numbers, sites, internet links, servers and
   computers, software, eServices, security controls. An editor with a YAML language
   server (VS Code with the YAML extension) checks the file as you type against
   `schemas/inventory.schema.json`.
3. Check it: `lsg validate` (one line per problem, with file and line).
4. See what is missing against the blueprint: `lsg gaps`, then the costed plan:
   `lsg plan --out out/` (JSON, CSV, Excel and a printable HTML report).
5. {ci_step}
6. Own prices or requirements: `lsg blueprint export blueprints` writes lsg-infra's
   blueprints and price catalogue here; edit them, and every command uses `./blueprints`.
"""


# .out.lock: `lsg plan` serialises runs into out/ with a lock file beside it (atomic_write.py).
GITIGNORE = "out/\n.out.lock\nruns/\n"


@dataclass(frozen=True, slots=True)
class Scaffold:
    """What `init` did: files written, and files that existed and were left as they were."""

    inventory: Path
    written: list[Path]
    kept: list[Path]


def init(
    target: Path, lsg_id: str, *, employees: int, population: int | None, ci: CiService
) -> Scaffold:
    """Write the start of LSG `lsg_id`'s own repository into `target`, never overwriting."""
    lsg = find(reference_list(), lsg_id)
    inventory = layout.inventory_path(layout.INVENTORY_DIR, lsg.id)
    files: list[tuple[Path, bytes]] = [
        (inventory, render_inventory(lsg, employees, population).encode("utf-8")),
        (
            Path("schemas") / "inventory.schema.json",
            (bundled.schemas() / "inventory.schema.json").read_bytes(),
        ),
    ]
    if ci != "none":
        template, destination = CI_TEMPLATES[ci]
        files.append((destination, (bundled.folder("ci") / template).read_bytes()))
    files += [
        (Path("README.md"), render_readme(lsg, inventory, ci).encode("utf-8")),
        (Path(".gitignore"), GITIGNORE.encode("utf-8")),
    ]
    written: list[Path] = []
    kept: list[Path] = []
    for relative, data in files:
        (written if create_atomic(target / relative, data) else kept).append(target / relative)
    return Scaffold(inventory=target / inventory, written=written, kept=kept)
