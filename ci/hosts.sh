#!/usr/bin/env bash
# Start and stop "municipal server" test hosts: podman containers of the image
# ci/build-host-image.sh builds, each a real systemd host with sshd published
# on a 127.0.0.1 port.
#
# Usage:
#   ci/hosts.sh up N [--name-prefix P]   start N hosts named P-1..P-N
#                                        (replaces a running group P); prints
#                                        the state JSON path on stdout
#   ci/hosts.sh down [--name-prefix P]   stop and remove group P
#   ci/hosts.sh down --all               stop and remove every test host
#   ci/hosts.sh status [--name-prefix P] print the state JSON
#
# Everything a client needs is in $LSG_STATE_DIR/hosts/P/:
#   hosts.json      machine-readable state (see write_state below)
#   id_ed25519      private key accepted for root and for admin (sudo, no password)
#   known_hosts     "[127.0.0.1]:PORT ssh-ed25519 ..." for every host
#   inventory.ini   an Ansible inventory of the group
#
# Environment:
#   LSG_CI_HOST_PODMAN_ARGS  extra `podman create` arguments (e.g. --cap-add)
#   LSG_CI_READY_TIMEOUT     seconds to wait for hosts to be ready (default 180)
set -euo pipefail
# shellcheck source=ci/lib.sh
source "$(dirname "$0")/lib.sh"

PREFIX="lsg-host"
ALL=0
COUNT=""
CMD="${1:-}"
shift || true
while (($#)); do
  case "$1" in
    --name-prefix) PREFIX="$2"; shift 2 ;;
    --name-prefix=*) PREFIX="${1#*=}"; shift ;;
    --all) ALL=1; shift ;;
    [0-9]*) COUNT="$1"; shift ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
[[ $PREFIX =~ ^[a-z0-9][a-z0-9-]*$ ]] || die "--name-prefix must be lower-case letters, digits and '-'"

GROUP_DIR="$LSG_STATE_DIR/hosts/$PREFIX"
STATE="$GROUP_DIR/hosts.json"
READY_TIMEOUT="${LSG_CI_READY_TIMEOUT:-180}"

group_containers() {
  if ((ALL)); then
    lsg_podman ps -aq --filter "label=$LSG_LABEL=1" --filter "label=$LSG_LABEL.kind=host"
  else
    lsg_podman ps -aq --filter "label=$LSG_LABEL.group=$PREFIX" --filter "label=$LSG_LABEL.kind=host"
  fi
}

