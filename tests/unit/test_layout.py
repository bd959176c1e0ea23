"""The layout rule's one slugify (#16): there were two, `sample.slugify` and
`netbox/to_netbox.slugify`, and they disagreed on the cases below."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from lsg_infra.layout import slugify

LSGS = Path(__file__).resolve().parents[2] / "blueprints" / "reference" / "lsgs.csv"


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Petrovac na Mlavi", "petrovac-na-mlavi"),
        ("Žabljak", "zabljak"),
        ("Smart-UPS 3000", "smart-ups-3000"),
        ("DS920+", "ds920"),
        # the NetBox one dropped đ (no decomposition): "orevac", "aranelovac"
        ("Đorđevac", "djordjevac"),
        ("Aranđelovac", "arandjelovac"),
        ("Mali Iđoš", "mali-idjos"),
    ],
)
def test_names_become_the_slugs_people_write(name: str, slug: str) -> None:
    assert slugify(name) == slug


@pytest.mark.parametrize("name", ["Кикинда", "", "---", "ß"])
def test_a_name_without_latin_letters_still_has_a_slug(name: str) -> None:
    # the sample one returned "" here: an empty NetBox slug, a file named ".yaml"
    slug = slugify(name)
    assert slug.startswith("x-") and len(slug) == 14


def test_names_without_latin_letters_do_not_share_a_slug() -> None:
    assert slugify("Кикинда") != slugify("Куманово")


def test_slugs_are_cut_to_the_limit_without_a_trailing_dash() -> None:
    # the sample one had no limit; NetBox refuses slugs over 100 characters
    assert slugify("a" * 300) == "a" * 100
    assert slugify("a" * 99 + " b") == "a" * 99
    assert slugify("Novi Sad", max_length=4) == "novi"


def test_every_lsg_name_gives_its_id_unless_the_id_says_more() -> None:
    # The ids of lsgs.csv are the names slugified; the few that are not name which
    # Palilula or that a city's own territory ("-go") is meant, or are a city's English name.
    with LSGS.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    differ = {r["id"] for r in rows if f"{r['id'][:3]}{slugify(r['name'])}" != r["id"]}
    assert differ == {
        "rs-beograd-palilula",
        "rs-nis-palilula",
        "rs-pozarevac-go",
        "rs-uzice-go",
        "rs-vranje-go",
        "mk-skopje",
    }
