# The head of the one script discovery runs per host (lsg_infra/discovery/facts/session.py
# appends one `lsg_run <fact> <timeout> <cap> <command>` line per fact and puts a random
# nonce in place of @NONCE@). Each command runs under its own timeout and output cap,
# between markers that carry the nonce, so nothing a host prints can pass for a marker.
export LC_ALL=C
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH
N=@NONCE@
if command -v timeout >/dev/null 2>&1; then
  lsg_t() { timeout -k 2 "$@"; }
else
  lsg_t() { shift; "$@"; }
fi
lsg_run() {
  printf '\n@@%s begin %s@@\n' "$N" "$1"
  { { lsg_t "$2" /bin/sh -c "$4" 2>/dev/null </dev/null
      printf '\n@@%s rc %s %s@@\n' "$N" "$1" "$?" >&3; } | head -c "$3"; } 3>&1
  printf '\n@@%s end %s@@\n' "$N" "$1"
}
