#!/usr/bin/env bash
# Build a real NetBox server image: NetBox from PyPI in a Debian 13 (trixie)
# root with PostgreSQL 17 and Redis 7, database migrations already applied.
#
# Why this shape: NetBox 4.7 needs Python >= 3.12, which Debian 12 lacks,
# and no image registry is reachable, so the root is made with debootstrap.
# The migrations cost several minutes of CPU; they run once here and the
# migrated database is part of the image, so `ci/netbox.sh up` takes seconds.
#
# Two stages, each cached by a hash of its own recipe:
#   1. debootstrap + pip install in a chroot (uses the host's network path
#      to the registries, CA bundle and pip configuration), imported as
#      localhost/lsg-infra-netbox-base:HASH1 and kept, so a change to stage 2
#      does not repeat the downloads (its layers are shared with the result);
#   2. ci/netbox-image/setup.sh in a container of that base without network
#      (configuration, database, migrations, superuser; PostgreSQL wants a
#      real /proc, /dev/shm and process tree), committed as
#      localhost/lsg-infra-netbox:HASH2 with ci/netbox-image/run.sh as command.
#
# Prints localhost/lsg-infra-netbox:HASH2 on stdout.
set -euo pipefail
# shellcheck source=ci/lib.sh
source "$(dirname "$0")/lib.sh"

IMAGE_NAME="localhost/lsg-infra-netbox"
SUITE="trixie"
NETBOX_VERSION="${LSG_CI_NETBOX_VERSION:-4.7.3}"
# gcc, python3-dev and libpq-dev build psycopg's C extension; they are purged
# again after pip install.
PACKAGES=(
  python3 python3-venv python3-dev gcc libpq-dev
  postgresql redis-server ca-certificates
)

STAGE2_DIR="$LSG_CI_DIR/netbox-image"
BASE_TAG=$(recipe_hash "$0" "$host_ca_bundle" "$host_pip_conf" -- "$SUITE" "$NETBOX_VERSION" "${PACKAGES[@]}")
BASE_REF="$IMAGE_NAME-base:$BASE_TAG"
TAG=$(recipe_hash "$STAGE2_DIR/setup.sh" "$STAGE2_DIR/run.sh" -- "$BASE_TAG")
REF="$IMAGE_NAME:$TAG"

