#!/bin/bash
# The NetBox image's command (ci/netbox.sh runs it): start PostgreSQL and
# Redis, install the API token given at /run/lsg-netbox/token (a file, so it
# never appears in `podman inspect` or in logs), then serve NetBox with
# gunicorn on port 8080 (published on 127.0.0.1 only).
set -euo pipefail
export NETBOX_ROOT=/opt/netbox PATH=/opt/netbox/venv/bin:$PATH
PG_VERSION=$(ls /usr/lib/postgresql | sort -n | tail -n1)
pg_ctlcluster "$PG_VERSION" main start
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
