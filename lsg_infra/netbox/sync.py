"""Push inventories into NetBox and pull them back: the I/O around the pure parts.

    read_state   NetBox -> State       (one paged GET series per object kind)
    change_set   desired x current     (pure, lsg_infra.netbox.diff)
    apply        ChangeSet -> NetBox       (one POST / PATCH / DELETE per kind per chunk)
    pull         NetBox -> inventory documents

Each bulk request is one database transaction in NetBox: a chunk is written
entirely or not at all. A failure stops the push after the chunks already
written; those are consistent, and the next push computes the rest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from lsg_infra import layout
from lsg_infra.atomic_write import write_text_atomic
from lsg_infra.errors import (
    ChunkFailed,
    InputError,
    LsgError,
    NetBoxRequestFailed,
    Problem,
    RemoteError,
)
from lsg_infra.model.inventory import Inventory
from lsg_infra.netbox.decode import state_from_records
from lsg_infra.netbox.diff import change_set as make_change_set
from lsg_infra.netbox.from_netbox import pulled_documents
from lsg_infra.netbox.model import (
    KINDS,
    ORDER,
    TAG_SLUG,
    Change,
    ChangeSet,
    Key,
    Kind,
    Ref,
    State,
)
from lsg_infra.netbox.pulled import validate_pulled
from lsg_infra.netbox.to_netbox import desired_state
from lsg_infra.redact import redact

Advance = Callable[[int], None]

MAX_FILTER_VALUES = 50
"""Up to this many LSGs are filtered by NetBox; more are read whole and filtered here."""


class Transport(Protocol):
    """What the sync needs from NetBox; NetBoxClient implements it, tests fake it."""

    page_size: int

    def read_all(self, kind: Kind, filters: Mapping[str, Any]) -> list[dict[str, Any]]: ...

    def create(self, kind: Kind, objects: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]: ...

    def update(self, kind: Kind, objects: Sequence[Mapping[str, Any]]) -> None: ...

    def delete(self, kind: Kind, ids: Sequence[int]) -> None: ...


def _filters(kind: Kind, lsgs: Collection[str]) -> dict[str, Any]:
    """Query filters for one kind; `lsgs` must name existing tenants only (NetBox
    rejects a filter on a tenant it does not know)."""
    if kind.name == "tags":
        return {"slug": TAG_SLUG}
    if kind.reference:
        return {}
    filters: dict[str, Any] = {"tag": TAG_SLUG}
    if lsgs and len(lsgs) <= MAX_FILTER_VALUES:
        if kind.name == "tenants":
            filters["slug"] = sorted(lsgs)
        elif "tenant" in kind.refs:
            filters["tenant"] = sorted(lsgs)
    return filters


def read_state(
    transport: Transport, lsgs: Collection[str] = (), advance: Advance | None = None
) -> State:
    """What NetBox holds: every reference object, and the tagged objects of `lsgs`
    (of every LSG when empty). One paged read per kind."""
    records: dict[str, list[dict[str, Any]]] = {}
    wanted = set(lsgs)
    tenants: set[str] = set()
    for name in ORDER:
        kind = KINDS[name]
        if kind.reference:
            records[name] = transport.read_all(kind, _filters(kind, ()))
        elif not records["tags"]:
            # Nothing can be ours; and NetBox rejects a filter on an unknown tag.
            records[name] = []
        elif kind.name == "tenants":
            records[name] = transport.read_all(kind, _filters(kind, wanted))
        elif wanted and not wanted & tenants:
            records[name] = []  # none of the LSGs is in NetBox yet
        else:
            records[name] = transport.read_all(kind, _filters(kind, wanted & tenants))
        if name == "tenants":
            tenants = {str(r.get("slug")) for r in records[name]}
        if advance is not None:
            advance(1)
    return state_from_records(records)


@dataclass(frozen=True, slots=True)
class PushResult:
    change_set: ChangeSet
    applied: int = 0


def _chunks(items: Sequence[Change], size: int) -> Iterator[Sequence[Change]]:
    for start in range(0, len(items), max(1, size)):
        yield items[start : start + size]


@dataclass
class _Ids:
    """NetBox ids by natural key, learnt from reads and from create responses."""

    ids: dict[tuple[str, Key], int] = field(default_factory=dict)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, Ref):
            found = self.ids.get((value.kind, value.key))
            if found is None:
                raise _Unresolved(value)
            return found
        return value

    def ready(self, change: Change) -> bool:
        try:
            for v in change.fields.values():
                self.resolve(v)
        except _Unresolved:
            return False
        return True


class _Unresolved(Exception):
    def __init__(self, ref: Ref) -> None:
        super().__init__(f"{ref.kind} {ref}")
        self.ref = ref


def _payload(change: Change, ids: _Ids, tag_id: int | None) -> dict[str, Any]:
    body = {k: ids.resolve(v) for k, v in change.fields.items()}
    if change.action == "update":
        body["id"] = change.id
    elif KINDS[change.kind].taggable and tag_id is not None:
        body["tags"] = [tag_id]
    return body


MAX_DETAIL = 500
"""Characters of NetBox's validation errors quoted in a message."""


