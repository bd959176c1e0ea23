if command -v dpkg-query >/dev/null 2>&1; then
  echo manager=dpkg
  dpkg-query -W -f='${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\n'
elif command -v rpm >/dev/null 2>&1; then
  echo manager=rpm
  rpm -qa --qf 'i\t%{NAME}\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\t%{ARCH}\n'
fi
