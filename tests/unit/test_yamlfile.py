"""The safe YAML reader: values come back as written, and lines point at the records."""

from __future__ import annotations

import datetime as dt
import gc
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lsg_infra.readers import yamlfile
from lsg_infra.sample import generate_inventories, to_yaml

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Text that YAML must give back unchanged, including text that looks like other types.
texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=0, max_size=20
) | st.sampled_from(["yes", "no", "on", "off", "null", "~", "10", "2012 R2", "1e3", "0x1f"])
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**12), max_value=10**12)
    | st.floats(allow_nan=False, allow_infinity=False, width=64)
    | texts
    | st.dates(min_value=dt.date(1980, 1, 1), max_value=dt.date(2100, 1, 1))
)
keys = st.from_regex(r"[a-z][a-z0-9_-]{0,10}", fullmatch=True).filter(
    lambda k: k not in {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=25,
)


def _load_text(tmp_path: Path, text: str) -> yamlfile.Document:
    path = tmp_path / "doc.yaml"
    path.write_text(text, "utf-8")
    return yamlfile.load(path)


@SETTINGS
@given(data=st.dictionaries(keys, values, min_size=1, max_size=6))
def test_any_plain_data_round_trips(tmp_path: Path, data: dict[str, object]) -> None:
    for style in (False, True, None):
        text = yaml.safe_dump(data, default_flow_style=style, allow_unicode=True, sort_keys=False)
        assert _load_text(tmp_path, text).data == data


@SETTINGS
@given(
    lsgs=st.integers(min_value=1, max_value=3),
    assets=st.integers(min_value=1, max_value=40),
    seed=st.integers(min_value=0, max_value=10**6),
)
def test_generated_inventories_round_trip_with_lines(
    tmp_path: Path, lsgs: int, assets: int, seed: int
) -> None:
    for _, doc in generate_inventories(lsgs, assets, seed):
        for text in (to_yaml(doc), yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)):
            loaded = _load_text(tmp_path, text)
            assert loaded.data == doc
            lines = text.splitlines()
            for i, asset in enumerate(doc["assets"]):
                line = lines[loaded.lines[("assets", i)] - 1]
                # the recorded line is where the record starts: its first key is on it
                first_key = next(iter(asset))
                assert f"{first_key}: " in line or line.strip().startswith(f"- {first_key}:")


def test_line_of_points_at_the_key(tmp_path: Path) -> None:
    doc = _load_text(tmp_path, "a:\n  - x: 1\n  - x: 2\n    y:\n      z: 3\nb: text\n")
    yamlfile.reload_nodes(doc)
    assert doc.line_of(("a", 1, "y", "z")) == 5
    assert doc.line_of(("a", 1, "nope")) == 3  # nearest enclosing record
    assert doc.line_of(("b",)) == 6
    assert doc.lines[("a", 0)] == 2


def test_keys_that_yaml_reads_as_other_types_stay_text(tmp_path: Path) -> None:
    doc = _load_text(tmp_path, "on: 1\n10: 2\nyes: 3\n")
    assert doc.data == {"on": 1, "10": 2, "yes": 3}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0x1f", 31),
        ("1_000", 1000),
        ("017", 15),
        ("+12", 12),
        ("1:30", 90),
        (".inf", float("inf")),
        ("1.5e+3", 1500.0),
        ("1.5e3", "1.5e3"),  # YAML 1.1 wants the sign in the exponent
        ("Yes", True),
        ("OFF", False),
        ("~", None),
        ("2024-02-29", dt.date(2024, 2, 29)),
    ],
)
def test_scalars_match_pyyaml(tmp_path: Path, text: str, value: object) -> None:
    assert _load_text(tmp_path, f"v: {text}\n").data == {"v": value}
    assert yaml.safe_load(f"v: {text}\n") == {"v": value}


def test_merge_keys_are_supported(tmp_path: Path) -> None:
    doc = _load_text(tmp_path, "base: &b {kind: server, site: hall}\nx:\n  <<: *b\n  site: annex\n")
    assert doc.data["x"] == {"kind": "server", "site": "annex"}


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffa: 1\n".encode())
    assert yamlfile.load(path).data == {"a": 1}


def test_format_path() -> None:
    assert yamlfile.format_path(("assets", 3, "ram_gb")) == "assets[3].ram_gb"
    assert yamlfile.format_path(()) == ""


def test_the_cycle_collector_is_paused_only_while_a_file_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text("a: 1\n")
    bad.write_text("a: [1\n")
    seen: list[bool] = []
    original = yamlfile._parse

    def spy(path: Path, text: str, keep_nodes: bool) -> yamlfile.Document:
        seen.append(gc.isenabled())
        return original(path, text, keep_nodes)

    monkeypatch.setattr(yamlfile, "_parse", spy)
    assert gc.isenabled()
    yamlfile.load(good)
    with pytest.raises(yamlfile.YamlProblem):
        yamlfile.load(bad)
    assert seen == [False, False]
    assert gc.isenabled()  # back on, after a good file and after a refused one
    gc.disable()
    try:
        yamlfile.load(good)
        assert not gc.isenabled()  # a caller's own choice is left as it was
    finally:
        gc.enable()
