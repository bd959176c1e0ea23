#!/usr/bin/env bash
# Installs the programs the test suite drives from outside Python (headless Chromium for
# the report tests), as `make test` runs it: before pytest, never inside a test.
# As root on Debian/Ubuntu the missing packages are installed; otherwise it says what is
# missing and exits 0, and the tests that need them skip (or fail under CI=true).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

# lynis and sslyze for the provisioning e2e test's outside audit (ci/audit-tools.sh).
if (ensure_tools chromium:chromium) && "$LSG_CI_DIR/audit-tools.sh"; then
  exit 0
fi
if [[ ${CI:-} == true ]]; then
  die "the test tools above are missing and could not be installed"
fi
log "continuing without them: the tests that need them will be skipped"