stage1() {
  ensure_debootstrap
  local started=$SECONDS mirror work rootfs
  mirror=$(host_debian_mirror)
  work=$(mktemp -d /var/tmp/lsg-netbox-image.XXXXXX)
  rootfs="$work/rootfs"
  # Never leave the root file system (about 1 GB) or a /proc mount behind.
  # shellcheck disable=SC2064  # expand now: the variables are local
  trap "umount '$rootfs/proc' 2>/dev/null || true; rm -rf --one-file-system '$work'" EXIT

  log "stage 1: debootstrap $SUITE from $mirror (1-5 minutes)"
  local pkgs
  pkgs=$(IFS=,; echo "${PACKAGES[*]}")
  debootstrap --variant=minbase --include="$pkgs" "$SUITE" "$rootfs" "$mirror" \
    >"$work/debootstrap.log" 2>&1 || { tail -n 30 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
  log "debootstrap took $((SECONDS - started)) s"

  # The registries are reached through a TLS-inspecting proxy whose CA only
  # the host's bundle trusts; pip needs it (and the host's pip settings).
  install -D -m 644 "$host_ca_bundle" "$rootfs/usr/local/share/ca-certificates/lsg-host-bundle.crt"
  install -m 644 "$host_ca_bundle" "$rootfs/etc/ssl/certs/ca-certificates.crt"
  if [[ -f $host_pip_conf ]]; then install -m 644 "$host_pip_conf" "$rootfs/etc/pip.conf"; fi
  cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
  mount -t proc proc "$rootfs/proc"

  local t_pip=$SECONDS
  log "stage 1: pip install netbox==$NETBOX_VERSION gunicorn (2-4 minutes: psycopg's C extension is compiled)"
  # A clean environment: the host's PIP_FIND_LINKS etc. point at host paths.
  local -a pip_env=(PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt PIP_DISABLE_PIP_VERSION_CHECK=1
    PIP_DEFAULT_TIMEOUT=180 PIP_NO_CACHE_DIR=1 DEBIAN_FRONTEND=noninteractive)
  local v
  for v in PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_TRUSTED_HOST http_proxy https_proxy HTTP_PROXY HTTPS_PROXY no_proxy NO_PROXY; do
    if [[ -n ${!v:-} ]]; then pip_env+=("$v=${!v}"); fi
  done
  # The compiler and headers are only needed for the build: purge them so the
  # image (and its import) is smaller.
  env -i "${pip_env[@]}" chroot "$rootfs" sh -c "
    python3 -m venv /opt/netbox/venv &&
    /opt/netbox/venv/bin/pip install --quiet 'netbox==$NETBOX_VERSION' gunicorn &&
    /opt/netbox/venv/bin/netbox setup --target /opt/netbox >/dev/null &&
    apt-get purge -y -qq gcc python3-dev libpq-dev >/dev/null &&
    apt-get autoremove -y -qq --purge >/dev/null &&
    apt-get clean
  " >"$work/pip.log" 2>&1 || { tail -n 30 "$work/pip.log" >&2; die "pip install netbox failed"; }
  log "pip install took $((SECONDS - t_pip)) s"
  umount "$rootfs/proc"
  rm -f "$rootfs/etc/resolv.conf"
  rm -rf "$rootfs"/var/lib/apt/lists/*

  local t_import=$SECONDS
  image_import_rootfs "$rootfs" "$BASE_REF" --change "LABEL lsg-infra.ci.recipe=$BASE_TAG"
  log "imported $BASE_REF in $((SECONDS - t_import)) s; stage 1 took $((SECONDS - started)) s"
  image_prune_old "$IMAGE_NAME-base" "$BASE_REF"
}

stage2() {
  local started=$SECONDS ctr="lsg-netbox-build-$TAG" logf
  logf=$(mktemp /tmp/lsg-netbox-setup.XXXXXX)
  # shellcheck disable=SC2064  # expand now: the variables are local
  trap "podman --runtime runc rm -f -t 0 '$ctr' >/dev/null 2>&1 || true; rm -f '$logf'" EXIT
  log "stage 2: migrations in a container without network (4-10 minutes)"
  lsg_podman rm -f -t 0 "$ctr" >/dev/null 2>&1 || true
  lsg_podman create --name "$ctr" --network none "${LSG_ULIMITS[@]}" \
    --label "$LSG_LABEL=1" --label "$LSG_LABEL.kind=netbox-build" \
    "$BASE_REF" /usr/local/sbin/lsg-netbox-setup >/dev/null
  lsg_podman cp "$STAGE2_DIR/setup.sh" "$ctr:/usr/local/sbin/lsg-netbox-setup"
  lsg_podman cp "$STAGE2_DIR/run.sh" "$ctr:/usr/local/sbin/lsg-netbox-run"
  lsg_podman start --attach "$ctr" >"$logf" 2>&1 \
    || { grep -v -E '^ *(Applying|OK$)' "$logf" | tail -n 40 >&2; die "NetBox database setup failed"; }
  log "migrations took $((SECONDS - started)) s"
  lsg_podman commit --quiet \
    --change 'CMD ["/usr/local/sbin/lsg-netbox-run"]' \
    --change 'EXPOSE 8080' \
    --change 'ENV NETBOX_ROOT=/opt/netbox' \
    --change "LABEL lsg-infra.ci.recipe=$TAG" \
    "$ctr" "$REF" >/dev/null
  log "built $REF; stage 2 took $((SECONDS - started)) s"
  image_prune_old "$IMAGE_NAME" "$REF"
}

build() {
  if lsg_podman image exists "$REF"; then
    log "NetBox image $REF exists; reusing it"
    return 0
  fi
  local started=$SECONDS
  if lsg_podman image exists "$BASE_REF"; then
    log "NetBox base image $BASE_REF exists; reusing it"
  else
    (stage1)
  fi
  (stage2)
  log "NetBox image built in $((SECONDS - started)) s"
}

ensure_podman
with_lock netbox-image build
printf '%s\n' "$REF"
