#!/usr/bin/env bash
# Property-based API tests: schemathesis over the OpenAPI schema against a live gunicorn with
# DEBUG off, signed in as an officer. Fails on any server error, any undocumented status code
# and any response that does not match its schema, so the schema stays the truth (SPEC §3).
#
# Needs PostgreSQL; uses its own throwaway database (erase, merge and publish run for real).
# Usage: bash scripts/schemathesis.sh [schemathesis run options, e.g. --include-path …]
# (SCHEMATHESIS_EXAMPLES, SCHEMATHESIS_PHASES, SCHEMATHESIS_SEED, SCHEMATHESIS_PORT to tune)
#
# The schema has no examples, so CI runs the fuzzing phase (valid and invalid data), a bounded
# number of cases per operation, in about two minutes. The coverage phase (every boundary of every field, some
# 9,000 requests and over seven minutes on two cores) is for a run by hand:
#   SCHEMATHESIS_PHASES=coverage,fuzzing bash scripts/schemathesis.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DB_NAME="${SCHEMATHESIS_DB:-placevoice_schemathesis}"
PY=.venv/bin/python
# A free port unless one is given: other servers may run on this machine.
PORT="${SCHEMATHESIS_PORT:-$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
EXAMPLES="${SCHEMATHESIS_EXAMPLES:-25}"
PHASES="${SCHEMATHESIS_PHASES:-fuzzing}"
WORKDIR="$(mktemp -d)"
PASSWORD="schemathesis-$(head -c 16 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"

export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DB_NAME}"
export DEBUG=0
export SECRET_KEY="schemathesis-$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')-key"
export ALLOWED_HOSTS=127.0.0.1
export SITE_URL="http://127.0.0.1:${PORT}"
export SECURE_SSL_REDIRECT=0
export SESSION_COOKIE_SECURE=0
# Tasks run in-process: no worker to start, and summaries complete within the request.
unset CELERY_BROKER_URL REDIS_CACHE_URL
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
# The public sign-up limit is per address and every request here comes from loopback.
export SIGNUP_RATE_LIMIT=100000/m

SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORKDIR"
}
trap cleanup EXIT

dropdb -h 127.0.0.1 -U postgres --if-exists "$DB_NAME"
createdb -h 127.0.0.1 -U postgres "$DB_NAME"
$PY manage.py migrate --noinput -v 0
$PY manage.py seed_demo -v 0
$PY manage.py create_user schemathesis-officer --role officer --password "$PASSWORD" >/dev/null

echo "schemathesis: database ready in ${SECONDS}s"
.venv/bin/gunicorn config.wsgi:application --bind "127.0.0.1:${PORT}" --workers 2 \
  --timeout 60 --access-logfile /dev/null --error-logfile "$WORKDIR/gunicorn.log" &
SERVER_PID=$!
# Wait for the server, sign in as the officer, and fetch the schema, which is for signed-in
# staff only: schemathesis then reads it from the file.
$PY - "http://127.0.0.1:${PORT}" "$PASSWORD" "$WORKDIR" <<'EOF'
import json
import sys
import time
import urllib.request
from pathlib import Path

base, password, workdir = sys.argv[1:]
for _ in range(120):
    try:
        urllib.request.urlopen(f"{base}/healthz", timeout=5)
        break
    except OSError:
        time.sleep(0.5)
body = json.dumps({"username": "schemathesis-officer", "password": password}).encode()
request = urllib.request.Request(
    f"{base}/api/v1/auth/token/", data=body, headers={"Content-Type": "application/json"}
)
token = json.load(urllib.request.urlopen(request, timeout=30))["token"]
request = urllib.request.Request(
    f"{base}/api/schema/?format=json", headers={"Authorization": f"Token {token}"}
)
Path(workdir, "schema.json").write_bytes(urllib.request.urlopen(request, timeout=60).read())
Path(workdir, "token").write_text(token)
EOF
TOKEN="$(cat "$WORKDIR/token")"

status=0
.venv/bin/schemathesis run "$WORKDIR/schema.json" \
  --url "http://127.0.0.1:${PORT}" \
  -H "Authorization: Token ${TOKEN}" \
  --checks not_a_server_error,status_code_conformance,response_schema_conformance \
  --phases "$PHASES" \
  --max-examples "$EXAMPLES" \
  --seed "${SCHEMATHESIS_SEED:-1}" \
  --workers 2 \
  --request-timeout 30 \
  --suppress-health-check all \
  --continue-on-failure \
  --report junit --report-junit-path "$WORKDIR/junit.xml" \
  --warnings off \
  "$@" \
  || status=$?

# The slowest operations, to keep the run's time in view.
[ -f "$WORKDIR/junit.xml" ] && $PY - "$WORKDIR/junit.xml" <<'EOF' || true
import sys
import xml.etree.ElementTree as ET

cases = ET.parse(sys.argv[1]).getroot().iter("testcase")
cases = list(cases)
for case in cases:
    if case.find("skipped") is not None:
        print(f"  skipped: {case.get('name')}")
for case in sorted(cases, key=lambda c: -float(c.get("time", 0)))[:5]:
    print(f"  {float(case.get('time', 0)):6.1f}s  {case.get('name')}")
EOF
if [ -s "$WORKDIR/gunicorn.log" ] && grep -q 'Traceback' "$WORKDIR/gunicorn.log"; then
  echo "--- server tracebacks ---"
  grep -A40 'Traceback' "$WORKDIR/gunicorn.log" | head -200
fi
exit "$status"
