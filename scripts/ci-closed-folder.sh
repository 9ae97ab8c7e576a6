#!/usr/bin/env bash
# CI (issue 15): the README's two commands as root in a clone under a folder other users cannot enter
# (mktemp -d is 0700), with DATABASE_URL unset, so the embedded PostgreSQL must run from its copy under
# /var/tmp. Runs a small e2e subset (embedded server boot, HTTP, an import) and `npm start` serving /health,
# then starts it again to show the data is found. Usage: scripts/ci-closed-folder.sh (from the checkout).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then echo "ci-closed-folder: not root, nothing to show"; exit 0; fi
unset DATABASE_URL
closed=$(mktemp -d)   # 0700
# The copies under /var/tmp are named by a hash of the path they stand for (the checkout for the tests'
# server, DATA_DIR for the engine's): removed with the clone.
copy_of() { echo "/var/tmp/wa-engine-pg-$(printf %s "$1" | sha256sum | cut -c1-16)"; }
cleanup() {
  kill "${engine:-0}" 2>/dev/null || true
  rm -rf "$closed" "$(copy_of "$closed/repo")" "$(copy_of "$closed/repo/.data")"
}
trap cleanup EXIT
git clone -q . "$closed/repo"
if [ -d ../shared ]; then ln -s "$(cd ../shared && pwd)" "$closed/shared"; fi
cd "$closed/repo"
npm ci --no-audit --no-fund
# Two files only (by path; --selectProjects would swallow them as project names).
timeout 600 node --experimental-vm-modules --disable-warning=ExperimentalWarning node_modules/jest/bin/jest.js \
  --runTestsByPath test/health.e2e-spec.ts test/contacts-import.e2e-spec.ts

port=$((30000 + RANDOM % 20000)); pg_port=$((port + 1))
start_and_check() {
  PORT=$port EMBEDDED_POSTGRES_PORT=$pg_port node dist/src/main.js > "$closed/engine.log" 2>&1 &
  engine=$!
  for _ in $(seq 1 120); do
    if curl -sf "http://127.0.0.1:$port/health" > /dev/null; then return 0; fi
    if ! kill -0 "$engine" 2>/dev/null; then break; fi
    sleep 1
  done
  tail -40 "$closed/engine.log"; echo "ci-closed-folder: the engine did not serve /health"; return 1
}
npm run build
start_and_check
token=$(cat .data/api-token)
printf 'phone\n+4915112345678\n' > "$closed/c.csv"
curl -sf -X POST "http://127.0.0.1:$port/v1/contacts/imports" -H "Authorization: Bearer $token" -F "file=@$closed/c.csv" > /dev/null
sleep 3
kill -TERM "$engine"; wait "$engine" || true
start_and_check   # the data is found again: the contact is still there
curl -sf "http://127.0.0.1:$port/v1/contacts?phone=%2B4915112345678" -H "Authorization: Bearer $token" | grep -q '"phone":"+4915112345678"' ||
  { echo "ci-closed-folder: the contact imported before the restart is gone"; exit 1; }
kill -TERM "$engine"; wait "$engine" || true
echo "ci-closed-folder: npm test subset and npm start work for root in a closed folder"
