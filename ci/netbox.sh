#!/usr/bin/env bash
# Start and stop a real NetBox server (image from ci/build-netbox-image.sh)
# with its HTTP port published on 127.0.0.1 only.
#
# Usage:
#   ci/netbox.sh up [--name NAME]     start (replacing a running NAME), create
#                                     an API token, wait until /api/status/
#                                     answers; prints the state JSON path
#   ci/netbox.sh down [--name NAME]   stop and remove it
#   ci/netbox.sh down --all           stop and remove every test NetBox
#
# State ($LSG_STATE_DIR/netbox/NAME/, mode 0700):
#   netbox.json  {"name", "container", "url", "token", "token_file",
#                 "version", "image"}
#   token        the API token (v1, 40 hex characters)
# The token is never printed; read it from the state file.
#
# Environment: LSG_CI_READY_TIMEOUT (seconds, default 180).
set -euo pipefail
# shellcheck source=ci/lib.sh
source "$(dirname "$0")/lib.sh"

NAME="lsg-netbox"
ALL=0
CMD="${1:-}"
shift || true
while (($#)); do
  case "$1" in
    --name) NAME="$2"; shift 2 ;;
    --name=*) NAME="${1#*=}"; shift ;;
    --all) ALL=1; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
[[ $NAME =~ ^[a-z0-9][a-z0-9-]*$ ]] || die "--name must be lower-case letters, digits and '-'"

DIR="$LSG_STATE_DIR/netbox/$NAME"
STATE="$DIR/netbox.json"
READY_TIMEOUT="${LSG_CI_READY_TIMEOUT:-180}"

down() {
  local ids
  if ((ALL)); then
    mapfile -t ids < <(lsg_podman ps -aq --filter "label=$LSG_LABEL.kind=netbox")
  else
    mapfile -t ids < <(lsg_podman ps -aq --filter "label=$LSG_LABEL.kind=netbox" --filter "label=$LSG_LABEL.group=$NAME")
  fi
  if ((${#ids[@]})); then
    log "removing ${#ids[@]} NetBox container(s)"
    # Throw-away server (the image holds the pristine database): kill fast.
    remove_containers "${ids[@]}"
  fi
  if ((ALL)); then rm -rf "$LSG_STATE_DIR/netbox"; else rm -rf "$DIR"; fi
}

up() {
  ensure_podman
  local started=$SECONDS image port
  image=$("$LSG_CI_DIR/build-netbox-image.sh")
  down
  trap 'log "netbox.sh up failed; removing $NAME"; lsg_podman logs --tail 30 "$NAME" >&2 2>/dev/null || true; down' EXIT
  mkdir -p "$DIR"
  chmod 700 "$DIR"
  # A v1 token: 40 hex characters, created inside the container at start.
  python3 -c 'import secrets; print(secrets.token_hex(20))' | write_private_file "$DIR/token"

  local t_start=$SECONDS
  lsg_podman run -d --name "$NAME" \
    --label "$LSG_LABEL=1" --label "$LSG_LABEL.kind=netbox" --label "$LSG_LABEL.group=$NAME" \
    "${LSG_ULIMITS[@]}" \
    --publish "127.0.0.1::8080" \
    --volume "$DIR/token:/run/lsg-netbox/token:ro" \
    "$image" >/dev/null
  port=$(published_port "$NAME" 8080)
  log "NetBox container started, waiting for http://127.0.0.1:$port/api/status/"

  # Ready = the API answers with our token (so the token exists too).
  local version
  version=$(python3 - "http://127.0.0.1:$port" "$DIR/token" "$READY_TIMEOUT" "$NAME" <<'PY'
import json, subprocess, sys, time, urllib.request
url, token_file, timeout, name = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
token = open(token_file).read().strip()
deadline = time.monotonic() + timeout
last = ""
while time.monotonic() < deadline:
    running = subprocess.run(
        ["podman", "--runtime", "runc", "inspect", "-f", "{{.State.Running}}", name],
        capture_output=True, text=True,
    ).stdout.strip()
    if running != "true":
        sys.exit(f"container {name} exited before NetBox was ready")
    req = urllib.request.Request(
        url + "/api/status/",
        headers={"Authorization": f"Token {token}", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            print(json.load(resp)["netbox-version"])
            sys.exit(0)
    except Exception as exc:  # not up yet: connection refused, 403 before the token exists, ...
        last = str(exc)
    time.sleep(1)
sys.exit(f"NetBox not ready after {timeout:.0f}s: {last}")
PY
  ) || die "NetBox did not become ready"
  log "NetBox $version answered after $((SECONDS - t_start)) s"

  python3 - "$STATE" "$NAME" "http://127.0.0.1:$port" "$DIR/token" "$version" "$image" <<'PY'
import json, os, sys
state, name, url, token_file, version, image = sys.argv[1:]
doc = {
    "name": name,
    "container": name,
    "url": url,
    "token": open(token_file).read().strip(),
    "token_file": token_file,
    "version": version,
    "image": image,
}
tmp = state + ".tmp"
with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as fh:
    json.dump(doc, fh, indent=2)
    fh.write("\n")
os.replace(tmp, state)
PY
  trap - EXIT
  log "NetBox ready in $((SECONDS - started)) s; state: $STATE"
  printf '%s\n' "$STATE"
}

case "$CMD" in
  up) up ;;
  down) ensure_podman; down ;;
  # The token stays in the state file; status shows everything else.
  status)
    [[ -f $STATE ]] || die "no state for $NAME ($STATE)"
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["token"]="<in state file>"; print(json.dumps(d, indent=2))' "$STATE" ;;
  *) die "usage: ci/netbox.sh up [--name NAME] | down [--name NAME|--all] | status" ;;
esac