def _describe_errors(body: Any, chunk: Sequence[Change]) -> str:
    """'device rs-kikinda/srv-01: name: device with this name already exists'."""

    def flat(errors: Any, prefix: str = "") -> list[str]:
        if isinstance(errors, Mapping):
            out = []
            for k, v in errors.items():
                name = "" if k in ("non_field_errors", "__all__", "detail") else str(k)
                out += flat(v, f"{prefix}.{name}" if prefix and name else prefix or name)
            return out
        if isinstance(errors, list):
            texts = [str(e) for e in errors if not isinstance(e, Mapping | list)]
            nested = [e for e in errors if isinstance(e, Mapping | list)]
            out = [f"{prefix}: {' '.join(texts)}" if prefix else " ".join(texts)] if texts else []
            for e in nested:
                out += flat(e, prefix)
            return out
        return [f"{prefix}: {errors}" if prefix else str(errors)]

    if isinstance(body, list) and len(body) == len(chunk):
        for change, errors in zip(chunk, body, strict=True):
            if errors:
                return f"{change.label}: {'; '.join(flat(errors))}"
    who = (
        chunk[0].label if len(chunk) == 1 else f"one of {len(chunk)} {KINDS[chunk[0].kind].label}s"
    )
    return f"{who}: {'; '.join(flat(body)) or 'no details'}"


def apply(
    change_set: ChangeSet,
    transport: Transport,
    current: State,
    *,
    chunk_size: int | None = None,
    advance: Advance | None = None,
) -> int:
    """Carry out `change_set`; returns the number of objects written.

    Raises ChunkFailed naming the failing chunk and the object NetBox rejected.
    """
    size = chunk_size or transport.page_size
    ids = _Ids({(k, key): o.id for k in ORDER for key, o in current[k].items() if o.id})
    tag_id = ids.ids.get(("tags", (TAG_SLUG,)))
    written = 0
    groups: list[tuple[str, str, list[Change]]] = []
    for name in ORDER:
        for action in ("create", "update"):
            group = [c for c in change_set.changes if c.kind == name and c.action == action]
            if group:
                groups.append((name, action, group))
    for name in reversed(ORDER):
        group = [c for c in change_set.changes if c.kind == name and c.action == "delete"]
        if group:
            groups.append((name, "delete", group))

    for name, action, group in groups:
        kind = KINDS[name]
        pending = list(group)
        while pending:
            # Objects that refer to others of their own kind (region parents) go in waves.
            wave = [c for c in pending if action != "create" or ids.ready(c)]
            if not wave:
                raise RemoteError(
                    f"cannot create {kind.label} {pending[0].label}: it refers to an object "
                    "that does not exist"
                )
            in_wave = {id(c) for c in wave}
            pending = [c for c in pending if id(c) not in in_wave]
            chunks = list(_chunks(wave, size))
            for number, chunk in enumerate(chunks, 1):
                try:
                    if action == "create":
                        body = [_payload(c, ids, tag_id) for c in chunk]
                        created = transport.create(kind, body)
                        for change, record in zip(chunk, created, strict=True):
                            ids.ids[(name, change.key)] = int(record["id"])
                            if name == "tags" and change.key == (TAG_SLUG,):
                                tag_id = int(record["id"])
                    elif action == "update":
                        transport.update(kind, [_payload(c, ids, tag_id) for c in chunk])
                    else:
                        transport.delete(kind, [int(c.id) for c in chunk if c.id is not None])
                except NetBoxRequestFailed as exc:
                    where = (
                        f"{action} {kind.label}s, chunk {number}/{len(chunks)} "
                        f"({len(chunk)} objects)"
                    )
                    detail = _describe_errors(exc.body, chunk) if exc.status == 400 else str(exc)
                    # an error body is the server's text: bounded, and never a secret
                    detail = " ".join(redact(detail).split())
                    if len(detail) > MAX_DETAIL:
                        detail = detail[: MAX_DETAIL - 3] + "..."
                    raise ChunkFailed(
                        f"NetBox rejected {where}: {detail}; {written} object(s) written before "
                        "it are kept, nothing of this chunk was written; fix it and push again"
                    ) from None
                except LsgError as exc:
                    raise ChunkFailed(
                        f"{exc} (during {action} {kind.label}s, chunk {number}/{len(chunks)}; "
                        f"{written} object(s) written before it are kept; push again)"
                    ) from None
                written += len(chunk)
                if advance is not None:
                    advance(len(chunk))
    return written


