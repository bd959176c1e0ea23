#!/usr/bin/env bash
# Build a real NetBox server image: NetBox from PyPI in a Debian 13 (trixie)
# root with PostgreSQL 17 and Redis 7, database migrations already applied.
#
# Why this shape: NetBox 4.7 needs Python >= 3.12, which Debian 12 lacks,
# and no image registry is reachable, so the root is made with debootstrap.
# The migrations cost about 4 minutes of CPU; they run once here and the
# migrated database is part of the image, so `ci/netbox.sh up` takes seconds.
#
# Two stages:
#   1. debootstrap + pip install in a chroot (uses the host's network path
#      to the registries, CA bundle and pip configuration);
#   2. import that root as a base image and run the database setup in a
#      podman container without network (PostgreSQL wants /proc, /dev/shm
#      and a real process tree), then commit the result.
#
# The tag is a hash of this recipe; prints localhost/lsg-infra-netbox:HASH.
set -euo pipefail
# shellcheck source=ci/lib.sh
source "$(dirname "$0")/lib.sh"

IMAGE_NAME="localhost/lsg-infra-netbox"
SUITE="trixie"
NETBOX_VERSION="${LSG_CI_NETBOX_VERSION:-4.7.3}"
PG_VERSION=17
PACKAGES=(
  python3 python3-venv python3-dev gcc libpq-dev
  postgresql redis-server ca-certificates
)

TAG=$(recipe_hash "$0" "$host_ca_bundle" "$host_pip_conf" -- "$SUITE" "$NETBOX_VERSION" "${PACKAGES[@]}")
REF="$IMAGE_NAME:$TAG"

# Runs inside the stage-2 container: create database and user, write the
# configuration, migrate, create the superuser.
read -r -d '' SETUP_SCRIPT <<'SETUP' || true
#!/bin/bash
set -euo pipefail
export NETBOX_ROOT=/opt/netbox PATH=/opt/netbox/venv/bin:$PATH
pg_ctlcluster @PG@ main start
su postgres -c "psql -q -c \"CREATE USER netbox PASSWORD 'netbox'\""
su postgres -c "createdb -O netbox netbox"
netbox upgrade --no-input
# The superuser owns the API tokens ci/netbox.sh creates at start.
netbox shell --no-imports -c "
from users.models import User
User.objects.create_superuser('admin', 'admin@example.invalid', None)
" >/dev/null
pg_ctlcluster @PG@ main stop
SETUP

# The container's command: start the database and Redis, install the API
# token given at /run/lsg-netbox/token (a file, so it never appears in
# `podman inspect`), then serve NetBox with gunicorn on port 8080.
read -r -d '' RUN_SCRIPT <<'RUN' || true
#!/bin/bash
set -euo pipefail
export NETBOX_ROOT=/opt/netbox PATH=/opt/netbox/venv/bin:$PATH
pg_ctlcluster @PG@ main start
redis-server --daemonize yes --bind 127.0.0.1 --save '' --appendonly no --logfile /var/log/redis-lsg.log
if [[ -s /run/lsg-netbox/token ]]; then
  netbox shell --no-imports -c "
from users.models import Token, User
value = open('/run/lsg-netbox/token').read().strip()
user = User.objects.get(username='admin')
Token.objects.filter(user=user, description='lsg-infra ci').delete()
Token(user=user, write_enabled=True, version=1, token=value, description='lsg-infra ci').save()
"
fi
echo "lsg-netbox: starting gunicorn" >&2
exec gunicorn --bind 0.0.0.0:8080 --workers "${NETBOX_WORKERS:-3}" --threads 3 \
  --timeout 120 --access-logfile - netbox.wsgi
RUN