down() {
  local ids
  mapfile -t ids < <(group_containers)
  if ((${#ids[@]})); then
    log "removing ${#ids[@]} test host container(s)"
    # Throw-away hosts: no need for a clean shutdown, -t 1 keeps teardown fast.
    remove_containers "${ids[@]}"
  fi
  if ((ALL)); then
    rm -rf "$LSG_STATE_DIR/hosts"
  else
    rm -rf "$GROUP_DIR"
  fi
}

# tar_to_container CONTAINER DEST_DIR SRC_DIR OWNER ENTRY...: stream ENTRYs
# (relative to SRC_DIR) into DEST_DIR with numeric OWNER, so no exec is
# needed before boot: sshd must find its host key and authorized_keys the
# moment it starts. Never pass "." (it would re-own DEST_DIR itself).
tar_to_container() {
  local ctr="$1" dest="$2" src="$3" owner="$4"; shift 4
  tar -C "$src" --numeric-owner --owner="$owner" --group="$owner" -c "$@" \
    | lsg_podman cp --archive=false - "$ctr:$dest"
}

wait_ready() {
  local name="$1" port="$2" deadline=$((SECONDS + READY_TIMEOUT)) state="" ssh_ok=0
  local -a ssh_opts=(-i "$GROUP_DIR/id_ed25519" -p "$port"
    -o BatchMode=yes -o IdentitiesOnly=yes -o ConnectTimeout=5
    -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$GROUP_DIR/known_hosts"
    -o GlobalKnownHostsFile=/dev/null -o LogLevel=ERROR)
  while ((SECONDS < deadline)); do
    state=$(lsg_podman exec "$name" systemctl is-system-running 2>/dev/null || true)
    if [[ $state == running || $state == degraded ]]; then
      # Both logins Ansible may use: root, and admin with passwordless sudo.
      if ssh "${ssh_opts[@]}" root@127.0.0.1 true </dev/null 2>/dev/null \
        && ssh "${ssh_opts[@]}" admin@127.0.0.1 sudo -n true </dev/null 2>/dev/null; then
        ssh_ok=1
        break
      fi
    fi
    sleep 0.5
  done
  if ((!ssh_ok)); then
    log "host $name not ready after ${READY_TIMEOUT}s (systemd: '${state:-?}')"
    lsg_podman exec "$name" systemctl --failed --no-pager >&2 2>/dev/null || true
    lsg_podman logs --tail 20 "$name" >&2 2>/dev/null || true
    return 1
  fi
  [[ $state == degraded ]] && log "note: $name is up but systemd reports 'degraded'"
  return 0
}

write_state() {
  local image="$1"; shift
  python3 - "$STATE" "$PREFIX" "$image" "$GROUP_DIR" "$@" <<'PY'
import json, os, sys
state, prefix, image, group_dir, *rest = sys.argv[1:]
key = os.path.join(group_dir, "id_ed25519")
kh = os.path.join(group_dir, "known_hosts")
hosts = []
for item in rest:
    name, port, hostkey = item.split("|", 2)
    hosts.append({
        "name": name,
        "container": name,
        "address": "127.0.0.1",
        "port": int(port),
        "user": "admin",          # passwordless sudo
        "root_user": "root",      # the same key is accepted for root
        "key_path": key,
        "known_hosts": kh,
        "host_key": hostkey,
    })
doc = {
    "group": prefix,
    "image": image,
    "private_key": key,
    "public_key": key + ".pub",
    "known_hosts": kh,
    "inventory": os.path.join(group_dir, "inventory.ini"),
    "hosts": hosts,
}
tmp = state + ".tmp"
with open(tmp, "w") as fh:
    json.dump(doc, fh, indent=2)
    fh.write("\n")
os.chmod(tmp, 0o600)
os.replace(tmp, state)
PY
}

up() {
  [[ $COUNT =~ ^[1-9][0-9]*$ ]] || die "usage: ci/hosts.sh up N [--name-prefix P]"
  ensure_podman
  ensure_tools ssh:openssh-client ssh-keygen:openssh-client tar:tar
  local started=$SECONDS image
  image=$("$LSG_CI_DIR/build-host-image.sh")

  # A group is replaced as a whole: leftovers of an aborted run must not
  # survive with stale keys. If anything below fails, remove what we started.
  down
  trap 'log "hosts.sh up failed; removing group $PREFIX"; down' EXIT
  mkdir -p "$GROUP_DIR"
  chmod 700 "$GROUP_DIR"
  ssh-keygen -q -t ed25519 -N "" -C "lsg-infra-ci-$PREFIX" -f "$GROUP_DIR/id_ed25519"
  : >"$GROUP_DIR/known_hosts"

  local i name stage
  local -a names=() extra=()
  # shellcheck disable=SC2206  # word splitting of the extra args is intended
  extra=(${LSG_CI_HOST_PODMAN_ARGS:-})
  for ((i = 1; i <= COUNT; i++)); do
    name="$PREFIX-$i"
    names+=("$name")
    stage="$GROUP_DIR/stage/$name"
    mkdir -p "$stage/hostkey" "$stage/home/.ssh"
    ssh-keygen -q -t ed25519 -N "" -C "$name" -f "$stage/hostkey/ssh_host_ed25519_key"
    cp "$GROUP_DIR/id_ed25519.pub" "$stage/home/.ssh/authorized_keys"
    chmod 700 "$stage/home/.ssh"
    chmod 600 "$stage/home/.ssh/authorized_keys"
    # Port 22 published on loopback only; the kernel picks a free port.
    lsg_podman create --name "$name" --hostname "$name" \
      --label "$LSG_LABEL=1" --label "$LSG_LABEL.kind=host" --label "$LSG_LABEL.group=$PREFIX" \
      --systemd=always "${LSG_ULIMITS[@]}" \
      --publish "127.0.0.1::22" \
      "${extra[@]}" "$image" >/dev/null
    tar_to_container "$name" /etc/ssh "$stage/hostkey" 0 ssh_host_ed25519_key ssh_host_ed25519_key.pub
    tar_to_container "$name" /root "$stage/home" 0 .ssh
    tar_to_container "$name" /home/admin "$stage/home" 1000 .ssh
  done
  lsg_podman start "${names[@]}" >/dev/null
  log "started ${#names[@]} host container(s), waiting for systemd and sshd"

  local port
  local -a entries=()
  for name in "${names[@]}"; do
    port=$(published_port "$name" 22)
    printf '[127.0.0.1]:%s %s\n' "$port" \
      "$(cut -d' ' -f1,2 "$GROUP_DIR/stage/$name/hostkey/ssh_host_ed25519_key.pub")" \
      >>"$GROUP_DIR/known_hosts"
    entries+=("$name|$port|$(cut -d' ' -f1,2 "$GROUP_DIR/stage/$name/hostkey/ssh_host_ed25519_key.pub")")
  done
  # The host private keys are inside the containers now; do not keep copies.
  rm -rf "$GROUP_DIR/stage"
  local entry ok=1
  for entry in "${entries[@]}"; do
    name="${entry%%|*}"
    port="${entry#*|}"; port="${port%%|*}"
    wait_ready "$name" "$port" || ok=0
  done
  ((ok)) || die "test hosts did not come up"

  {
    echo "[lsg_ci_hosts]"
    for entry in "${entries[@]}"; do
      name="${entry%%|*}"
      port="${entry#*|}"; port="${port%%|*}"
      echo "$name ansible_host=127.0.0.1 ansible_port=$port"
    done
    echo
    echo "[lsg_ci_hosts:vars]"
    echo "ansible_user=admin"
    echo "ansible_become=true"
    echo "ansible_python_interpreter=/usr/bin/python3"
    echo "ansible_ssh_private_key_file=$GROUP_DIR/id_ed25519"
    echo "ansible_ssh_common_args='-o UserKnownHostsFile=$GROUP_DIR/known_hosts -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes'"
  } >"$GROUP_DIR/inventory.ini"
  write_state "$image" "${entries[@]}"
  trap - EXIT
  log "${#names[@]} host(s) ready in $((SECONDS - started)) s; state: $STATE"
  printf '%s\n' "$STATE"
}

case "$CMD" in
  up) up ;;
  down) ensure_podman; down ;;
  status) [[ -f $STATE ]] || die "no state for group $PREFIX ($STATE)"; cat "$STATE" ;;
  *) die "usage: ci/hosts.sh up N [--name-prefix P] | down [--name-prefix P|--all] | status" ;;
esac
