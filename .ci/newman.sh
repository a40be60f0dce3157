#!/usr/bin/env bash
# Run the Postman collection with newman against taskapi under gunicorn on a fresh SQLite database.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
[ -x .tools/node_modules/.bin/newman ] || npm install --prefix .tools newman@6 --no-audit --no-fund --silent

scratch=$(mktemp -d)
port=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export TASKAPI_ENV=production SECRET_KEY="newman-run-secret-$(date +%s)-0123456789abcdef" \
       DATABASE_URL="sqlite:///$scratch/newman.sqlite" TASKAPI_INSTANCE_PATH="$scratch" \
       RATELIMIT_ENABLED=false BCRYPT_LOG_ROUNDS=4 \
       TRUSTED_HOSTS=127.0.0.1 BIND="127.0.0.1:$port" WEB_CONCURRENCY=2 FLASK_APP=wsgi
admin_user=$("$BIN/python" -c 'import json; e = json.load(open("postman/local.postman_environment.json")); print({v["key"]: v["value"] for v in e["values"]}["adminUsername"])')
admin_password=$("$BIN/python" -c 'import json; e = json.load(open("postman/local.postman_environment.json")); print({v["key"]: v["value"] for v in e["values"]}["adminPassword"])')

"$BIN/flask" db upgrade >/dev/null 2>&1
echo "$admin_password" | "$BIN/flask" users create-admin "$admin_user" >/dev/null
"$BIN/gunicorn" -c gunicorn.conf.py wsgi:app >"$scratch/gunicorn.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$scratch"' EXIT
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.1
done
.tools/node_modules/.bin/newman run postman/taskapi.postman_collection.json \
  -e postman/local.postman_environment.json --env-var "baseUrl=http://127.0.0.1:$port" --bail failure
