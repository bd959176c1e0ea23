# shellcheck shell=bash
# shellcheck disable=SC2034  # variables are used by the scripts that source this file
# Shared helpers for the ci/ scripts. Source it; do not run it.
#
# Why these helpers exist:
# - The machines this runs on have podman but no Docker engine, no image
#   registry, a crun that cannot handle their cgroup setup and hard ulimits
#   below podman's defaults (see ../shared/ENVIRONMENT.md). Every podman call
#   therefore goes through lsg_podman (runc) and every `run` gets explicit
#   ulimits.
# - Several engineers and test sessions share one machine, so every container
#   carries a label, and a group label, so that teardown removes exactly what
#   one session started.

set -euo pipefail

LSG_CI_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LSG_REPO_ROOT="$(cd "$LSG_CI_DIR/.." && pwd)"
# All generated state (keys, known_hosts, state JSON, build logs) lives here;
# .cache/ is already git-ignored.
LSG_STATE_DIR="${LSG_CI_STATE_DIR:-$LSG_REPO_ROOT/.cache/lsg-ci}"

# Label on every container we start: teardown finds containers by it.
LSG_LABEL="lsg-infra.ci"
# podman's defaults exceed this machine's hard limits ("setrlimit ...
# Operation not permitted"), so pass limits that fit under them: the hard
# limits of this shell, capped. nproc counts every process of uid 0 on the
# machine (rootful containers share it), so it must not be small either.
_lsg_hard_limit() {
  local v cap="$2"
  v=$(ulimit -H "$1" 2>/dev/null || echo "$cap")
  [[ $v == unlimited || ! $v =~ ^[0-9]+$ || $v -gt $cap ]] && v=$cap
  printf '%s\n' "$v"
}
LSG_NOFILE_HARD=$(_lsg_hard_limit -n 65536)
LSG_NPROC=$(_lsg_hard_limit -u 32768)  # 65535 was refused by runc here
LSG_ULIMITS=(--ulimit "nofile=$((LSG_NOFILE_HARD < 1024 ? LSG_NOFILE_HARD : 1024)):$LSG_NOFILE_HARD"
  --ulimit "nproc=${LSG_CI_NPROC:-$LSG_NPROC}:${LSG_CI_NPROC:-$LSG_NPROC}")

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Exit code 2 means "a prerequisite is missing": the pytest fixtures turn it
# into a skip (outside CI) or a failure (CI=true).
missing() { log "MISSING: $*"; exit 2; }

lsg_podman() { podman --runtime runc "$@"; }