def push(
    inventories: Sequence[Inventory],
    transport: Transport,
    *,
    apply_changes: bool = False,
    prune: bool = False,
    scope: Collection[str] | None = None,
    chunk_size: int | None = None,
    on_read: Advance | None = None,
    on_write: Callable[[ChangeSet], Advance | None] | None = None,
) -> PushResult:
    """Compare inventories with NetBox and, with `apply_changes`, make NetBox match.

    `scope` limits reading and pruning to those LSG ids (None: all tagged objects).
    """
    current = read_state(transport, scope or (), on_read)
    changes = make_change_set(desired_state(inventories), current, prune=prune, scope=scope)
    if not apply_changes or not changes.changes:
        return PushResult(changes)
    advance = on_write(changes) if on_write is not None else None
    written = apply(changes, transport, current, chunk_size=chunk_size, advance=advance)
    return PushResult(changes, written)


# ---------------------------------------------------------------- pull


def pull(
    transport: Transport, lsgs: Collection[str] = (), *, on_read: Advance | None = None
) -> list[Inventory]:
    """The inventories NetBox holds for `lsgs` (all LSG tenants when empty), validated.

    Raises InputError with every problem of every LSG, each naming its NetBox object.
    """
    state = read_state(transport, lsgs, on_read)
    try:
        documents = pulled_documents(state, lsgs)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RemoteError(
            f"NetBox data lsg-infra cannot turn into inventories ({type(exc).__name__})"
        ) from None
    inventories = []
    problems: list[Problem] = []
    for pulled in documents:
        inventory, found = validate_pulled(pulled)
        problems += found
        if inventory is not None:
            inventories.append(inventory)
    if problems:
        raise InputError(problems)
    missing = sorted(set(lsgs) - {inv.id for inv in inventories})
    if missing:
        raise RemoteError(f"NetBox has no LSG tenant tagged {TAG_SLUG} for {', '.join(missing)}")
    return inventories


def inventory_document(inventory: Inventory) -> dict[str, Any]:
    """The inventory as the plain mapping a person would write: defaults left out."""
    doc = inventory.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    doc.pop("schema", None)
    doc["municipality"] = inventory.municipality.model_dump(
        mode="json", exclude_none=True, exclude_defaults=True
    )
    controls = doc.get("controls") or {}
    for key, control in list(controls.items()):
        # `firewall: true` instead of `firewall: {}`, as people write it.
        if set(control) <= {"in_place"}:
            controls[key] = control.get("in_place", True)
    order = ["municipality", "sites", "links", "assets", "software", "services", "controls"]
    # Sections added later (website, ...) follow in the model's order: a pull never drops
    # a section only because this list does not name it.
    order += [k for k in doc if k not in order]
    return {k: doc[k] for k in order if doc.get(k) or k in ("municipality", "sites")}


_STAMP = "# lsg-infra netbox pull, content sha256:"


def inventory_yaml(inventory: Inventory) -> str:
    """The inventory file `pull` writes: a header naming its origin, with a digest of
    the content so that a later pull can tell whether a person has edited it since."""
    body = yaml.safe_dump(
        inventory_document(inventory), sort_keys=False, allow_unicode=True, width=100
    )
    header = f"# {inventory.municipality.name}: pulled from NetBox by lsg-infra.\n"
    return header + f"{_STAMP}{_digest(body)}\n" + body


def _digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def written_by_pull(path: Path) -> bool:
    """True when `path` is a file `pull` wrote and nobody has changed since."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
            if _STAMP.encode() not in head:
                return False
            text = (head + fh.read()).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    _header, _, rest = text.partition("\n")
    stamp, _, body = rest.partition("\n")
    return stamp.startswith(_STAMP) and stamp[len(_STAMP) :] == _digest(body)


def write_inventories(
    inventories: Sequence[Inventory], out: Path, *, overwrite: bool = False
) -> list[Path]:
    """Write each inventory as `<out>/<country>/<slug>.yaml`; the paths written.

    A file a person wrote there (anything but an unchanged earlier pull) is never
    rewritten: the pull goes beside it as `<slug>.netbox.yaml`, to compare and merge
    by hand, unless `overwrite`.
    """
    paths = []
    for inv in inventories:
        path = layout.inventory_path(out, inv.id)
        if not overwrite and (path.exists() or path.is_symlink()) and not written_by_pull(path):
            path = layout.pulled_path(path)
        write_text_atomic(path, inventory_yaml(inv))
        paths.append(path)
    return paths
