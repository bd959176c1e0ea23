"""Safe, bounded YAML reading that remembers where every record came from.

PyYAML's C parser composes the node graph (aliases stay shared, so composing a
"billion laughs" file is cheap); we then build plain Python values ourselves so
that we can refuse duplicate keys, cycles and alias bombs, and record the line of
every mapping for error messages. Only the tags of the YAML 1.1 core schema are
accepted: the file is data, never code.
"""

from __future__ import annotations

import contextlib
import gc
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import yaml

from lsg_infra.textsafe import printable, quoted

try:  # the C parser is 10-20x faster; fall back quietly where libyaml is missing
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on the platform's PyYAML build
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_RESOLVED: dict[str, str] = {}
_RESOLVED_MAX = 100_000


_base_resolve = cast(Callable[[Any, Any, Any, Any], str], _BaseLoader.resolve)


class _Loader(_BaseLoader):
    """The safe loader, with implicit tags memoised by value.

    Resolving a plain scalar's tag runs a list of regular expressions in Python for
    every scalar; inventories repeat the same few thousand values (`kind: server`,
    `site: town-hall`, years), so remembering the answer halves the composing time.
    The tag of a plain scalar depends only on its text (we use no path resolvers).
    """

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode:
            if not implicit[0]:
                return _STR_TAG
            tag = _RESOLVED.get(value)
            if tag is None:
                tag = _base_resolve(self, kind, value, implicit)
                if len(_RESOLVED) >= _RESOLVED_MAX:
                    _RESOLVED.clear()
                _RESOLVED[value] = tag
            return tag
        return _base_resolve(self, kind, value, implicit)

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None  # only path resolvers need this bookkeeping, and we have none

    def ascend_resolver(self) -> None:
        return None


MAX_FILE_BYTES = 16 * 1024 * 1024
"""A 400-asset inventory is about 60 KB; Belgrade's would be well under 1 MB."""

MAX_NUMBER_DIGITS = 64
"""A whole number longer than this is a mistake (Python refuses past 4,300 digits)."""

MAX_DEPTH = 64
"""Nesting levels allowed; an inventory needs about five."""

MAX_NODES_FACTOR = 64
MAX_NODES_FLOOR = 100_000
"""Building more values than this (per byte of input) means aliases are multiplying."""

Path_ = tuple[str | int, ...]

_scalar_constructor = yaml.SafeLoader.__new__(yaml.SafeLoader)
yaml.constructor.SafeConstructor.__init__(_scalar_constructor)

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


class YamlProblem(Exception):
    """Raised inside the reader; becomes one Problem for the file."""

    def __init__(self, line: int, message: str, where: str = "") -> None:
        super().__init__(message)
        self.line = line
        self.where = where
        self.message = message


@dataclass(slots=True)
class Document:
    """A YAML file read into plain values, with the line of each mapping by path."""

    path: Path
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    root: yaml.Node | None = None
    _keys: dict[int, dict[str, tuple[int, yaml.Node]]] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int:
        """Line of the value at `path`, or of its nearest enclosing mapping or list item."""
        node = self.root
        best = self.lines.get((), 1)
        if node is None:
            return best
        for part in path:
            found = _child(node, part, self._keys)
            if found is None:
                break
            key_line, node = found
            best = key_line
        return best


