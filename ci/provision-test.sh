#!/usr/bin/env bash
# Test an LSG's provisioning on throw-away container hosts: one Debian 13
# systemd host (ci/hosts.sh) per managed server of the LSG, reached through
# an ssh_config that maps "<lsg-id>/<asset-id>" to 127.0.0.1:PORT. The real
# servers are never contacted.
#
# Usage: ci/provision-test.sh LSG [--inventory PATH]... [--check] [--keep]
#                                  [-- EXTRA lsg provision ARGS]
#   --check   only a dry run of the playbooks (fast; no packages installed)
#   --keep    leave the hosts running (remove them with ci/hosts.sh down
#             --name-prefix lsg-provtest[-JOB])
# Runs `lsg preflight`, then `lsg provision`; exit code is theirs.
# Needs root (podman); the `lsg` command from PATH or $LSG; blueprints from
# $LSG_BLUEPRINTS, else ./blueprints, else lsg-infra's own.
set -euo pipefail
# shellcheck source=ci/lib.sh
source "$(dirname "$0")/lib.sh"

LSG_BIN="${LSG:-$(command -v lsg || echo "$LSG_REPO_ROOT/.venv/bin/lsg")}"
# Your own blueprints when the working directory has them, else lsg-infra's.
if [[ -z ${LSG_BLUEPRINTS:-} ]]; then
  if [[ -d blueprints ]]; then LSG_BLUEPRINTS=blueprints; else LSG_BLUEPRINTS="$LSG_REPO_ROOT/blueprints"; fi
fi
export LSG_BLUEPRINTS
# One host group per CI job: two jobs on one runner must not remove each
# other's hosts (GitLab's CI_JOB_ID, GitHub's run, attempt and job; or
# LSG_PROVTEST_JOB). Outside CI the group is lsg-provtest.
JOB_ID="${LSG_PROVTEST_JOB:-${CI_JOB_ID:-${GITHUB_RUN_ID:+$GITHUB_RUN_ID-${GITHUB_RUN_ATTEMPT:-1}-${GITHUB_JOB:-job}}}}"
JOB_ID=$(printf '%s' "$JOB_ID" | tr 'A-Z_' 'a-z-' | tr -c 'a-z0-9-' '-' | cut -c1-40)
PREFIX="lsg-provtest${JOB_ID:+-$JOB_ID}"
TARGET=""
CHECK=0
KEEP=0
declare -a INV=() EXTRA=()
while (($#)); do
  case "$1" in
    -i|--inventory) INV+=(--inventory "$2"); shift 2 ;;
    --check) CHECK=1; shift ;;
    --keep) KEEP=1; shift ;;
    --) shift; EXTRA=("$@"); break ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) TARGET="$1"; shift ;;
  esac
done
[[ -n $TARGET ]] || die "usage: ci/provision-test.sh LSG [--inventory PATH]... [--check]"
[[ -x $LSG_BIN ]] || missing "the lsg command (pip install lsg-infra, or make venv)"
ensure_podman

# The LSG's managed servers (assets with a management address).
mapfile -t ASSETS < <("$LSG_BIN" inventory show "$TARGET" "${INV[@]}" --format json | python3 -c '
import json, sys
doc = json.load(sys.stdin)
lsg = doc["municipality"]["id"]
for a in doc["assets"]:
    if a.get("manage"):
        print(lsg + "/" + a["id"])
')
((${#ASSETS[@]})) || die "$TARGET has no asset with a management address: nothing to provision"
log "${#ASSETS[@]} managed server(s): ${ASSETS[*]}"

STATE=$("$LSG_CI_DIR/hosts.sh" up "${#ASSETS[@]}" --name-prefix "$PREFIX")
((KEEP)) || trap '"$LSG_CI_DIR/hosts.sh" down --name-prefix "$PREFIX"' EXIT
GROUP_DIR=$(dirname "$STATE")

# ssh_config: each asset → one container host on loopback.
python3 - "$STATE" "${ASSETS[@]}" >"$GROUP_DIR/ssh_config" <<'PY'
import json, sys
state = json.load(open(sys.argv[1]))
for asset, host in zip(sys.argv[2:], state["hosts"], strict=True):
    assert host["address"] == "127.0.0.1"
    print(f"Host {asset}\n  HostName 127.0.0.1\n  Port {host['port']}\n  User {host['user']}\n")
PY
KEY=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["private_key"])' "$STATE")
SSH_ARGS=(--ssh-config "$GROUP_DIR/ssh_config" --known-hosts "$GROUP_DIR/known_hosts" --identity "$KEY")

log "lsg preflight $TARGET"
"$LSG_BIN" preflight "$TARGET" "${INV[@]}" "${SSH_ARGS[@]}"
declare -a MODE=()
((CHECK)) && MODE=(--check)
log "lsg provision $TARGET ${MODE[*]}"
"$LSG_BIN" provision "$TARGET" "${INV[@]}" "${SSH_ARGS[@]}" "${MODE[@]}" "${EXTRA[@]}"
