#!/usr/bin/env bash
# Installs the outside audit tools the provisioning end-to-end test checks the
# hosts with, as a municipality's security auditor would run them:
#   lynis      (Debian package) copied into each test host and run there
#   sslyze     (PyPI) in its own virtualenv: it pins cryptography<47, which the
#              project's Ansible collections cannot use (community.crypto)
#   ssh-audit  (PyPI) comes with the project's dev extra
# Prints nothing on stdout; `ci/audit-tools.sh --print-sslyze` prints the path
# of the sslyze command. Called by ci/test-tools.sh (make test), never by a test.
set -euo pipefail
# shellcheck source=ci/lib.sh
source "$(dirname "$0")/lib.sh"

AUDIT_VENV="$LSG_STATE_DIR/audit-venv"
SSLYZE_VERSION="6.3.1"

if [[ ${1:-} == --print-sslyze ]]; then
  printf '%s\n' "$AUDIT_VENV/bin/sslyze"
  exit 0
fi

ensure_tools lynis:lynis python3:python3
# python3 -m venv needs Debian's python3-venv (ensurepip).
if ! python3 -c 'import ensurepip' 2>/dev/null; then
  [[ $(id -u) -eq 0 ]] || missing "python3-venv (apt-get install -y python3-venv)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >&2
fi
installed=$("$AUDIT_VENV/bin/python" -m pip show sslyze 2>/dev/null | sed -n 's/^Version: //p' || true)
if [[ $installed != "$SSLYZE_VERSION" ]]; then
  log "installing sslyze $SSLYZE_VERSION into $AUDIT_VENV"
  mkdir -p "$LSG_STATE_DIR"
  with_lock audit-venv bash -c "
    rm -rf '$AUDIT_VENV' && python3 -m venv '$AUDIT_VENV' &&
    '$AUDIT_VENV/bin/python' -m pip install --quiet 'sslyze==$SSLYZE_VERSION'" >&2
fi
"$AUDIT_VENV/bin/sslyze" --help >/dev/null
log "audit tools ready: lynis $(lynis show version 2>/dev/null), sslyze $SSLYZE_VERSION"