build() {
  if lsg_podman image exists "$REF"; then
    log "NetBox image $REF exists; reusing it"
    return 0
  fi
  ensure_debootstrap
  local started=$SECONDS mirror work rootfs base ctr
  mirror=$(host_debian_mirror)
  work=$(mktemp -d /var/tmp/lsg-netbox-image.XXXXXX)
  rootfs="$work/rootfs"
  base="localhost/lsg-infra-netbox-base:$TAG"
  ctr="lsg-netbox-build-$TAG"
  # Clean up the root file system, /proc mount, stage-2 container and base
  # image whatever happens.
  # shellcheck disable=SC2064  # expand now: the variables are local
  trap "umount '$rootfs/proc' 2>/dev/null || true; rm -rf --one-file-system '$work'; \
    podman --runtime runc rm -f -t 0 '$ctr' >/dev/null 2>&1 || true; \
    podman --runtime runc rmi '$base' >/dev/null 2>&1 || true" EXIT

  log "stage 1: debootstrap $SUITE from $mirror (about a minute)"
  local pkgs
  pkgs=$(IFS=,; echo "${PACKAGES[*]}")
  debootstrap --variant=minbase --include="$pkgs" "$SUITE" "$rootfs" "$mirror" \
    >"$work/debootstrap.log" 2>&1 || { tail -n 30 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
  log "debootstrap took $((SECONDS - started)) s"

  # The registries are reached through a TLS-inspecting proxy whose CA only
  # the host's bundle trusts; pip needs it (and the host's pip settings).
  install -D -m 644 "$host_ca_bundle" "$rootfs/usr/local/share/ca-certificates/lsg-host-bundle.crt"
  install -m 644 "$host_ca_bundle" "$rootfs/etc/ssl/certs/ca-certificates.crt"
  [[ -f $host_pip_conf ]] && install -m 644 "$host_pip_conf" "$rootfs/etc/pip.conf"
  cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
  mount -t proc proc "$rootfs/proc"

  local t_pip=$SECONDS
  log "stage 1: pip install netbox==$NETBOX_VERSION gunicorn (a few minutes: psycopg's C extension is compiled)"
  # A clean environment: the host's PIP_FIND_LINKS etc. point at host paths.
  local -a pip_env=(PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt PIP_DISABLE_PIP_VERSION_CHECK=1
    PIP_DEFAULT_TIMEOUT=180 PIP_NO_CACHE_DIR=1)
  local v
  for v in PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_TRUSTED_HOST http_proxy https_proxy HTTP_PROXY HTTPS_PROXY no_proxy NO_PROXY; do
    [[ -n ${!v:-} ]] && pip_env+=("$v=${!v}")
  done
  env -i "${pip_env[@]}" chroot "$rootfs" sh -c "
    python3 -m venv /opt/netbox/venv &&
    /opt/netbox/venv/bin/pip install --quiet 'netbox==$NETBOX_VERSION' gunicorn &&
    /opt/netbox/venv/bin/netbox setup --target /opt/netbox >/dev/null
  " >"$work/pip.log" 2>&1 || { tail -n 30 "$work/pip.log" >&2; die "pip install netbox failed"; }
  log "pip install took $((SECONDS - t_pip)) s"
  umount "$rootfs/proc"

  # Configuration: appended to the template `netbox setup` wrote. The
  # secrets are random per build and stay inside the image, which only ever
  # serves 127.0.0.1.
  local secret pepper
  secret=$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n' | head -c 60)
  pepper=$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n' | head -c 60)
  cat >>"$rootfs/opt/netbox/conf/configuration.py" <<EOF

# --- lsg-infra ci (ci/build-netbox-image.sh) ---
ALLOWED_HOSTS = ['*']
DATABASES['default'].update({'USER': 'netbox', 'PASSWORD': 'netbox', 'HOST': 'localhost'})
SECRET_KEY = '$secret'
API_TOKEN_PEPPERS = {1: '$pepper'}
# Nothing may call out of the test server.
RELEASE_CHECK_URL = None
CENSUS_REPORTING_ENABLED = False
EOF
  chmod 600 "$rootfs/opt/netbox/conf/configuration.py"
  printf '%s\n' "${SETUP_SCRIPT//@PG@/$PG_VERSION}" >"$rootfs/usr/local/sbin/lsg-netbox-setup"
  printf '%s\n' "${RUN_SCRIPT//@PG@/$PG_VERSION}" >"$rootfs/usr/local/sbin/lsg-netbox-run"
  chmod 755 "$rootfs/usr/local/sbin/lsg-netbox-setup" "$rootfs/usr/local/sbin/lsg-netbox-run"
  rm -f "$rootfs/etc/resolv.conf"
  chroot "$rootfs" apt-get clean
  rm -rf "$rootfs"/var/lib/apt/lists/*

  log "stage 2: import base image"
  image_import_rootfs "$rootfs" "$base"
  rm -rf --one-file-system "$rootfs"

  local t_mig=$SECONDS
  log "stage 2: migrations in a container without network (about 4 minutes)"
  lsg_podman run --name "$ctr" --network none "${LSG_ULIMITS[@]}" \
    --label "$LSG_LABEL=1" --label "$LSG_LABEL.kind=netbox-build" \
    "$base" /usr/local/sbin/lsg-netbox-setup >"$work/setup.log" 2>&1 \
    || { tail -n 40 "$work/setup.log" >&2; die "NetBox database setup failed"; }
  log "migrations took $((SECONDS - t_mig)) s"
  lsg_podman commit --quiet \
    --change 'CMD ["/usr/local/sbin/lsg-netbox-run"]' \
    --change 'EXPOSE 8080' \
    --change 'ENV NETBOX_ROOT=/opt/netbox' \
    --change "LABEL lsg-infra.ci.recipe=$TAG" \
    "$ctr" "$REF" >/dev/null
  log "built $REF in $((SECONDS - started)) s"
  image_prune_old "$IMAGE_NAME" "$REF"
}

ensure_podman
with_lock netbox-image build
printf '%s\n' "$REF"
