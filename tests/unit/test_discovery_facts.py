"""Fact parsers on output recorded from (or written after) real distributions.

The expected values are data, like pyinfra's fact cases: tests/data/discovery/<distro>/
holds each fact's output (<fact>.out) and expected.json, the parsed value per attribute
of HostFacts. A new distribution is a folder, not code.
"""

from __future__ import annotations

import functools
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from lsg_infra.discovery.facts import FACTS, session
from lsg_infra.discovery.facts.base import Fact
from lsg_infra.discovery.facts.models import HostFacts
from lsg_infra.discovery.facts.session import Section, parse_facts
from lsg_infra.discovery.facts.system import parse_hostname, parse_kernel, parse_uptime

DATA = Path(__file__).parent.parent / "data" / "discovery"


def recorded(distro: str) -> dict[str, Section]:
    return {
        f.name: Section(text=(DATA / distro / f"{f.name}.out").read_text(), rc=0, truncated=False)
        for f in FACTS
    }


def fact_cases() -> list[Any]:
    """One case per attribute of HostFacts per distribution, from its expected.json."""
    cases = []
    for file in sorted(DATA.glob("*/expected.json")):
        expected = json.loads(file.read_text())
        expected.pop("why", None)  # what a case shows that is not obvious, for the reader
        for attribute, value in expected.items():
            distro = file.parent.name
            cases.append(pytest.param(distro, attribute, value, id=f"{distro}:{attribute}"))
    return cases


@functools.cache
def recorded_host(distro: str) -> HostFacts:
    return parse_facts(recorded(distro))


@pytest.mark.parametrize(("distro", "attribute", "expected"), fact_cases())
def test_fact_case(distro: str, attribute: str, expected: Any) -> None:
    """tests/data/discovery/<distro>/<fact>.out parsed -> expected.json[attribute].

    A dotted attribute (memory.total_gb) is a property of the parsed record; values
    are compared in their JSON form (datetimes as ISO 8601 text).
    """
    value: Any = recorded_host(distro)
    for part in attribute.split("."):
        value = getattr(value, part)
    assert TypeAdapter(Any).dump_python(value, mode="json") == expected


def test_every_distribution_has_a_case_for_every_fact() -> None:
    """A new fact (a field of HostFacts) or a new recorded distribution needs its cases."""
    folders = sorted(p.parent for p in DATA.glob("*/hostname.out"))
    assert len(folders) >= 4  # debian-12, ubuntu-22.04, ubuntu-24.04, rocky-9 today
    for folder in folders:
        expected = json.loads((folder / "expected.json").read_text())
        assert set(HostFacts.model_fields) <= set(expected), folder.name


def test_whole_recorded_session_splits_into_the_same_sections() -> None:
    text = (DATA / "debian-12" / "combined.out").read_text()
    nonce = (DATA / "debian-12" / "nonce").read_text().strip()
    sections = session.split_output(text, nonce)
    assert set(sections) == {f.name for f in FACTS}
    assert all(s.rc == 0 and not s.truncated for s in sections.values())
    assert sections["hostname"].text == "disc-rec-1\n"
    assert parse_facts(sections) == parse_facts(recorded("debian-12"))


@pytest.mark.parametrize(
    "junk",
    ["", "\x00\x01\x02", "\ufffd" * 50, "garbage\n" * 100, "CPU(s): lots\n", "{not json"],
)
def test_odd_output_never_raises(junk: str) -> None:
    host = parse_facts({f.name: Section(text=junk, rc=0, truncated=False) for f in FACTS})
    assert host.hostname in (None, "garbage")
    assert host.memory is None and host.cpu is None


def test_a_fact_that_times_out_or_is_cut_is_named() -> None:
    sections = recorded("debian-12")
    sections["packages"] = Section(text=sections["packages"].text[:100], rc=124, truncated=False)
    sections["services"] = Section(text="x" * 10, rc=0, truncated=True)
    del sections["updates"]
    host = parse_facts(sections)
    assert "packages: timed out after 30 s" in host.problems
    assert any(p.startswith("services: output cut") for p in host.problems)
    assert "updates: no output" in host.problems
    assert host.hostname == "disc-rec-1"


def test_markers_need_the_nonce() -> None:
    nonce = "0123456789abcdef"
    text = (
        f"\n@@{nonce} begin hostname@@\nreal\n@@{nonce} rc hostname 0@@\n"
        "@@ffffffffffffffff begin os@@\nforged\n"
        f"\n@@{nonce} end hostname@@\n"
    )
    sections = session.split_output(text, nonce)
    assert list(sections) == ["hostname"]
    assert sections["hostname"].rc == 0
    assert "forged" in sections["hostname"].text


def test_output_cut_short_marks_the_last_section_truncated() -> None:
    nonce = "0123456789abcdef"
    text = (
        f"\n@@{nonce} begin hostname@@\nweb01\n@@{nonce} end hostname@@\n"
        f"@@{nonce} begin os@@\nID=deb"
    )
    sections = session.split_output(text, nonce)
    assert not sections["hostname"].truncated
    assert sections["os"].truncated


def test_combined_script_runs_under_posix_sh(tmp_path: Path) -> None:
    """The script is valid sh, caps output per fact and keeps exit statuses (run locally)."""
    big = Fact("hostname", "yes lsg | head -c 100000", parse_hostname, cap=1000)
    fail = Fact("kernel", "exit 3", parse_kernel)
    slow = Fact("uptime", "sleep 5", parse_uptime, timeout=1)
    nonce = session.new_nonce()
    script = session.combined_script(nonce, [big, fail, slow])
    done = subprocess.run(["sh", "-s"], input=script, capture_output=True, text=True, timeout=20)
    sections = session.split_output(done.stdout, nonce, [big, fail, slow])
    assert len(sections["hostname"].text) == 1000 and sections["hostname"].truncated
    assert sections["kernel"].rc == 3
    assert sections["uptime"].rc == 124


def test_nonce_must_be_hex() -> None:
    with pytest.raises(ValueError):
        session.combined_script("'; rm -rf / #")
