if [ -d /var/log/apt ]; then
  echo --apt-history--
  { zcat -f /var/log/apt/history.log.1.gz 2>/dev/null; cat /var/log/apt/history.log 2>/dev/null; } \
    | grep -E '^(Start-Date|Commandline|Upgrade|End-Date):' | tail -n 2000 | cut -c1-200
  echo --unattended-upgrades--
  grep -hE 'All upgrades installed|Packages that were upgraded' \
    /var/log/unattended-upgrades/unattended-upgrades.log 2>/dev/null | tail -n 50 | cut -c1-200
elif command -v dnf >/dev/null 2>&1; then
  echo --dnf-history--
  dnf -q -C history list 2>/dev/null | head -n 200
else
  echo --none--
fi
