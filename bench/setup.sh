#!/bin/sh
# One-time preparation: the guide in /tmp/bench-site, database `bench` migrated, Redis db 14 empty.
set -e
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || apt-get install -y wrk  # Debian's wrk 4.1.0
NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict -d "${BENCH_SITE_DIR:-/tmp/bench-site}" 2>&1 | tail -1
createdb -h 127.0.0.1 -U postgres bench 2>/dev/null || true
FLASK_APP=site_app FLASK_SECRET_KEY=bench \
FLASK_SQLALCHEMY_DATABASE_URI=postgresql+psycopg://postgres@127.0.0.1:5432/bench \
  .venv/bin/flask db upgrade 2>&1 | tail -1
redis-cli -h 127.0.0.1 -n 14 flushdb >/dev/null