def _child(
    node: yaml.Node, part: str | int, index: dict[int, dict[str, tuple[int, yaml.Node]]]
) -> tuple[int, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        # One index per mapping, built on first use: a file with 50,000 unknown keys
        # asks for 50,000 lines, and scanning the keys each time made that quadratic.
        keys = index.get(id(node))
        if keys is None:
            keys = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    keys.setdefault(key.value, (key.start_mark.line + 1, value))
            index[id(node)] = keys
        return keys.get(str(part))
    if (
        isinstance(node, yaml.SequenceNode)
        and isinstance(part, int)
        and 0 <= part < len(node.value)
    ):
        item = node.value[part]
        return item.start_mark.line + 1, item
    return None


def format_path(path: Path_) -> str:
    """('assets', 3, 'ram_gb') -> 'assets[3].ram_gb'."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def read_text(path: Path, display: str, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The file as text, or YamlProblem for oversized, non-UTF-8 or empty files."""
    size = path.stat().st_size
    if size > max_bytes:
        raise YamlProblem(
            0,
            f"file is {size:,} bytes; expected at most {max_bytes:,} (split it or raise the limit)",
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise YamlProblem(
            line, f"byte 0x{raw[exc.start]:02x} is not valid UTF-8; save the file as UTF-8"
        ) from None
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise YamlProblem(0, "file is empty; expected a YAML mapping")
    if "\x00" in text:
        raise YamlProblem(text.count("\n", 0, text.index("\x00")) + 1, "file contains NUL bytes")
    return text


def load(path: Path, display: str | None = None, keep_nodes: bool = False) -> Document:
    """Read one YAML file safely. Raises YamlProblem with a line number."""
    text = read_text(path, display or str(path))
    with collector_paused():
        return _parse(path, text, keep_nodes)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while one file is composed and built.

    A 400-asset file makes some 6,300 nodes and as many values, which sets off
    collection after collection, the larger ones scanning everything the process
    already holds (the inventories read so far): reading 250 files took 1.7x as long.
    Nodes and values form no reference cycles, so reference counting frees them
    (the nodes of a refused alias cycle wait for the collector's next run).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parse(path: Path, text: str, keep_nodes: bool) -> Document:
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        what = exc.problem or "invalid YAML"
        if exc.context:
            what = f"{exc.context}: {what}"
        lines = text.splitlines()
        if 0 < line <= len(lines) and "\t" in lines[line - 1]:
            # libyaml's message does not name the character; a tab is by far the usual one
            what += " (a tab? indent with spaces, YAML does not allow tabs there)"
        raise YamlProblem(line, f"YAML syntax error: {what}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(0, f"YAML error: {exc}") from None
    if root is None:
        raise YamlProblem(0, "file is empty; expected a YAML mapping")
    builder = _Builder(budget=max(MAX_NODES_FLOOR, len(text) * MAX_NODES_FACTOR))
    data = builder.build(root, ())
    builder.lines.setdefault((), root.start_mark.line + 1)
    return Document(path=path, data=data, lines=builder.lines, root=root if keep_nodes else None)


def reload_nodes(doc: Document) -> Document:
    """Compose the file again to locate lines of individual keys (only on errors)."""
    if doc.root is None:
        with contextlib.suppress(yaml.YAMLError, OSError, UnicodeDecodeError):
            doc.root = yaml.compose(doc.path.read_text("utf-8-sig"), Loader=_Loader)
    return doc


class _Builder:
    """Turns composed nodes into dicts, lists and scalars, with limits."""

    __slots__ = ("_active", "budget", "lines", "nodes")

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.nodes = 0
        self.lines: dict[Path_, int] = {}
        self._active: set[int] = set()

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.nodes += 1
        if self.nodes > self.budget:
            raise YamlProblem(
                node.start_mark.line + 1,
                "aliases expand to too many values (an alias bomb?); expected plain data",
                format_path(path),
            )
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if len(path) > MAX_DEPTH:
            # Python recursion would fail near 1,000 levels; inventories need about 5
            raise YamlProblem(
                node.start_mark.line + 1,
                f"nested more than {MAX_DEPTH} levels deep; expected plain data",
            )
        key = id(node)
        if key in self._active:
            raise YamlProblem(
                node.start_mark.line + 1,
                "an alias refers to itself (a cycle)",
                format_path(path),
            )
        self._active.add(key)
        try:
            if isinstance(node, yaml.SequenceNode):
                self._expect_tag(node, "tag:yaml.org,2002:seq", path)
                self.lines[path] = node.start_mark.line + 1
                return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
            if isinstance(node, yaml.MappingNode):
                self._expect_tag(node, "tag:yaml.org,2002:map", path)
                self.lines[path] = node.start_mark.line + 1
                return self._mapping(node, path)
        finally:
            self._active.discard(key)
        raise YamlProblem(node.start_mark.line + 1, "unsupported YAML node")  # pragma: no cover

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        merged: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                merged.update(self._merge(value_node, path))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem(key_node.start_mark.line + 1, "a key must be plain text")
            key = self._scalar(key_node, path)
            if not isinstance(key, str | int | bool) or key is None:
                raise YamlProblem(key_node.start_mark.line + 1, f"key {quoted(key)} is not text")
            if isinstance(key, bool | int):
                key = key_node.value  # `yes:` or `10:` as a key means the text
            if key in out:
                where = format_path((*path, key))
                raise YamlProblem(
                    key_node.start_mark.line + 1,
                    f"duplicate key {quoted(key)} (first at line {self._key_line(node, key)})",
                    where,
                )
            out[key] = self.build(value_node, (*path, key))
        for key, value in merged.items():
            out.setdefault(key, value)
        return out

    def _merge(self, node: yaml.Node, path: Path_) -> dict[Any, Any]:
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        merged: dict[Any, Any] = {}
        for source in reversed(sources):
            value = self.build(source, path)
            if not isinstance(value, dict):
                raise YamlProblem(node.start_mark.line + 1, "'<<' expects a mapping to merge")
            merged.update(value)
        return merged

    @staticmethod
    def _key_line(node: yaml.MappingNode, key: str) -> int:
        for key_node, _ in node.value:
            if key_node.value == key:
                return int(key_node.start_mark.line) + 1
        return 0

    @staticmethod
    def _expect_tag(node: yaml.Node, tag: str, path: Path_) -> None:
        if node.tag != tag:
            raise _tag_refused(node, path)

    @staticmethod
    def _scalar(node: yaml.ScalarNode, path: Path_) -> Any:
        if node.tag not in _SCALAR_TAGS:
            raise _tag_refused(node, path)
        tag = node.tag
        if tag == _STR_TAG:
            return node.value
        if tag == _INT_TAG and len(node.value) > MAX_NUMBER_DIGITS:
            raise YamlProblem(
                node.start_mark.line + 1,
                f"a number of {len(node.value):,} characters; expected at most "
                f"{MAX_NUMBER_DIGITS} digits",
                format_path(path),
            )
        fast = _FAST_SCALARS.get(tag)
        if fast is not None:
            value = fast(node.value)
            if value is not _SLOW:
                return value
        try:
            value = _scalar_constructor.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            kind = _TAG_WORDS.get(tag, "value")
            raise YamlProblem(
                node.start_mark.line + 1,
                # the reason only for dates ("month must be in 1..12"); for numbers it
                # would quote the whole value again
                f"{quoted(node.value)} is not a valid {kind}"
                + (f": {printable(str(exc))[:80]}" if tag == _TIMESTAMP_TAG else ""),
                format_path(path),
            ) from None
        return value


_TAG_WORDS = {
    "tag:yaml.org,2002:timestamp": "date",
    "tag:yaml.org,2002:int": "whole number",
    "tag:yaml.org,2002:float": "number",
}


def _tag_refused(node: yaml.Node, path: Path_) -> YamlProblem:
    tag = str(node.tag)
    shown = "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml") else tag
    return YamlProblem(
        node.start_mark.line + 1,
        f"tag {shown} is not allowed; the file is plain data (text, numbers, lists, mappings)",
        format_path(path),
    )


_SLOW = object()
_DECIMAL = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_PLAIN_FLOAT = re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)$")
_BOOLS = {
    v: b
    for b, words in ((True, ("yes", "true", "on", "y")), (False, ("no", "false", "off", "n")))
    for w in words
    for v in (w, w.capitalize(), w.upper())
}


def _fast_int(text: str) -> Any:
    return int(text) if _DECIMAL.match(text) else _SLOW


def _fast_float(text: str) -> Any:
    return float(text) if _PLAIN_FLOAT.match(text) else _SLOW


_FAST_SCALARS: dict[str, Callable[[str], Any]] = {
    # The common spellings, converted directly; anything else (0x1f, 1_000, 1:30,
    # .inf) goes through PyYAML's own constructor so the result is always the same.
    "tag:yaml.org,2002:int": _fast_int,
    "tag:yaml.org,2002:float": _fast_float,
    "tag:yaml.org,2002:bool": lambda text: _BOOLS.get(text, _SLOW),
    "tag:yaml.org,2002:null": lambda text: None,
}


def iter_yaml_files(root: Path) -> Iterator[Path]:
    """YAML entries under `root` in a stable order (sorted paths), or `root` itself.

    Entries that are not folders are listed whatever they are (links, pipes, devices):
    the caller refuses what is not a regular file inside the folder, rather than
    skipping it without a word. Linked folders are not entered.
    """
    if not root.is_dir():
        yield root
        return
    yield from sorted(
        p for p in root.rglob("*") if p.suffix in {".yaml", ".yml"} and not _is_real_dir(p)
    )


def _is_real_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(path.lstat().st_mode)
    except OSError:
        return False
