"""The generated Ansible inventory and the preflight checks (no hosts needed)."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from lsg_infra.errors import InputError
from lsg_infra.model.inventory import Backup, Inventory
from lsg_infra.provision import platforms
from lsg_infra.provision.inventory import Connection, ansible_inventory, backup_problems
from lsg_infra.provision.preflight import OsPolicy, parse
from lsg_infra.provision.runner import recap
from lsg_infra.readers.blueprints import require_library
from lsg_infra.readers.files import load_inventory_file

DATA = Path(__file__).parents[1] / "data" / "provision"
BLUEPRINTS = Path(__file__).parents[2] / "blueprints"
PLAYBOOKS = Path(__file__).parents[2] / "playbooks"
# 2026-11-30 (UTC) and 2026-06-09: after and before Debian 12's end of support.
LATE_2026 = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC).timestamp()
EARLY_2026 = dt.datetime(2026, 6, 9, 12, tzinfo=dt.UTC).timestamp()


@pytest.fixture(scope="module")
def policy() -> OsPolicy:
    software = require_library(BLUEPRINTS).software
    roles = platforms.read_role_platforms(PLAYBOOKS)
    return OsPolicy(tuple(platforms.resolve(roles, software)), software)


def load_testopolje() -> Inventory:
    inv, problems = load_inventory_file(DATA / "rs" / "testopolje.yaml")
    assert not problems, problems
    assert inv is not None
    return inv


def test_groups_follow_the_playbooks_contract() -> None:
    data = ansible_inventory(load_testopolje(), tier="medium")["all"]
    assert list(data["hosts"]) == ["testopolje-app01", "testopolje-db01"]  # vh01 has no address
    assert data["hosts"]["testopolje-db01"]["ansible_host"] == "db01.testopolje.lsg.internal"
    groups = {name: sorted(g["hosts"]) for name, g in data["children"].items()}
    assert groups == {
        "country_rs": ["testopolje-app01", "testopolje-db01"],
        "lsg_rs_testopolje": ["testopolje-app01", "testopolje-db01"],
        "role_backup": ["testopolje-db01"],
        "role_database": ["testopolje-db01"],
        "role_monitoring": ["testopolje-app01"],
        "role_web": ["testopolje-app01"],  # implied by the website
        "role_website": ["testopolje-app01"],
    }
    assert data["children"]["lsg_rs_testopolje"]["vars"] == {
        "lsg_id": "rs-testopolje",
        "lsg_name": "Testopolje",
        "lsg_name_local": "Тестопоље",
        "lsg_country": "RS",
        "lsg_tier": "medium",
    }
    assert data["vars"] == {}


def test_connection_overrides_for_tests_and_strict_host_keys() -> None:
    conn = Connection(
        known_hosts=Path("/k/known_hosts"),
        identity=Path("/k/id"),
        addresses={"app01": ("127.0.0.1", 2201)},
    )
    data = ansible_inventory(load_testopolje(), tier="small", connection=conn)["all"]
    assert (
        data["hosts"]["testopolje-app01"]["ansible_host"],
        data["hosts"]["testopolje-app01"]["ansible_port"],
    ) == ("127.0.0.1", 2201)
    assert data["hosts"]["testopolje-db01"]["ansible_host"] == "db01.testopolje.lsg.internal"
    assert "StrictHostKeyChecking=yes" in data["vars"]["ansible_ssh_common_args"]
    assert "UserKnownHostsFile=/k/known_hosts" in data["vars"]["ansible_ssh_common_args"]
    assert data["vars"]["ansible_ssh_private_key_file"] == "/k/id"


def test_preflight_parse_good_and_bad(policy: OsPolicy) -> None:
    now = int(LATE_2026)
    good = f"sudo=yes\nos=debian 13\ndisk_free=21474836480\nntp=yes\nepoch={now - 10}\n"
    assert all(c.ok for c in parse(good, now, policy))
    bad = f"sudo=no\nos=debian 10\ndisk_free=1073741824\nntp=no\nepoch={now - 1000}\n"
    checks = {c.name: c for c in parse(bad, now, policy)}
    assert [n for n, c in checks.items() if not c.ok] == ["sudo", "os", "disk", "time"]
    assert "debian 10" in checks["os"].detail
    assert "1.0 GiB free" in checks["disk"].detail
    garbage = {c.name: c.ok for c in parse("\x00\xff binary junk", 0, policy)}
    assert garbage == {"reachable": True, "sudo": False, "os": False, "disk": False, "time": False}


def test_preflight_refuses_debian_12_after_its_end_of_support_and_says_how_to_upgrade(
    policy: OsPolicy,
) -> None:
    line = "os=debian 12\n"
    [os_check] = [c for c in parse(line, LATE_2026, policy) if c.name == "os"]
    assert not os_check.ok
    assert "security support ended on 2026-06-10" in os_check.detail
    assert "Debian 13 (trixie)" in os_check.detail
    assert "apt full-upgrade" in os_check.detail
    [os_check] = [c for c in parse("os=debian 13\n", LATE_2026, policy) if c.name == "os"]
    assert os_check.ok and "until 2028-08-09" in os_check.detail


def test_preflight_accepts_what_the_support_data_and_the_roles_agree_on(policy: OsPolicy) -> None:
    # One source of truth: every release the roles name resolves through
    # blueprints/software_support.yaml, and preflight accepts exactly the ones
    # whose security support has not ended, so `lsg provision` never builds a
    # server that `lsg gaps` then reports as unsupported.
    software = policy.software
    for role, named in platforms.read_role_platforms(PLAYBOOKS).items():
        assert named == {"Debian": ("trixie",)}, role
    today = dt.datetime.fromtimestamp(LATE_2026, dt.UTC).date()
    accepted = {(p.os_id, p.version) for p in policy.platforms if p.supported_on(today)}
    assert accepted == {("debian", "13")}
    for os_id, version in accepted:
        known, end = software.end_of_support("Debian", version)
        assert known and (end is None or end > today)
        assert platforms.os_verdict(os_id, version, policy.platforms, software, today)[0]
    # The gap analysis' view of a release the roles dropped: ended.
    assert software.end_of_support("Debian", "12") == (True, dt.date(2026, 6, 10))


def test_roles_naming_a_release_the_support_data_lacks_is_an_error(policy: OsPolicy) -> None:
    with pytest.raises(InputError, match="Debian forky, which has no entry"):
        platforms.resolve({"base": {"Debian": ["trixie", "forky"]}}, policy.software)
    # a role that still lists bookworm does not make bookworm accepted: every role must
    both = platforms.resolve(
        {"base": {"Debian": ["bookworm", "trixie"]}, "web": {"Debian": ["trixie"]}},
        policy.software,
    )
    assert [p.label for p in both] == ["Debian 13 (trixie)"]
    before = dt.datetime.fromtimestamp(EARLY_2026, dt.UTC).date()
    bookworm = platforms.resolve({"base": {"Debian": ["bookworm"]}}, policy.software)
    assert platforms.os_verdict("debian", "12", bookworm, policy.software, before)[0]


def test_recap_lists_every_host_even_untouched() -> None:
    stats = {"ok": {"a": 10}, "changed": {"a": 2}, "dark": {"b": 1}, "failures": {}}
    rows = {r.host: r for r in recap(stats, ["b", "a", "c"])}
    assert (rows["a"].ok, rows["a"].changed, rows["a"].succeeded) == (10, 2, True)
    assert (rows["b"].unreachable, rows["b"].succeeded) == (1, False)
    assert rows["c"].ok == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("admin_users: [\n", "vars.yml:2: YAML syntax error"),
        ("- just\n- a list\n", "vars.yml:1: expected a mapping of variables"),
    ],
)
def test_bad_extra_vars_file_is_one_line_with_file_and_line(
    tmp_path: Path, text: str, expected: str
) -> None:
    # checked before anything connects to a host
    bad = tmp_path / "vars.yml"
    bad.write_text(text)
    root = Path(__file__).resolve().parents[2]
    lsg = str(Path(sys.executable).with_name("lsg"))
    done = subprocess.run(
        [lsg, "provision", "rs-kikinda", "-i", str(root / "inventory"), "-e", str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert expected in done.stderr
    assert "Traceback" not in done.stderr


def test_redact_replaces_every_secret_and_its_json_form() -> None:
    from lsg_infra.provision.scrub import redact, secret_values, stored_environment

    env = {
        "LSG_SSH_PASSWORD": 'pa"ss\\word-1',
        "NETBOX_TOKEN": "0123456789abcdef",
        "LSG_SECRETS_DIR": "/home/ict/secrets",  # a path to secrets, not a secret
        "LSG_WP_SALT_SEED": "short",  # too short to be told from ordinary words: kept
        "PATH": "/usr/bin",
        "ANSIBLE_BECOME_PASS": "become-secret",
    }
    secrets = secret_values(env)
    assert secrets == ["0123456789abcdef", "become-secret", 'pa"ss\\word-1']  # longest first
    text = json.dumps({"a": env["LSG_SSH_PASSWORD"], "b": "token 0123456789abcdef"})
    clean = redact(text, secrets)
    assert "word-1" not in clean and "0123456789abcdef" not in clean
    assert clean.count("***") == 2
    stored = stored_environment(env)
    assert stored["PATH"] == "/usr/bin"
    assert stored["ANSIBLE_BECOME_PASS"] == "<not stored>"
    assert stored["NETBOX_TOKEN"] == "<not stored>"
    assert set(stored) == set(env)


def test_provision_artifacts_hold_no_secret_of_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A real ansible-runner run (local connection, no host): ansible-runner writes
    # the whole environment to artifacts/<ident>/command, and a task that prints
    # a secret puts it in stdout and the job events. None of it may stay on disk.
    from lsg_infra.provision.runner import run_playbook

    secrets = {
        "LSG_SSH_PASSWORD": "ssh-Pa55word-from-env",
        "NETBOX_TOKEN": "nbt0123456789abcdef0123456789abcdef0123",
        "LSG_WP_DB_PASSWORD": "wp-db-secret-value-42",
    }
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    project = tmp_path / "project"
    project.mkdir()
    (project / "ansible.cfg").write_text("[defaults]\n")
    (project / "leak.yml").write_text(
        "- hosts: all\n  gather_facts: false\n  tasks:\n"
        "    - ansible.builtin.debug:\n"
        "        msg: \"{{ lookup('ansible.builtin.env', 'LSG_WP_DB_PASSWORD') }}\"\n"
    )
    inventory = {
        "all": {
            "hosts": {
                "here": {
                    "ansible_connection": "local",
                    "ansible_python_interpreter": sys.executable,
                }
            }
        }
    }
    result = run_playbook(
        inventory, run_dir=tmp_path / "runs", playbooks=project, playbook="leak.yml"
    )
    assert result.succeeded, result
    assert [(h.host, h.ok) for h in result.hosts] == [("here", 1)]  # recap still readable
    command = json.loads((result.artifacts / "command").read_text())
    assert command["env"]["NETBOX_TOKEN"] == "<not stored>"
    stdout = (result.artifacts / "stdout").read_text()
    assert "***" in stdout  # the task's output was there, and was scrubbed
    files = [p for p in (tmp_path / "runs").rglob("*") if p.is_file()]
    assert len(files) > 3
    for path in files:
        data = path.read_bytes()
        for name, value in secrets.items():
            assert value.encode() not in data, f"{name} in {path}"


SECRET_VAR = re.compile(r"\b(\w*(?:password|passphrase|salt_seed|secret|token|ca_key)\w*)\b", re.I)
PASSWORD_LOOKUP = re.compile(r"lookup\('ansible\.builtin\.(?:password|env)'")


def _role_tasks() -> Iterator[tuple[str, dict[str, Any]]]:
    for path in sorted(PLAYBOOKS.glob("roles/*/tasks/*.yml")):
        for task in yaml.safe_load(path.read_text()) or []:
            for inner in task.get("block", [task]):
                yield f"{path.relative_to(PLAYBOOKS)}: {inner.get('name')}", inner


def _secret_variables() -> set[str]:
    """Variables whose value is a secret: named so, or read from a password lookup."""
    names: set[str] = set()
    for path in PLAYBOOKS.glob("roles/*/defaults/main.yml"):
        for name, value in (yaml.safe_load(path.read_text()) or {}).items():
            is_path = name.endswith(("_dir", "_file", "_path"))
            if not is_path and (SECRET_VAR.fullmatch(name) or PASSWORD_LOOKUP.search(str(value))):
                names.add(name)
    return names


def test_every_task_that_templates_or_sets_a_secret_keeps_it_out_of_output_and_diffs() -> None:
    # `lsg provision --check` runs with --diff: a task that writes a secret into a
    # file must have diff: false and no_log: true, or the secret lands in the
    # console and in runs/<lsg>/artifacts.
    secrets = _secret_variables()
    assert {"website_db_password", "website_salt_seed", "backup_password"} <= secrets
    assert {"internal_ca_key", "internal_ca_key_passphrase"} <= secrets
    careless = []
    for where, task in _role_tasks():
        args = json.dumps({k: v for k, v in task.items() if k not in ("name", "when")})
        used = {s for s in secrets if s in args} or PASSWORD_LOOKUP.search(args)
        module = next((k for k in task if k.endswith((".template", ".copy"))), None)
        if module is not None and module.endswith(".template"):
            src = task[module]["src"]
            if "{{" not in src:
                role = where.split("/")[1]
                text = (PLAYBOOKS / "roles" / role / "templates" / src).read_text()
                used = used or {s for s in secrets if s in text}
        if not used:
            continue
        if task.get("no_log") is not True:
            careless.append(f"{where}: no no_log: true")
        if module is not None and task.get("diff") is not False:
            careless.append(f"{where}: writes a file with a secret without diff: false")
    assert careless == []


def test_the_internal_ca_has_one_source_shared_by_the_roles() -> None:
    # The CA is given (vault, environment) or made on the controller in one
    # place, the internal_ca role; a role that made its own from lsg_ca_dir
    # would make a second CA when the first is given (an AWX job's empty disk).
    own = []
    for where, task in _role_tasks():
        role = where.split("/")[1]
        text = json.dumps(task)
        # (a self-signed stand-in made on the server, webfront's ACME, is no CA)
        signs_or_makes = "localhost" in text and any(
            m in text for m in ('"ownca"', '"selfsigned"', "openssl_privatekey")
        )
        if role != "internal_ca" and (signs_or_makes or "lsg_ca_" in text):
            own.append(where)
    assert own == []
    importers = {
        where.split("/")[1]
        for where, task in _role_tasks()
        if task.get("ansible.builtin.import_role", {}).get("name") == "internal_ca"
    }
    assert importers == {"webfront", "backup"}
    for role in importers:
        defaults = yaml.safe_load(
            (PLAYBOOKS / "roles" / role / "defaults" / "main.yml").read_text()
        )
        assert not any("lsg_ca_" in str(v) for v in defaults.values()), role


def test_collection_requirements_are_pinned_to_what_the_roles_are_tested_with() -> None:
    import ansible_collections

    pinned = {
        c["name"]: c["version"]
        for c in yaml.safe_load((PLAYBOOKS / "collections" / "requirements.yml").read_text())[
            "collections"
        ]
    }
    used = set()
    for path in PLAYBOOKS.rglob("*.yml"):
        used |= set(re.findall(r"\b((?:community|ansible)\.[a-z_]+)\.[a-z_]+\b", path.read_text()))
    used.discard("ansible.builtin")
    assert used <= set(pinned), used - set(pinned)
    root = Path(next(iter(ansible_collections.__path__)))
    for name, version in pinned.items():
        manifest = root / name.replace(".", "/") / "MANIFEST.json"
        assert json.loads(manifest.read_text())["collection_info"]["version"] == version, name


def test_scrubbed_job_events_stay_valid_json(tmp_path: Path) -> None:
    # The redaction layer masks what follows "authorization" (HTTP headers); in a
    # job event that is a module parameter, `"authorization": null`. Redacting the
    # raw text made the event invalid JSON and ansible-runner lost the recap.
    from lsg_infra.provision.scrub import scrub_artifacts

    events = tmp_path / "job_events"
    events.mkdir()
    event = {
        "event": "runner_on_ok",
        "event_data": {
            "res": {"invocation": {"module_args": {"authorization": None, "name": "x"}}},
            "stdout": "password is Rotated-secret-1234",
        },
    }
    (events / "1-a.json").write_text(json.dumps(event))
    scrub_artifacts(tmp_path, {"LSG_WP_DB_PASSWORD": "Rotated-secret-1234"})
    cleaned = json.loads((events / "1-a.json").read_text())
    assert cleaned["event_data"]["stdout"] == "password is ***"
    assert cleaned["event_data"]["res"]["invocation"]["module_args"]["authorization"] is None


# ------------------------------------------------------------------ backups


def _with_roles(inventory: Any, roles: dict[str, list[str]]) -> Any:
    assets = [
        a.model_copy(update={"roles": roles[a.id]}) if a.id in roles else a
        for a in inventory.assets
    ]
    return inventory.model_copy(update={"assets": assets})


def test_a_server_with_data_may_not_be_its_own_only_backup_host() -> None:
    # Testopolje's db01 holds the database and the only repository: its backups
    # would die with it. app01 (the website) can send its own to db01.
    problems = backup_problems(load_testopolje())
    assert [(p.where, p.line) for p in problems] == [("asset db01", 16)]
    assert str(problems[0]).startswith("tests/data/provision/rs/testopolje.yaml:16: asset db01:")
    assert "no other managed server of rs-testopolje has the role backup" in problems[0].message
    # Once app01 keeps backups too, each sends its own to the other.
    both = _with_roles(load_testopolje(), {"app01": ["website", "monitoring", "backup"]})
    assert backup_problems(both) == []
    # The sample LSG that the end-to-end test provisions passes.
    kikinda, _ = load_inventory_file(
        Path(__file__).parents[2] / "inventory" / "rs" / "kikinda.yaml"
    )
    assert kikinda is not None and backup_problems(kikinda) == []


SAMPLES = Path(__file__).parents[2] / "inventory"


def test_every_sample_lsg_keeps_backups_elsewhere_or_is_told_what_to_add() -> None:
    # Podgorica and Skopje have a second managed server (a VM on other hardware
    # for Skopje) that keeps the others' backups; Kotor, Bitola and Kladovo have
    # one managed server only, and the refusal says what to add, which the plan
    # budgets: the blueprint's backup-storage requirement is a gap of each.
    refused: dict[str, str] = {}
    for path in sorted(SAMPLES.glob("*/*.yaml")):
        inv, problems = load_inventory_file(path)
        assert inv is not None and not problems, problems
        for problem in backup_problems(inv):
            refused[inv.id] = problem.message
    assert sorted(refused) == ["me-kotor", "mk-bitola", "rs-kladovo"]
    for lsg, message in refused.items():
        assert f"it is the only managed server of {lsg}" in message
        assert "add a second managed server or virtual machine on other hardware" in message
        assert "roles: [backup], manage: {host: ...}" in message
    from lsg_infra import api

    assessed = api.assess([SAMPLES], only=sorted(refused), today=dt.date(2026, 12, 1))
    for assessment in assessed:
        missing = {g.requirement for g in assessment.gaps}
        assert "backup-storage" in missing, assessment


def test_the_refusal_names_the_managed_servers_that_could_keep_the_backups() -> None:
    problems = backup_problems(load_testopolje())
    assert problems[0].message.endswith("give one of app01 the role backup")


@pytest.mark.parametrize("command", ["provision", "preflight"])
def test_provision_and_preflight_refuse_a_host_that_backs_up_to_itself(
    tmp_path: Path, command: str
) -> None:
    # One line with file and line, exit 2, before anything connects to a host.
    folder = tmp_path / "inventory" / "rs"
    folder.mkdir(parents=True)
    (folder / "testopolje.yaml").write_text((DATA / "rs" / "testopolje.yaml").read_text())
    lsg = str(Path(sys.executable).with_name("lsg"))
    done = subprocess.run(
        [lsg, command, "rs-testopolje", "-i", str(tmp_path / "inventory")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines == [lines[0], "1 problem found"], done.stderr
    assert lines[0].startswith("inventory/rs/testopolje.yaml:16: asset db01: has data to back up")


OFFSITE = {
    "repository": "rest:https://backup.zrenjanin.lsg.internal:8443/rs-testopolje",
    "on_calendar": "*-*-* 04:30:00",
}


def test_the_offsite_target_reaches_the_playbooks_as_a_group_variable() -> None:
    inv = load_testopolje().model_copy(
        update={"backup": Backup.model_validate({"offsite": OFFSITE})}
    )
    data = ansible_inventory(inv, tier="small")["all"]
    assert data["children"]["lsg_rs_testopolje"]["vars"]["lsg_backup_offsite"] == OFFSITE
    plain = ansible_inventory(load_testopolje(), tier="small")["all"]
    assert "lsg_backup_offsite" not in plain["children"]["lsg_rs_testopolje"]["vars"]


@pytest.mark.parametrize(
    ("offsite", "expected"),
    [
        ({"repository": "rest:https://u:secret@host:8443/x"}, "should match pattern"),
        ({"repository": "rest:http://host:8000/x"}, "should match pattern"),
        ({"repository": "sftp:host:/srv"}, "should match pattern"),
        ({"repository": "s3:s3.example.org/bucket"}, "needs 'user'"),
        ({"repository": "rest:https://h/x", "ca_certificate": "not a pem"}, "one PEM"),
        ({"repository": "rest:https://h/x", "on_calendar": "daily\nExecStart=/bin/sh"}, "pattern"),
    ],
)
def test_offsite_targets_carry_no_credentials_and_only_tls(
    offsite: dict[str, str], expected: str
) -> None:
    with pytest.raises(ValueError, match=expected):
        Backup.model_validate({"offsite": offsite})


def test_each_repository_host_knows_which_clients_it_keeps(tmp_path: Path) -> None:
    # The repository host removes the REST accounts of clients that are no longer
    # in this list (tasks/repository_host.yml), so it must hold exactly the
    # clients that send there: every client of the LSG goes to the first backup
    # host other than itself. Templated by Ansible itself, no host connected.
    inventory = {
        "all": {
            "children": {
                "lsg_rs_x": {"hosts": {h: {} for h in ("b1", "b2", "d", "w", "m")}},
                "lsg_rs_y": {"hosts": {"y1": {}, "y2": {}}},
                "role_backup": {"hosts": {"b1": {}, "b2": {}, "y1": {}}},
                "role_database": {"hosts": {"b1": {}, "d": {}, "y2": {}}},
                "role_website": {"hosts": {"w": {}}},
            },
            "vars": {"ansible_connection": "local"},
        }
    }
    (tmp_path / "inventory.yml").write_text(yaml.safe_dump(inventory))
    play = [
        {
            "hosts": "all",
            "gather_facts": False,
            # What the find task registers on a repository host: one former client.
            "vars": {
                "backup_prune_passwords": {
                    "files": [
                        {"path": "/etc/lsg-backup-prune/d.password"},
                        {"path": "/etc/lsg-backup-prune/old.password"},
                    ]
                }
            },
            "vars_files": [
                str(PLAYBOOKS / "group_vars" / "all.yml"),
                str(PLAYBOOKS / "roles" / "backup" / "defaults" / "main.yml"),
            ],
            "tasks": [
                {
                    "ansible.builtin.copy": {
                        "dest": str(tmp_path / "{{ inventory_hostname }}.json"),
                        "content": "{{ [backup_rest_clients, backup_former_clients] | to_json }}",
                        "mode": "0600",
                    },
                    "delegate_to": "localhost",
                }
            ],
        }
    ]
    (tmp_path / "play.yml").write_text(yaml.safe_dump(play))
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("ansible-playbook")),
            "-i",
            str(tmp_path / "inventory.yml"),
            str(tmp_path / "play.yml"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    found = {
        h: json.loads((tmp_path / f"{h}.json").read_text())
        for h in ("b1", "b2", "d", "w", "m", "y1", "y2")
    }
    kept = {h: clients for h, (clients, _) in found.items()}
    # b1 keeps d's repository, so of d and old only old is a former client there.
    assert found["b1"][1] == ["old"]
    assert found["b2"][1] == ["d", "old"]
    # b1 keeps every client but itself; b1's own backups go to b2; y is another LSG.
    assert kept == {
        "b1": ["d", "w"],
        "b2": ["b1"],
        "d": [],
        "w": [],
        "m": [],
        "y1": ["y2"],
        "y2": [],
    }
