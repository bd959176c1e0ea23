#!/bin/bash
# Stage 2 of ci/build-netbox-image.sh, run once inside a container without
# network: configure NetBox, create the database, apply the migrations, create
# the superuser. The container is then committed as the NetBox image, so the
# migrated database is part of the image.
set -euo pipefail
export NETBOX_ROOT=/opt/netbox PATH=/opt/netbox/venv/bin:$PATH
PG_VERSION=$(ls /usr/lib/postgresql | sort -n | tail -n1)

# Configuration: appended to the template `netbox setup` wrote. The secrets
# are random per build and stay inside the image, which only ever serves
# 127.0.0.1 (published port).
secret=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
pepper=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
cat >>/opt/netbox/conf/configuration.py <<CONF

# --- lsg-infra ci (ci/netbox-image/setup.sh) ---
ALLOWED_HOSTS = ['*']
DATABASES['default'].update({'USER': 'netbox', 'PASSWORD': 'netbox', 'HOST': 'localhost'})
SECRET_KEY = '$secret'
API_TOKEN_PEPPERS = {1: '$pepper'}
# Nothing may call out of the test server.
RELEASE_CHECK_URL = None
CENSUS_REPORTING_ENABLED = False
CONF
chmod 600 /opt/netbox/conf/configuration.py

# NetBox needs both PostgreSQL and Redis (its cache) even for migrations.
pg_ctlcluster "$PG_VERSION" main start
redis-server --daemonize yes --bind 127.0.0.1 --save '' --appendonly no --logfile /var/log/redis-lsg.log
su postgres -c "psql -q -c \"CREATE USER netbox PASSWORD 'netbox'\""
su postgres -c "createdb -O netbox netbox"
netbox upgrade --no-input
# The superuser owns the API tokens ci/netbox.sh creates at each start.
netbox shell --no-imports -c "
from users.models import User
User.objects.create_superuser('admin', 'admin@example.invalid', None)
" >/dev/null
redis-cli shutdown nosave >/dev/null 2>&1 || true
pg_ctlcluster "$PG_VERSION" main stop
echo "lsg-netbox-setup: done"
