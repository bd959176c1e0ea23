"""The data lsg-infra ships with (blueprints, playbooks, schemas, CI templates), found the
same way in an installed wheel and in a checkout, and written out without overwriting."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lsg_infra import api, bundled
from lsg_infra.errors import UsageError
from lsg_infra.provision import runner

REPO = Path(__file__).resolve().parents[2]


def test_in_a_checkout_the_top_level_folders_are_the_bundled_ones() -> None:
    assert bundled.blueprints() == REPO / "blueprints"
    assert bundled.playbooks() == REPO / "playbooks"
    assert (bundled.schemas() / "inventory.schema.json").is_file()
    assert (bundled.folder("ci") / "github-actions.yml").is_file()


def fake_wheel(tmp_path: Path) -> Path:
    """site-packages/lsg_infra as a wheel lays it out: the data under _bundled/."""
    package = tmp_path / "site-packages" / "lsg_infra"
    shutil.copytree(REPO / "blueprints", package / "_bundled" / "blueprints")
    (package / "_bundled" / "playbooks").mkdir()
    (package / "_bundled" / "playbooks" / "site.yml").write_text("[]\n")
    return package


def test_in_a_wheel_the_package_copy_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = fake_wheel(tmp_path)
    monkeypatch.setattr(bundled, "_package", lambda: package)
    assert bundled.blueprints() == package / "_bundled" / "blueprints"
    assert bundled.playbooks() == package / "_bundled" / "playbooks"
    # what the wheel does not carry is not looked for next to site-packages
    (tmp_path / "site-packages" / "schemas").mkdir()
    with pytest.raises(UsageError, match="lsg-infra's own schemas are not installed"):
        bundled.schemas()


def test_an_lsgs_own_blueprints_win_over_the_bundled_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert api.default_blueprints() == bundled.blueprints()
    (tmp_path / "blueprints").mkdir()
    assert api.default_blueprints() == Path("blueprints")


def test_provisioning_uses_the_bundled_playbooks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = fake_wheel(tmp_path)
    monkeypatch.setattr(bundled, "_package", lambda: package)
    seen: dict[str, object] = {}

    class Stop(Exception):
        pass

    def fake_run(**kwargs: object) -> None:
        seen.update(kwargs)
        raise Stop

    ansible_runner = pytest.importorskip("ansible_runner")
    monkeypatch.setattr(ansible_runner, "run", fake_run)
    with pytest.raises(Stop):
        runner.run_playbook({"all": {"hosts": {"srv-01": {}}}}, run_dir=tmp_path / "runs")
    assert seen["project_dir"] == str(package / "_bundled" / "playbooks")


def test_export_writes_the_bundled_set_and_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "blueprints"
    (target / "requirements").mkdir(parents=True)
    mine = target / "catalogue.yaml"
    mine.write_text("# my framework-agreement prices\n", "utf-8")
    result = api.export_blueprints(target)
    assert result.kept == [mine]
    assert mine.read_text("utf-8") == "# my framework-agreement prices\n"
    source = bundled.blueprints()
    shipped = sorted(p.relative_to(source) for p in source.rglob("*") if p.is_file())
    assert sorted(p.relative_to(target) for p in result.written) == [
        p for p in shipped if p != Path("catalogue.yaml")
    ]
    assert (target / "tiers.yaml").read_bytes() == (source / "tiers.yaml").read_bytes()
    assert not list(target.rglob("*.tmp"))
    again = api.export_blueprints(target)
    assert again.written == []
    assert len(again.kept) == len(shipped)


def test_exported_blueprints_are_valid_and_used(tmp_path: Path) -> None:
    api.export_blueprints(tmp_path / "blueprints")
    assert api.validate_blueprints(tmp_path / "blueprints") == []
