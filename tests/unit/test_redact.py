"""The redaction layer: registered secrets, URL credentials and reflected
Authorization headers never come out of `redact`, the log handlers or the CLI."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from lsg_infra import redact as r

TOKEN = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture(autouse=True)
def _empty_registry() -> Iterator[None]:
    r.forget_all()
    yield
    r.forget_all()


def test_registered_secret_is_masked_in_every_spelling() -> None:
    r.register_secret(TOKEN + "\r\n")  # as read from a file edited on Windows
    assert TOKEN not in r.redact(f"bad token {TOKEN}")
    assert "0123" not in r.redact(f"repr: {(TOKEN + chr(13))!r}")
    assert r.redact("nothing secret here") == "nothing secret here"


def test_password_with_url_special_characters_masked_quoted_too() -> None:
    r.register_secret("p@ss word/1")
    assert r.redact("https://u:p%40ss%20word%2F1@h/ and p@ss word/1") == "https://***@h/ and ***"


def test_url_credentials_masked_without_registration() -> None:
    text = "cannot reach NetBox at https://admin:hunter2@netbox.example.org:8443/api"
    assert r.redact(text) == "cannot reach NetBox at https://***@netbox.example.org:8443/api"
    assert r.redact("http://tok@h/x") == "http://***@h/x"
    assert r.redact("mail admin@example.org") == "mail admin@example.org"


@pytest.mark.parametrize(
    "body",
    [
        '{"detail": "bad", "headers": {"Authorization": "Token s3cr3tvalue"}}',
        "{'HTTP_AUTHORIZATION': 'Token s3cr3tvalue'}",
        "Authorization: Bearer s3cr3tvalue",
        "authorization=s3cr3tvalue",
    ],
)
def test_reflected_authorization_header_masked(body: str) -> None:
    assert "s3cr3tvalue" not in r.redact(body)


def test_long_token_after_the_word_token_masked() -> None:
    assert r.redact(f"Token {TOKEN} is invalid") == "Token *** is invalid"
    assert r.redact("token check failed") == "token check failed"


def test_per_call_secrets_are_not_registered() -> None:
    assert r.redact("pw is swordfish", ["swordfish"]) == "pw is ***"
    assert r.redact("pw is swordfish") == "pw is swordfish"


def test_short_values_ignored() -> None:
    r.register_secret("ab")
    r.register_secret("")
    r.register_secret(None)
    assert r.redact("abc ab") == "abc ab"


def test_environ_secrets_registered_by_name_and_url() -> None:
    r.register_environ(
        {
            "NETBOX_TOKEN": TOKEN,
            "LSG_SSH_PASSWORD": "correct horse",
            "NETBOX_URL": "https://user:urlpass99@nb/",
            "HOME": "/root",
        }
    )
    text = r.redact(f"{TOKEN} correct horse urlpass99 /root")
    assert text == "*** *** *** /root"


def test_log_records_and_tracebacks_redacted() -> None:
    r.register_secret("hunter22")
    logger = logging.getLogger("lsg_infra.test_redact")
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    handler = Collect()
    logger.addHandler(handler)
    logger.propagate = False
    try:
        r.install_log_filter(logger)
        logger.warning("password %s for %s", "hunter22", "https://u:x@h")
        try:
            raise ValueError("boom hunter22")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    assert records[0] == "password *** for https://***@h"
    assert "hunter22" not in "\n".join(records)
    assert "ValueError: boom ***" in records[1]


def test_cli_errors_pass_through_the_redaction_layer(tmp_path: Path) -> None:
    """A secret from the environment that ends up in an error line is masked: here a
    careless inventory whose text holds the SSH password, and NETBOX_URL credentials."""
    import os
    import subprocess
    import sys

    secret = "hunter2-Tr0ub4dor"
    folder = tmp_path / "inventory" / "rs"
    folder.mkdir(parents=True)
    (folder / "x.yaml").write_text(
        "municipality: {id: rs-x, name: X, country: RS, population: 5000, employees: 40,"
        f" tier: {secret}}}\nsites: [{{id: hq, name: HQ}}]\n"
    )
    env = {**os.environ, "LSG_SSH_PASSWORD": secret}
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from lsg_infra.cli.main import main; main()",
            "validate",
            str(tmp_path / "inventory"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=tmp_path,
    )
    assert proc.returncode == 2, proc.stderr
    assert "tier" in proc.stderr
    assert secret not in proc.stderr + proc.stdout