# ensure_tools CMD:PACKAGE ... — install Debian packages for missing commands
# when we are root on a Debian-like system; otherwise say exactly what is
# missing and exit 2.
ensure_tools() {
  local spec cmd pkg
  local -a need_pkgs=() need_cmds=()
  for spec in "$@"; do
    cmd="${spec%%:*}"
    pkg="${spec#*:}"
    if ! command -v "$cmd" >/dev/null 2>&1; then
      need_cmds+=("$cmd")
      need_pkgs+=("$pkg")
    fi
  done
  ((${#need_cmds[@]} == 0)) && return 0
  if [[ $(id -u) -ne 0 ]]; then
    missing "commands ${need_cmds[*]} (Debian packages: ${need_pkgs[*]}); run as root so the ci scripts can install them (apt-get install -y ${need_pkgs[*]})"
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    missing "commands ${need_cmds[*]} and no apt-get to install them; install: ${need_pkgs[*]}"
  fi
  log "installing ${need_pkgs[*]} (needed: ${need_cmds[*]})"
  # Serialise apt: two test sessions may start at once.
  (
    flock 9
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >&2
  ) 9>"/tmp/lsg-ci-apt.lock"
  for cmd in "${need_cmds[@]}"; do
    command -v "$cmd" >/dev/null 2>&1 || missing "$cmd still missing after installing ${need_pkgs[*]}"
  done
}

# Containers need root here: rootless podman has no usable cgroup delegation
# for systemd on these machines and debootstrap needs root anyway.
require_root() {
  [[ $(id -u) -eq 0 ]] || missing "root (the ci scripts build images with debootstrap and run systemd containers with rootful podman); run as root"
}

ensure_podman() {
  require_root
  ensure_tools podman:podman runc:runc flock:util-linux python3:python3
}

ensure_debootstrap() {
  require_root
  ensure_tools debootstrap:debootstrap
  # On Ubuntu (e.g. GitHub runners) debootstrap has no Debian keys by default.
  if [[ ! -s /usr/share/keyrings/debian-archive-keyring.gpg ]]; then
    command -v apt-get >/dev/null 2>&1 || missing "/usr/share/keyrings/debian-archive-keyring.gpg (package debian-archive-keyring)"
    log "installing debian-archive-keyring (debootstrap verifies Debian with it)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debian-archive-keyring >&2
  fi
}

# recipe_hash FILE... -- STRING...  → 16 hex chars over the files' content
# and the strings. Used as image tag, so an image is rebuilt exactly when its
# recipe changes.
recipe_hash() {
  local f
  {
    while (($#)) && [[ $1 != -- ]]; do
      f="$1"; shift
      printf '%s\n' "file:$(basename "$f")"
      if [[ -e $f ]]; then cat "$f"; else printf 'absent\n'; fi
    done
    [[ ${1:-} == -- ]] && shift
    printf '%s\n' "$@"
  } | sha256sum | cut -c1-16
}

# with_lock NAME CMD... — run CMD under an exclusive lock, so two sessions
# never build the same image at once (the second one waits, then finds the
# image). The lock is machine-wide, not under this checkout's .cache/: images
# and the build containers (lsg-netbox-build-HASH) are podman's, shared by
# every checkout on the machine, and a second checkout building at the same
# time removed the first one's build container (seen 2026-12-01: a CI clone's
# NetBox tests errored while a developer's worktree built the same image).
LSG_LOCK_DIR="${LSG_CI_LOCK_DIR:-/run/lock/lsg-infra-ci}"
with_lock() {
  local name="$1"; shift
  mkdir -p "$LSG_LOCK_DIR"
  (
    flock 9
    "$@"
  ) 9>"$LSG_LOCK_DIR/$name.lock"
}

# Host configuration the images copy in: the CA bundle (registries are reached
# through a TLS-inspecting proxy whose CA only the host's bundle trusts), the
# pip configuration and apt settings that change how the Debian registry is
# reached (proxy, Check-Valid-Until, ...).
host_ca_bundle="/etc/ssl/certs/ca-certificates.crt"
host_pip_conf="/etc/pip.conf"
host_apt_conf_files() {
  local f
  for f in /etc/apt/apt.conf.d/*; do
    [[ -f $f ]] || continue
    # Only settings about how to fetch (proxy, validity); not the host's
    # Docker image tweaks.
    if grep -qE '^[[:space:]]*Acquire::' "$f"; then printf '%s\n' "$f"; fi
  done
}

# The Debian mirror the host uses (its /etc/apt sources), so debootstrap and
# the containers fetch from wherever this machine is allowed to.
host_debian_mirror() {
  local uri
  uri=$(grep -hoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null | head -n1 | tr -d ' ' || true)
  printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

# image_build_from_rootfs ROOTFS NAME:TAG [--change ...]... — tar the root
# file system into podman (no registry needed).
image_import_rootfs() {
  local rootfs="$1" ref="$2"; shift 2
  tar --numeric-owner --xattrs -C "$rootfs" -c . | lsg_podman import --quiet "$@" - "$ref" >/dev/null
}

# Remove older tags of an image name, keeping KEEP; ignore images in use.
image_prune_old() {
  local name="$1" keep="$2" ref
  while read -r ref; do
    [[ -z $ref || $ref == "$keep" || $ref == *"<none>"* ]] && continue
    lsg_podman rmi "$ref" >/dev/null 2>&1 || true
  done < <(lsg_podman images --format '{{.Repository}}:{{.Tag}}' --filter "reference=$name" 2>/dev/null || true)
}

# remove_containers ID... — force-remove, retrying: `podman rm -f` can lose a
# race with a container that is stopping by itself ("container state
# improper"), and a container left behind is exactly what must not happen.
remove_containers() {
  local attempt id
  local -a left=("$@") still
  for attempt in 1 2 3 4 5; do
    lsg_podman rm -f -t 1 "${left[@]}" >/dev/null 2>&1 || true
    still=()
    for id in "${left[@]}"; do
      if lsg_podman container exists "$id"; then still+=("$id"); fi
    done
    ((${#still[@]} == 0)) && return 0
    left=("${still[@]}")
    sleep "$attempt"
  done
  die "could not remove containers: ${left[*]}"
}

# write_private_file FILE — stdin → FILE atomically, mode 0600 (may hold secrets).
write_private_file() {
  local file="$1" tmp
  mkdir -p "$(dirname "$file")"
  tmp="$(mktemp "$file.XXXXXX")"
  chmod 600 "$tmp"
  cat >"$tmp"
  mv -f "$tmp" "$file"
}

# The host port podman picked for CONTAINER's PORT/tcp (we publish with
# 127.0.0.1::PORT so that the kernel picks a free one; no race between
# sessions).
published_port() {
  local out
  out=$(lsg_podman port "$1" "$2/tcp" | head -n1)
  [[ $out == 127.0.0.1:* ]] || die "container $1 publishes $2 on '$out', expected 127.0.0.1:PORT"
  printf '%s\n' "${out##*:}"
}
