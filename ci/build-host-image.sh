#!/usr/bin/env bash
# Build the "municipal server" image: Debian 13 (trixie) with systemd as
# PID 1, OpenSSH, Python 3 and sudo — the kind of host the Ansible playbooks
# provision. No image registry is reachable here, so the root file system is
# made with debootstrap and imported into podman.
#
# The image tag is a hash of this recipe (this script, its package list and
# the host configuration it copies in), so it is built once per machine and
# rebuilt only when the recipe changes.
#
# Usage: ci/build-host-image.sh [--print-ref]
#   Prints the image reference (localhost/lsg-infra-host:HASH) on stdout.
set -euo pipefail
# shellcheck source=ci/lib.sh
source "$(dirname "$0")/lib.sh"

IMAGE_NAME="localhost/lsg-infra-host"
# Debian 13 is the platform the roles support (Debian 12's regular security
# support ended on 2026-06-10: blueprints/software_support.yaml).
SUITE="${LSG_CI_HOST_SUITE:-trixie}"
# What a managed host needs before Ansible runs: systemd (services), openssh
# (Ansible's transport), python3 + python3-apt (Ansible modules, apt module),
# sudo (become as admin), dbus (systemctl talks to systemd over it), iproute2
# (network facts), locales/ca-certificates/gnupg (apt repositories with keys,
# e.g. for PostgreSQL or Prometheus later).
PACKAGES=(
  systemd systemd-sysv dbus openssh-server sudo iproute2
  python3 python3-apt ca-certificates gnupg locales procps
)

mapfile -t APT_CONF < <(host_apt_conf_files)
TAG=$(recipe_hash "$0" "$host_ca_bundle" "${APT_CONF[@]}" -- "$SUITE" "${PACKAGES[@]}")
REF="$IMAGE_NAME:$TAG"

build() {
  if lsg_podman image exists "$REF"; then
    log "host image $REF exists; reusing it"
    return 0
  fi
  ensure_debootstrap
  local started=$SECONDS mirror work rootfs
  mirror=$(host_debian_mirror)
  work=$(mktemp -d /var/tmp/lsg-host-image.XXXXXX)
  # The root file system is several hundred MB: never leave it behind.
  # shellcheck disable=SC2064  # expand now: $work is local
  trap "rm -rf --one-file-system '$work'" EXIT
  rootfs="$work/rootfs"

  log "debootstrap $SUITE from $mirror (about a minute)"
  local pkgs
  pkgs=$(IFS=,; echo "${PACKAGES[*]}")
  debootstrap --variant=minbase --include="$pkgs" "$SUITE" "$rootfs" "$mirror" \
    >"$work/debootstrap.log" 2>&1 || { tail -n 30 "$work/debootstrap.log" >&2; die "debootstrap failed"; }

  log "configuring the root file system"
  # apt inside the containers must keep working for Ansible: the same mirror
  # and suites as the host (updates and security included).
  cat >"$rootfs/etc/apt/sources.list" <<EOF
deb $mirror $SUITE main
deb $mirror $SUITE-updates main
deb ${mirror%/debian*}/debian-security $SUITE-security main
EOF
  local f
  for f in "${APT_CONF[@]}"; do cp "$f" "$rootfs/etc/apt/apt.conf.d/"; done
  # The registries are reached through a TLS-inspecting proxy whose CA only
  # the host's bundle has. Put the bundle where update-ca-certificates keeps
  # it, so a later ca-certificates upgrade inside the host does not drop it.
  install -D -m 644 "$host_ca_bundle" "$rootfs/usr/local/share/ca-certificates/lsg-host-bundle.crt"
  install -m 644 "$host_ca_bundle" "$rootfs/etc/ssl/certs/ca-certificates.crt"

  # Locale: Ansible and PostgreSQL's initdb want a UTF-8 locale.
  sed -i 's/^# *\(en_US.UTF-8 UTF-8\)/\1/' "$rootfs/etc/locale.gen"
  chroot "$rootfs" locale-gen >/dev/null
  echo 'LANG=C.UTF-8' >"$rootfs/etc/default/locale"

  # The admin user Ansible connects as (become via sudo without password).
  # uid 1000 is fixed: ci/hosts.sh streams its authorized_keys in by number.
  chroot "$rootfs" useradd --uid 1000 --create-home --shell /bin/bash admin
  echo 'admin ALL=(ALL:ALL) NOPASSWD: ALL' >"$rootfs/etc/sudoers.d/admin"
  chmod 440 "$rootfs/etc/sudoers.d/admin"

  # Host keys are per container: ci/hosts.sh copies a generated one in before
  # starting. Remove the keys debootstrap generated (they would be shared by
  # every container) and generate one at boot if nobody provided it.
  rm -f "$rootfs"/etc/ssh/ssh_host_*
  cat >"$rootfs/etc/ssh/sshd_config.d/lsg-ci.conf" <<'EOF'
# Test host: keys only, one ed25519 host key (its public half is in the
# known_hosts file ci/hosts.sh writes), no DNS lookups (no resolver needed).
HostKey /etc/ssh/ssh_host_ed25519_key
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UseDNS no
EOF
  cat >"$rootfs/etc/systemd/system/ssh-hostkey.service" <<'EOF'
[Unit]
Description=Generate an SSH host key if none was provided
Before=ssh.service
ConditionPathExists=!/etc/ssh/ssh_host_ed25519_key

[Service]
Type=oneshot
ExecStart=/usr/bin/ssh-keygen -q -t ed25519 -N "" -f /etc/ssh/ssh_host_ed25519_key

[Install]
WantedBy=multi-user.target
EOF
  chroot "$rootfs" systemctl enable ssh-hostkey.service ssh.service >/dev/null 2>&1

  # Units that have nothing to do in a container and would only make
  # `systemctl is-system-running` report "degraded".
  chroot "$rootfs" systemctl mask \
    getty@tty1.service console-getty.service serial-getty@.service \
    systemd-remount-fs.service sys-kernel-config.mount sys-kernel-debug.mount \
    sys-kernel-tracing.mount dev-hugepages.mount systemd-firstboot.service \
    >/dev/null 2>&1

  # Every container must get its own machine id (systemd generates one when
  # the file is empty), and no apt cache or logs in the image.
  : >"$rootfs/etc/machine-id"
  rm -f "$rootfs/var/lib/dbus/machine-id"
  chroot "$rootfs" apt-get clean
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log "$rootfs"/var/cache/debconf/*-old
  log "debootstrap and configuration took $((SECONDS - started)) s"

  local t_import=$SECONDS
  image_import_rootfs "$rootfs" "$REF" \
    --change 'CMD ["/sbin/init"]' \
    --change 'ENV container=podman' \
    --change 'STOPSIGNAL SIGRTMIN+3' \
    --change "LABEL lsg-infra.ci.recipe=$TAG"
  log "imported $REF in $((SECONDS - t_import)) s; total build $((SECONDS - started)) s"
  image_prune_old "$IMAGE_NAME" "$REF"
}

ensure_podman
with_lock host-image build
printf '%s\n' "$REF"
